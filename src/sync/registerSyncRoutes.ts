import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, Response, Server } from 'restify';
import type { Clock } from '../domain/clock';
import { silentLogger, type Logger } from '../kit/Logger';
import { prepareIngest } from './pipeline/prepareIngest';
import type { AgentResolver } from './pipeline/validateEvent';
import type { SyncConfig } from './syncConfig';
import type { SyncQueue } from './SyncQueue';
import type { SyncMetrics } from './createSyncMetrics';
import type { SyncWorker } from './createSyncWorker';

export interface SyncRouteDeps {
    config: SyncConfig;
    queue: SyncQueue;
    resolveAgent: AgentResolver;
    clock: Clock;
    metrics?: SyncMetrics;
    worker?: Pick<SyncWorker, 'diagnostics' | 'status'>;
    logger?: Logger;
}

class BodyError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string
    ) {
        super(message);
    }
}

function digest(s: string): Buffer {
    return createHash('sha256').update(s).digest();
}

/**
 * Constant-time bearer check (hashing first makes the comparison length-independent). The scheme is case-insensitive
 * (RFC 7235 §2.1), as on the report route.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
    const m = /^bearer +(.+)$/i.exec(header ?? '');
    return timingSafeEqual(digest(m ? m[1] : ''), digest(token)) && m !== null;
}

async function readBody(req: Request, limit: number): Promise<string> {
    const pre = (req as Request & { body?: unknown }).body;
    if (typeof pre === 'string' || Buffer.isBuffer(pre)) {
        if (Buffer.byteLength(pre) > limit) throw new BodyError(413, 'BODY_TOO_LARGE', `body exceeds ${limit} bytes`);
        return pre.toString();
    }
    if (pre !== undefined) return JSON.stringify(pre);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit)
        throw new BodyError(413, 'BODY_TOO_LARGE', `body exceeds ${limit} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as unknown as IncomingMessage) {
        size += (chunk as Buffer).length;
        if (size > limit) throw new BodyError(413, 'BODY_TOO_LARGE', `body exceeds ${limit} bytes`);
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
}

/**
 * A JSON array (`application/json` must be one), or NDJSON (`application/x-ndjson`, or any other type whose body does
 * not start with `[`). A broken NDJSON line becomes an item that is refused alone.
 */
export function parseItems(text: string, contentType: string | undefined): unknown[] {
    const trimmed = text.trim();
    if (trimmed === '') throw new BodyError(400, 'EMPTY_BODY', 'body is empty');
    const type = contentType ?? '';
    const ndjson = /ndjson|jsonlines/i.test(type) || (!/application\/json/i.test(type) && !trimmed.startsWith('['));
    if (!ndjson) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(trimmed);
        } catch (e) {
            throw new BodyError(400, 'BAD_JSON', `body is not valid JSON: ${(e as Error).message.slice(0, 120)}`);
        }
        if (!Array.isArray(parsed)) throw new BodyError(400, 'BAD_JSON', 'body must be a JSON array or NDJSON');
        return parsed;
    }
    return trimmed
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .map((line) => {
            try {
                return JSON.parse(line) as unknown;
            } catch {
                return { __unparseable: line.slice(0, 200) };
            }
        });
}

/** Most dead letters one diagnostics answer lists (each item is bounded by SYNC_DEAD_LETTER_ITEM_MAX_CHARS). */
export const DEAD_LETTER_PAGE_MAX = 100;

/** `?deadLetters=<limit>&offset=<n>`: the page of dead letters asked for (default the 50 newest), or the problem. */
export function deadLetterPage(query: Record<string, unknown> | undefined): { limit: number; offset: number } | string {
    const read = (name: string, fallback: number, max: number): number | string => {
        const raw = query?.[name];
        if (raw === undefined || raw === '') return fallback;
        const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
        return Number.isInteger(n) && n <= max ? n : `${name} must be a whole number between 0 and ${max}`;
    };
    const limit = read('deadLetters', 50, DEAD_LETTER_PAGE_MAX);
    const offset = read('offset', 0, 10_000_000);
    if (typeof limit === 'string') return limit;
    if (typeof offset === 'string') return offset;
    return { limit, offset };
}

/**
 * `POST /api/sync/events` (bearer token; JSON array or NDJSON; accepted items are in the durable queue before the
 * 202; per-item results; refused items in the dead-letter list) and `GET /api/sync/diagnostics`. Not registered
 * when `config.enabled` is false (no token).
 */
