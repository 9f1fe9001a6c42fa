import type * as restify from 'restify';
import type { Clock } from '../domain/clock';
import { raceAbort, withTimeout } from '../kit/abort';
import { systemClock } from '../kit/systemClock';
import { loadRestify } from './loadRestify';

const { createServer: createRestifyServer, plugins } = loadRestify();

/** A part that adds its own routes (sync ingest, analytics JSON…). */
export type RouteRegistrar = (server: restify.Server) => void;

export interface ReadinessCheck {
    name: string;
    /** True when ready; may throw (counts as not ready). */
    check(): Promise<boolean> | boolean;
    /**
     * What an operator needs to know about the part (e.g. refused topics), shown under `details.<name>`; undefined
     * when there is nothing to say.
     */
    detail?(): unknown;
}

export interface ServerOptions {
    /** Hands a Bot Framework request to the adapter. */
    processMessage(req: restify.Request, res: restify.Response): Promise<void>;
    readiness: ReadinessCheck[];
    metrics(): Promise<{ contentType: string; body: string }>;
    routes?: RouteRegistrar[];
    /**
     * Path prefixes whose routes read their own body (with their own size limit, after their own authentication):
     * the shared body parser leaves them alone. The bot endpoint always reads its own (it authenticates first).
     * @default ['/api/sync/']
     */
    rawBodyPrefixes?: readonly string[];
    onError?(error: unknown): void;
    /** Longest one readiness check may take; a slower one counts as down. @default 1000 */
    readinessTimeoutMs?: number;
    /** Times the readiness checks. @default the system clock */
    clock?: Clock;
}

/** The longest one `/readyz` check may take before it counts as down (the answer comes within this). */
export const READINESS_TIMEOUT_MS = 1_000;

/**
 * Runs every check at once, each within `timeoutMs` (a check that throws or is slower counts as down, so a dependency
 * that hangs while reconnecting cannot hold the answer); the checks' results by name.
 */
export async function runReadiness(
    checks: readonly ReadinessCheck[],
    clock: Clock,
    timeoutMs: number
): Promise<Record<string, boolean>> {
    const results = await Promise.all(
        checks.map(async (c) => {
            try {
                const ok = await withTimeout(
                    (signal) =>
                        raceAbort(
                            Promise.resolve().then(() => c.check()),
                            signal
                        ),
                    { ms: timeoutMs, clock }
                );
                return [c.name, ok === true] as const;
            } catch {
                return [c.name, false] as const;
            }
        })
    );
    return Object.fromEntries(results);
}

/** restify with the bot endpoint, health, readiness and metrics. No business logic here. */
export function createServer(options: ServerOptions): restify.Server {
    const server = createRestifyServer({ name: 'adherence-drift-bot', handleUncaughtExceptions: false });
    const raw = ['/api/messages', ...(options.rawBodyPrefixes ?? ['/api/sync/'])];
    const readsOwnBody = (req: restify.Request): boolean => {
        const path = req.getPath();
        return raw.some((prefix) => path.startsWith(prefix));
    };
    for (const parse of plugins.bodyParser({ maxBodySize: 1_000_000 })) {
        server.use((req, res, next) => (readsOwnBody(req) ? next() : parse(req, res, next)));
    }
    server.use(plugins.queryParser());

    server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
        try {
            await options.processMessage(req, res);
        } catch (error) {
            options.onError?.(error);
            if (!res.headersSent) res.send(500, { error: 'bot processing failed' });
        }
    });
    server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
        res.send(200, { status: 'ok' });
    });
    server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
        const checks = await runReadiness(
            options.readiness,
            options.clock ?? systemClock,
            options.readinessTimeoutMs ?? READINESS_TIMEOUT_MS
        );
        const details: Record<string, unknown> = {};
        for (const c of options.readiness) {
            const detail = c.detail?.();
            if (detail !== undefined) details[c.name] = detail;
        }
        const down = Object.keys(checks).filter((name) => !checks[name]);
        const ready = down.length === 0;
        const body = ready ? { status: 'ready', checks } : { status: 'not-ready', checks, down };
        res.send(ready ? 200 : 503, Object.keys(details).length > 0 ? { ...body, details } : body);
    });
    server.get('/metrics', async (_req: restify.Request, res: restify.Response) => {
        const { contentType, body } = await options.metrics();
        res.setHeader('content-type', contentType);
        res.sendRaw(200, body);
    });
    for (const register of options.routes ?? []) register(server);
    return server;
}
