import type { Clock } from '../domain/clock';
import type { EpisodeLogEntry } from '../domain/adherence/types';
import type { AgentStateStore } from '../engine/ports';
import { AnalyticsError } from './AnalyticsError';
import type { DriftReport } from './driftReport';
import { computeDriftReport } from './computeDriftReport';
import type { ReportQuery } from './reportQuery';

const DAY_MS = 86_400_000;
const MAX_CACHED = 32;

export interface DriftReportServiceDeps {
    store: Pick<AgentStateStore, 'readLog'>;
    clock: Pick<Clock, 'now'>;
    timeZoneOf: (managementUnitId: string) => string;
    nameOf?: (userId: string) => string | undefined;
    /**
     * Names of the listed agents, looked up after the computation (e.g. the cached Genesys user directory). An agent it
     * does not return is shown by id and marked unknown; a failing look-up leaves the ids. Used when `nameOf` is absent.
     */
    namesOf?: (userIds: string[]) => Promise<ReadonlyMap<string, string>>;
    /** Log retention, days: marks previous periods older than that as partial. */
    retentionDays?: number;
    /** @default 10 */
    topAgents?: number;
    /**
     * How long a computed report is served again for the same query, ms (`REPORT_CACHE_MS`); 0 turns caching off.
     * Identical requests in flight share one store read either way.
     * @default 0
     */
    cacheMs?: number;
}

export interface DriftReportService {
    /** The report of the `days` ending now (and the same length before, for comparison). */
    report(query: ReportQuery): Promise<DriftReport>;
}

/**
 * Reads the episode log of the current and previous period once, then computes the report (pure).
 * A 30-day report reads a lot of log (see docs/analytics.md), so concurrent identical requests share one
 * computation and, with `cacheMs`, a recent result is served again.
 */
export function createDriftReportService(deps: DriftReportServiceDeps): DriftReportService {
    const cacheMs = deps.cacheMs ?? 0;
    const inFlight = new Map<string, Promise<DriftReport>>();
    const cache = new Map<string, { at: number; report: DriftReport }>();

    async function compute(query: ReportQuery): Promise<DriftReport> {
        const toAt = deps.clock.now();
        const fromAt = toAt - query.days * DAY_MS;
        const previousFromAt = fromAt - query.days * DAY_MS;
        const units =
            query.managementUnitId !== undefined ? [query.managementUnitId] : [...(query.managementUnitIds ?? [])];
        let entries: EpisodeLogEntry[];
        try {
            if (units.length === 0) entries = await deps.store.readLog({ fromAt: previousFromAt, toAt });
            else {
                const parts = await Promise.all(
                    [...new Set(units)].map((managementUnitId) =>
                        deps.store.readLog({ fromAt: previousFromAt, toAt, managementUnitId })
                    )
                );
                entries = parts.length === 1 ? parts[0] : parts.flat();
            }
        } catch (err) {
            throw new AnalyticsError('REPORT_STORE_FAILED', 'Could not read the episode log from the store', {
                retryable: true,
                cause: err
            });
        }
        const report = computeDriftReport({
            entries,
            current: { fromAt, toAt },
            previous: { fromAt: previousFromAt, toAt: fromAt },
            ...(query.managementUnitId === undefined ? {} : { managementUnitId: query.managementUnitId }),
            ...(query.managementUnitIds === undefined || query.managementUnitIds.length === 0
                ? {}
                : { managementUnitIds: query.managementUnitIds }),
            ...(query.teamId === undefined ? {} : { teamId: query.teamId }),
            timeZoneOf: deps.timeZoneOf,
            ...(deps.nameOf === undefined ? {} : { nameOf: deps.nameOf }),
            ...(deps.topAgents === undefined ? {} : { topAgents: deps.topAgents }),
            ...(deps.retentionDays === undefined ? {} : { retainedFromAt: toAt - deps.retentionDays * DAY_MS })
        });
        if (deps.nameOf !== undefined || deps.namesOf === undefined || report.topAgents.length === 0) return report;
        let names: ReadonlyMap<string, string>;
        try {
            names = await deps.namesOf(report.topAgents.map((a) => a.userId));
        } catch {
            return report;
        }
        return {
            ...report,
            topAgents: report.topAgents.map((a) => {
                const name = names.get(a.userId);
                return { ...a, name: name ?? a.userId, known: name !== undefined };
            })
        };
    }

    return {
        report(query) {
            const key = `${query.days}|${query.managementUnitId ?? ''}|${[...(query.managementUnitIds ?? [])].sort().join(',')}|${query.teamId ?? ''}`;
            const now = deps.clock.now();
            const cached = cache.get(key);
            if (cached !== undefined && now - cached.at < cacheMs) return Promise.resolve(cached.report);
            const pending = inFlight.get(key);
            if (pending !== undefined) return pending;
            const started = compute(query).then(
                (report) => {
                    inFlight.delete(key);
                    if (cacheMs > 0) {
                        for (const [k, v] of cache) if (now - v.at >= cacheMs) cache.delete(k);
                        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
                        cache.set(key, { at: now, report });
                    }
                    return report;
                },
                (err: unknown) => {
                    inFlight.delete(key);
                    throw err;
                }
            );
            inFlight.set(key, started);
            return started;
        }
    };
}