export function registerSyncRoutes(server: Server, deps: SyncRouteDeps): void {
    const { config } = deps;
    if (!config.enabled || !config.ingestToken) return;
    const token = config.ingestToken.reveal();
    const logger = deps.logger ?? silentLogger();

    const fail = (res: Response, status: number, code: string, message: string): void => {
        res.status(status);
        res.json({ code, message });
    };

    server.post('/api/sync/events', (req: Request, res: Response, next: (err?: unknown) => void) => {
        void (async () => {
            if (!bearerMatches(req.headers.authorization, token)) {
                res.header('WWW-Authenticate', 'Bearer');
                return fail(res, 401, 'UNAUTHORIZED', 'missing or wrong bearer token');
            }
            let items: unknown[];
            try {
                items = parseItems(await readBody(req, config.maxBodyBytes), req.headers['content-type']);
            } catch (e) {
                if (e instanceof BodyError) return fail(res, e.status, e.code, e.message);
                throw e;
            }
            if (items.length > config.maxBatch)
                return fail(
                    res,
                    413,
                    'BATCH_TOO_LARGE',
                    `at most ${config.maxBatch} items per request (got ${items.length})`
                );
            const prepared = prepareIngest(
                items.map((i) =>
                    typeof i === 'object' && i !== null && '__unparseable' in i ? 'unparseable NDJSON line' : i
                ),
                {
                    resolveAgent: deps.resolveAgent,
                    reasonCodes: config.reasonCodes,
                    target: config.target,
                    window: { now: deps.clock.now(), maxFutureMs: config.maxFutureMs, maxAgeMs: config.maxAgeMs }
                }
            );
            try {
                await deps.queue.append(prepared.accepted);
            } catch (e) {
                logger.error({ err: (e as Error).message }, 'sync ingest append failed');
                return fail(res, 503, 'QUEUE_UNAVAILABLE', 'the durable queue is unavailable; nothing was accepted');
            }
            let deadLettersStored = true;
            try {
                await deps.queue.deadLetter(
                    prepared.rejected.map((r) => ({
                        at: deps.clock.now(),
                        rejection: r.rejection,
                        item: items[r.index]
                    }))
                );
            } catch (e) {
                deadLettersStored = false;
                logger.warn({ err: (e as Error).message }, 'sync dead-letter write failed');
            }
            deps.metrics?.ingested.inc({ result: 'accepted' }, prepared.accepted.length);
            deps.metrics?.ingested.inc({ result: 'rejected' }, prepared.rejected.length);
            for (const r of prepared.rejected) deps.metrics?.rejected.inc({ code: r.rejection.code });
            res.status(202);
            res.json({
                accepted: prepared.accepted.length,
                rejected: prepared.rejected.length,
                results: prepared.results,
                // The refusals above are in the dead-letter list, unless its write failed (Redis down): then say so.
                ...(deadLettersStored ? {} : { deadLettersStored })
            });
        })().then(
            () => next(),
            (e: unknown) => {
                logger.error({ err: (e as Error).message }, 'sync ingest failed');
                if (!res.headersSent) fail(res, 500, 'INTERNAL', 'ingest failed');
                next();
            }
        );
    });

    server.get('/api/sync/diagnostics', (req: Request, res: Response, next: (err?: unknown) => void) => {
        void (async () => {
            if (!bearerMatches(req.headers.authorization, token))
                return fail(res, 401, 'UNAUTHORIZED', 'missing or wrong bearer token');
            const page = deadLetterPage(req.query as Record<string, unknown> | undefined);
            if (typeof page === 'string') return fail(res, 400, 'BAD_QUERY', page);
            const diagnostics = deps.worker ? await deps.worker.diagnostics(page) : undefined;
            res.json({
                status: deps.worker?.status(),
                diagnostics: diagnostics ?? {
                    queueDepth: await deps.queue.depth(),
                    deadLetters: await deps.queue.deadLetters(page.limit, page.offset),
                    deadLetterPage: { total: await deps.queue.deadLetterCount(), ...page }
                }
            });
        })().then(
            () => next(),
            (e: unknown) => {
                logger.error({ err: (e as Error).message }, 'sync diagnostics failed');
                if (!res.headersSent) fail(res, 500, 'INTERNAL', 'diagnostics failed');
                next();
            }
        );
    });
}
