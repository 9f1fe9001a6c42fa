import type { IncomingMessage } from 'node:http';
import type { Activity, TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../kit/Logger';
import { RepeatLog } from '../../kit/RepeatLog';
import { checkActivity } from './inboundActivity';

/** The request side the edge reads: headers and the raw body stream (or a body another parser already read). */
export type BotRequest = Pick<IncomingMessage, 'headers'> & Partial<AsyncIterable<unknown>> & { body?: unknown };

/** The response side the edge writes (restify's and express's responses both have these). */
export interface BotResponse {
    status(code: number): unknown;
    send(body?: unknown): unknown;
    end(): unknown;
}

/** The largest request body the bot reads (Bot Framework activities are far smaller). */
export const MAX_ACTIVITY_BYTES = 1_000_000;

/**
 * The botbuilder adapter with the two steps of `process()` apart, so that the edge can authenticate before it parses
 * anything: `authenticate` checks the `Authorization` header with botframework-connector's JWT validation (signing
 * keys from the OpenID metadata, issuer, audience = the bot's app id, expiry, the service URL claim), `run` processes
 * an activity that has been authenticated.
 */
export class EdgeAdapter extends TeamsAdapter {
    authenticate(activity: Partial<Activity>, authHeader: string): Promise<AuthenticateRequestResult> {
        return this.botFrameworkAuthentication.authenticateRequest(activity as Activity, authHeader);
    }

    run(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
        return this.processActivity(auth, activity, logic);
    }
}

class TooLarge extends Error {}

async function readRaw(req: BotRequest, limit: number): Promise<string> {
    if (req.body !== undefined) return typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (!req[Symbol.asyncIterator]) return '';
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) throw new TooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<unknown>) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
        size += buffer.length;
        if (size > limit) throw new TooLarge();
        chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

/**
 * The strings the token validation compares with its claims; anything else counts as absent. `AseChannel` is dropped:
 * botframework-connector would check such a token against a fixed Microsoft endpoint, and this bot serves Teams only.
 */
function claimTargets(body: unknown): Partial<Activity> {
    const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    return {
        channelId: typeof o.channelId === 'string' && o.channelId !== 'AseChannel' ? o.channelId : '',
        serviceUrl: typeof o.serviceUrl === 'string' ? o.serviceUrl : ''
    };
}

export interface BotEdgeDeps {
    adapter: EdgeAdapter;
    logic: (context: TurnContext) => Promise<void>;
    logger: Logger;
    clock: Clock;
    maxBytes?: number;
}

/**
 * `POST /api/messages`, in this order: authenticate (401 for a missing, malformed, forged, unsigned, wrongly signed
 * or expired token, whatever the body), then read and validate the activity (413 / 400 with the fields at fault, no
 * internals), then run the turn. Refusals are logged at warn level, once a minute per kind; nothing a caller sends
 * makes an error-level line.
 */
export function createBotEdge(deps: BotEdgeDeps): (req: BotRequest, res: BotResponse) => Promise<void> {
    const { adapter, logic, logger } = deps;
    const refusals = new RepeatLog(logger, deps.clock);
    const limit = deps.maxBytes ?? MAX_ACTIVITY_BYTES;
    const end = (res: BotResponse, status: number, body?: unknown): void => {
        res.status(status);
        if (body !== undefined) res.send(body);
        res.end();
    };
    return async (req, res) => {
        const header = req.headers.authorization ?? '';
        let text: string | undefined;
        try {
            text = await readRaw(req, limit);
        } catch (error) {
            if (!(error instanceof TooLarge)) throw error;
        }
        const body = text === undefined ? undefined : parseJson(text);
        let auth: AuthenticateRequestResult;
        try {
            auth = await adapter.authenticate(claimTargets(body), header);
        } catch (error) {
            const reason = error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : 'not authorized';
            refusals.log('warn', `401:${reason}`, { status: 401, reason }, 'bot request refused: not authenticated');
            return end(res, 401, { error: 'unauthorized' });
        }
        if (text === undefined) return end(res, 413, { error: `the body exceeds ${limit} bytes` });
        const checked = checkActivity(body);
        if (!checked.ok) {
            refusals.log('warn', '400', { status: 400, problem: checked.problem }, 'bot request refused: bad activity');
            return end(res, 400, { error: checked.problem });
        }
        const answer = await adapter.run(auth, checked.activity as Activity, logic);
        end(res, answer?.status ?? 200, answer?.body);
    };
}
