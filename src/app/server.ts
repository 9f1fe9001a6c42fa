import type * as restify from 'restify';
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
        const checks: Record<string, boolean> = {};
        for (const c of options.readiness) {
            try {
                checks[c.name] = await c.check();
            } catch {
                checks[c.name] = false;
            }
        }
        const details: Record<string, unknown> = {};
        for (const c of options.readiness) {
            const detail = c.detail?.();
            if (detail !== undefined) details[c.name] = detail;
        }
        const ready = Object.values(checks).every(Boolean);
        const body = { status: ready ? 'ready' : 'not-ready', checks };
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
