/* eslint-disable @typescript-eslint/no-explicit-any -- JSON payloads on the wire are untyped here */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlidingWindowLimiter, type WindowLimit } from '../../src/kit/SlidingWindowLimiter';

/** One request the fake connector received. */
export interface ConnectorRequest {
    method: string;
    path: string;
    /** Decoded conversation id from the path, if any. */
    conversationId?: string;
    /** Decoded activity id from the path (reply / update), if any. */
    activityId?: string;
    kind: 'create' | 'send' | 'reply' | 'update' | 'members' | 'member' | 'other';
    body: any;
    /** The status it was answered with. */
    status: number;
    /** Wall-clock arrival, epoch ms (benchmarks). */
    receivedAt: number;
    /** Answered 429 because it was over Teams' rate limits (not scripted). */
    overLimit?: boolean;
}

/** Teams' documented limits for a bot, enforced on arrival (wall clock) when given to the connector. */
export interface ConnectorLimits {
    /** Per bot per conversation, e.g. 7/1 s, 8/2 s, 60/30 s, 1,800/h. */
    perConversation: WindowLimit[];
    /** Per app, e.g. 50/s. */
    perApp: WindowLimit[];
}

/** The limits Teams documents for a bot (the product's defaults). */
export const TEAMS_LIMITS: ConnectorLimits = {
    perConversation: [
        { limit: 7, windowMs: 1_000 },
        { limit: 8, windowMs: 2_000 },
        { limit: 60, windowMs: 30_000 },
        { limit: 1_800, windowMs: 3_600_000 }
    ],
    perApp: [{ limit: 50, windowMs: 1_000 }]
};

/** A request kind to script; `post` = send or reply. */
export type ScriptKind = ConnectorRequest['kind'] | 'post';

export interface ScriptedResponse {
    status: number;
    headers?: Record<string, string>;
    body?: unknown;
}

export interface Member {
    id: string;
    name?: string;
    aadObjectId?: string;
    email?: string;
    userPrincipalName?: string;
}

/**
 * A Bot Connector on 127.0.0.1:0 answering the REST calls a bot makes (reference: connector REST calls): create
 * conversation, send, reply, update, roster. Failures are scripted per request kind (and optionally conversation);
 * every request is recorded. With `limits`, sends, replies and updates beyond Teams' rate limits (counted on arrival,
 * per conversation and per app) are answered 429 with `Retry-After` in seconds, as Teams does.
 */
export class FakeBotConnector {
    readonly requests: ConnectorRequest[] = [];
    readonly members = new Map<string, Member>();
    private server: Server | undefined;
    private nextId = 1;
    private readonly scripts: Array<{ kind: ScriptKind; conversationId?: string; responses: ScriptedResponse[] }> = [];
    private waiters: Array<{ predicate: () => boolean; resolve: () => void }> = [];
    url = '';
    private readonly limiters: { conversation: SlidingWindowLimiter; app: SlidingWindowLimiter } | undefined;

    constructor(options: { limits?: ConnectorLimits } = {}) {
        this.limiters = options.limits && {
            conversation: new SlidingWindowLimiter(options.limits.perConversation),
            app: new SlidingWindowLimiter(options.limits.perApp)
        };
    }

    async start(): Promise<string> {
        this.server = createServer((req, res) => void this.handle(req, res));
        this.server.keepAliveTimeout = 100;
        await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
        return this.url;
    }

    async stop(): Promise<void> {
        if (!this.server) return;
        this.server.closeAllConnections();
        await new Promise<void>((r) => this.server!.close(() => r()));
        this.server = undefined;
    }

    /** Answer the next requests of this kind (optionally only in one conversation) with these responses, in order. */
    script(kind: ScriptKind, responses: ScriptedResponse[], conversationId?: string): void {
        this.scripts.push({ kind, conversationId, responses: [...responses] });
    }

    /** Successful sends/updates (status 2xx) of a kind. */
    delivered(kind?: ConnectorRequest['kind']): ConnectorRequest[] {
        return this.requests.filter((r) => r.status < 300 && (kind === undefined || r.kind === kind));
    }

    /** Successful new messages (send, or reply: botbuilder's proactive sends reply to the continuation id). */
    posted(conversationId?: string): ConnectorRequest[] {
        return this.requests.filter(
            (r) =>
                r.status < 300 &&
                (r.kind === 'send' || r.kind === 'reply') &&
                (conversationId === undefined || r.conversationId === conversationId)
        );
    }

