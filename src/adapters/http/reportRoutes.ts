import { createHash, timingSafeEqual } from 'node:crypto';
import type * as restify from 'restify';
import { AnalyticsError, isAnalyticsError } from '../../analytics/AnalyticsError';
import type { DriftReportService } from '../../analytics/driftReportService';
import type { ReportLimits } from '../../analytics/reportQuery';
import { parseReportQuery } from '../../analytics/reportQuery';
import type { Logger } from '../../kit/Logger';

/** The path of the drift report endpoint. */
export const DRIFT_REPORT_PATH = '/api/reports/drift';

const ALLOWED_PARAMS = new Set(['days', 'unit', 'team']);

export interface ReportRoutesDeps {
    /** `REPORT_API_TOKEN`; when undefined or empty the route is not registered (off, 404). */
    token: string | undefined;
    reports: DriftReportService;
    limits: ReportLimits;
    /** Never given the token or the Authorization header. */
    logger?: Logger;
}

function digest(text: string): Buffer {
    return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time check of `Authorization: Bearer <token>`; hashing first makes the time independent of length. */
function authorized(header: string | undefined, expected: Buffer): boolean {
    if (header === undefined) return false;
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    const given = digest(match ? match[1] : '');
    return timingSafeEqual(given, expected) && match !== null;
}

function sendJson(res: restify.Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.setHeader('Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.send(status, body);
}

/** Read `days`, `unit`, `team` from the raw query string: unknown or repeated parameters are problems too. */
function readParams(url: string | undefined): { days?: string; unit?: string; team?: string } {
    const params = new URL(url ?? '/', 'http://localhost').searchParams;
    const problems: string[] = [];
    const raw: Record<string, string> = {};
    for (const [name, value] of params) {
        if (!ALLOWED_PARAMS.has(name))
            problems.push(`unknown parameter "${name.slice(0, 40)}" (allowed: days, unit, team)`);
        else if (name in raw) problems.push(`parameter "${name}" given more than once`);
        else raw[name] = value;
    }
    if (problems.length > 0) {
        throw new AnalyticsError('REPORT_QUERY_INVALID', `Invalid report request: ${problems.join('; ')}`, {
            problems
        });
    }
    return raw;
}

/**
 * `GET /api/reports/drift?days=7&unit=<managementUnitId>&team=<teamId>`: the drift report as JSON.
 * Authorized by `Authorization: Bearer <REPORT_API_TOKEN>` (401 otherwise); 400 on bad parameters;
 * 503 when the store cannot be read. Not registered at all when no token is configured.
 * Works with or without restify's queryParser plugin. Returns whether the route was registered.
 */
export function registerReportRoutes(server: restify.Server, deps: ReportRoutesDeps): { enabled: boolean } {
    if (deps.token === undefined || deps.token === '') return { enabled: false };
    const expected = digest(deps.token);

    server.get(DRIFT_REPORT_PATH, async (req: restify.Request, res: restify.Response) => {
        if (!authorized(req.headers.authorization, expected)) {
            deps.logger?.warn(
                { path: DRIFT_REPORT_PATH, remote: req.socket?.remoteAddress },
                'drift report: unauthorized'
            );
            sendJson(
                res,
                401,
                { code: 'UNAUTHORIZED', message: 'A valid bearer token is required' },
                { 'WWW-Authenticate': 'Bearer realm="reports"' }
            );
            return;
        }
        try {
            const query = parseReportQuery(readParams(req.url), deps.limits);
            const report = await deps.reports.report(query);
            sendJson(res, 200, report);
        } catch (err) {
            if (isAnalyticsError(err) && err.code === 'REPORT_QUERY_INVALID') {
                sendJson(res, 400, { code: err.code, message: err.message, problems: err.problems });
            } else if (isAnalyticsError(err) && err.code === 'REPORT_STORE_FAILED') {
                deps.logger?.error({ code: err.code, err: err.cause }, 'drift report: store read failed');
                sendJson(
                    res,
                    503,
                    { code: err.code, message: 'The episode log is unavailable; try again shortly' },
                    { 'Retry-After': '5' }
                );
            } else {
                deps.logger?.error({ err }, 'drift report: failed');
                sendJson(res, 500, { code: 'REPORT_FAILED', message: 'The report could not be computed' });
            }
        }
    });
    return { enabled: true };
}
