import type http from 'node:http';
import type { Clock } from '../../domain/clock';
import type { EmulatorTimers } from '../EmulatorTimers';
import type { Faults } from '../faults/Faults';
import type { OAuthServer } from '../oauth/OAuthServer';
import type { Downloads } from './Downloads';
import { forbidden } from '../oauth/Role';
import { HttpError, errorBody, notFound } from './HttpError';
import { parseJson, readBody, writeReply, type Reply } from './httpIo';
import type { Router } from './Router';

/** A request as the emulator saw it (for tests and the sandbox). */
export interface RecordedRequest {
    method: string;
    path: string;
    query: Record<string, string[]>;
    /** Epoch ms of arrival. */
    at: number;
    token?: string;
    status?: number;
    body?: unknown;
}

export interface ApiHandlerDeps {
    clock: Clock;
    timers: EmulatorTimers;
    /** Draws a fresh id (correlation and context ids). */
    newId: () => string;
    oauth: OAuthServer;
    faults: Faults;
    downloads: Downloads;
    router: Router;
}

/** Requests kept in {@link ApiHandler.requests}; beyond it the oldest half is dropped. */
const MAX_RECORDED = 20_000;

/**
 * The HTTP side of the emulator, in this order: the token endpoint and downloads (no token), then for `/api/v2/…` the
 * bearer token, faults and latency, the JSON body, the route table, and the permissions the route requires. Every
 * request is recorded; every failure is answered with the Genesys error body.
 */
export class ApiHandler {
    readonly requests: RecordedRequest[] = [];

    constructor(private readonly deps: ApiHandlerDeps) {}

    /** The HTTP server's `request` listener. */
    readonly listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
        const url = new URL(req.url ?? '/', 'http://emulator');
        const query: Record<string, string[]> = {};
        for (const k of new Set(url.searchParams.keys())) query[k] = url.searchParams.getAll(k);
        const rec: RecordedRequest = {
            method: req.method ?? 'GET',
            path: url.pathname,
            query,
            at: this.deps.clock.now()
        };
        this.requests.push(rec);
        if (this.requests.length > MAX_RECORDED) this.requests.splice(0, MAX_RECORDED / 2);
        this.serve(req, res, url, rec)
            .then(() => {
                rec.status = res.statusCode;
            })
            .catch((error: unknown) => {
                const e = error instanceof HttpError ? error : undefined;
                const status = e?.status ?? 500;
                rec.status = status;
                if (res.headersSent) return;
                const body = errorBody(
                    status,
                    e?.code ?? 'internal.server.error',
                    e?.message ?? 'Emulator error',
                    this.deps.newId(),
                    e?.params
                );
                this.write(res, { status, body, headers: e?.headers });
            });
    };

    private async serve(
        req: http.IncomingMessage,
        res: http.ServerResponse,
        url: URL,
        rec: RecordedRequest
    ): Promise<void> {
        const { oauth, faults, downloads, router, timers } = this.deps;
        const path = url.pathname;
        const method = req.method ?? 'GET';
        const text = await readBody(req);
        if (method === 'POST' && path === '/oauth/token')
            return this.write(res, oauth.issueToken(req.headers.authorization, text));
        if (method === 'GET' && path.startsWith('/downloads/'))
            return this.write(res, downloads.serve(path.slice('/downloads/'.length)));
        if (!path.startsWith('/api/v2/')) throw notFound(`No route ${method} ${path}`);
        const grant = oauth.authenticate(req.headers.authorization);
        rec.token = grant.token;
        faults.admit(grant, path);
        if (faults.latencyMs > 0) await timers.delay(faults.latencyMs);
        const body = parseJson(text);
        rec.body = body;
        const match = router.match(method, path);
        if (!match) throw notFound(`No route ${method} ${path}`);
        const { requires } = match.route;
        const missing = grant.role.missing(requires);
        if (requires && missing.length > 0) throw forbidden(requires, missing);
        const query = (name: string): string[] =>
            url.searchParams
                .getAll(name)
                .flatMap((v) => v.split(','))
                .filter((v) => v !== '');
        const flag = (name: string): boolean => url.searchParams.get(name) === 'true';
        this.write(res, match.route.handle({ params: match.params, query, flag, body, grant }));
    }

    private write(res: http.ServerResponse, reply: Reply): void {
        writeReply(res, reply, this.deps.newId);
    }
}