    /** Requests answered 429 because they were over the rate limits. */
    overLimit(): ConnectorRequest[] {
        return this.requests.filter((r) => r.overLimit);
    }

    /** Resolves once the predicate holds (checked after every request); rejects after `ms` of real time. */
    waitFor(predicate: () => boolean, ms = 5_000): Promise<void> {
        if (predicate()) return Promise.resolve();
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('fake connector: condition not met in time')), ms);
            timer.unref();
            this.waiters.push({
                predicate,
                resolve: () => {
                    clearTimeout(timer);
                    resolve();
                }
            });
        });
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: any;
        try {
            body = raw ? JSON.parse(raw) : undefined;
        } catch {
            body = raw;
        }
        const url = new URL(req.url ?? '/', 'http://x');
        const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
        const method = req.method ?? 'GET';
        const record: ConnectorRequest = {
            method,
            path: url.pathname,
            kind: 'other',
            body,
            status: 200,
            receivedAt: Date.now()
        };
        // /v3/conversations[/{id}[/activities[/{activityId}] | /members[/{memberId}]]]
        if (parts[0] === 'v3' && parts[1] === 'conversations') {
            record.conversationId = parts[2];
            if (parts.length === 2 && method === 'POST') record.kind = 'create';
            else if (parts[3] === 'activities' && parts.length === 4 && method === 'POST') record.kind = 'send';
            else if (parts[3] === 'activities' && parts.length === 5) {
                record.activityId = parts[4];
                record.kind = method === 'PUT' ? 'update' : method === 'POST' ? 'reply' : 'other';
            } else if (parts[3] === 'members') record.kind = parts.length === 5 ? 'member' : 'members';
        }
        const scripted = this.nextScripted(record) ?? this.overLimitAnswer(record);
        let status = 200;
        let headers: Record<string, string> = {};
        let answer: unknown;
        if (scripted) {
            status = scripted.status;
            headers = scripted.headers ?? {};
            answer = scripted.body ?? {
                error: { code: status === 403 ? 'MessageWritesBlocked' : 'Throttled', message: `scripted ${status}` }
            };
        } else {
            switch (record.kind) {
                case 'create':
                    answer = { id: `a:conv-${this.nextId++}`, activityId: `act-${this.nextId++}` };
                    break;
                case 'send':
                case 'reply':
                    answer = { id: `act-${this.nextId++}` };
                    break;
                case 'update':
                    answer = { id: record.activityId };
                    break;
                case 'member': {
                    const m = this.members.get(parts[4]);
                    if (!m) {
                        status = 404;
                        answer = { error: { code: 'MemberNotFoundInConversation', message: 'not found' } };
                    } else answer = m;
                    break;
                }
                case 'members':
                    answer = [...this.members.values()];
                    break;
                default:
                    status = 404;
                    answer = { error: { code: 'NotFound', message: 'unknown route' } };
            }
        }
        record.status = status;
        this.requests.push(record);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(answer));
        this.waiters = this.waiters.filter((w) => {
            if (!w.predicate()) return true;
            w.resolve();
            return false;
        });
    }

    /** A 429 when a send, reply or update is over a limit at its arrival; otherwise it is counted. */
    private overLimitAnswer(record: ConnectorRequest): ScriptedResponse | undefined {
        if (!this.limiters || !['send', 'reply', 'update'].includes(record.kind)) return undefined;
        const now = record.receivedAt;
        const conversation = record.conversationId ?? '';
        const wait = Math.max(
            this.limiters.conversation.delayFor(conversation, now),
            this.limiters.app.delayFor('app', now)
        );
        if (wait > 0) {
            record.overLimit = true;
            return {
                status: 429,
                headers: { 'Retry-After': String(Math.ceil(wait / 1000)) },
                body: { error: { code: 'Throttled', message: 'rate limit exceeded' } }
            };
        }
        this.limiters.conversation.record(conversation, now);
        this.limiters.app.record('app', now);
        return undefined;
    }

    private nextScripted(record: ConnectorRequest): ScriptedResponse | undefined {
        for (const s of this.scripts) {
            const matches =
                s.kind === record.kind || (s.kind === 'post' && (record.kind === 'send' || record.kind === 'reply'));
            if (!matches || s.responses.length === 0) continue;
            if (s.conversationId !== undefined && s.conversationId !== record.conversationId) continue;
            return s.responses.shift();
        }
        return undefined;
    }
}
