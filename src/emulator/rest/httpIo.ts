import type http from 'node:http';
import { HttpError, badRequest } from './HttpError';

/** A JSON answer, or (`bare`) a status line with neither headers nor body. */
export type Reply =
    | { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> }
    | { readonly status: number; readonly bare: true };

/** 200 with a JSON body. */
export function ok(body: unknown): Reply {
    return { status: 200, body };
}

/** Largest request body the emulator reads, bytes (413 above). */
const MAX_BODY_BYTES = 512_000;

/** The request body as text; 413 `request.entity.too.large` beyond {@link MAX_BODY_BYTES}. */
export async function readBody(req: http.IncomingMessage): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES)
            throw new HttpError(413, 'request.entity.too.large', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
        parts.push(chunk as Buffer);
    }
    return Buffer.concat(parts).toString('utf8');
}

/** The JSON value of a body (undefined when empty); 400 `bad.request` when it does not parse. */
export function parseJson(text: string): unknown {
    if (text === '') return undefined;
    try {
        return JSON.parse(text);
    } catch {
        throw badRequest('The request body is not valid JSON');
    }
}

/** Write `reply`; JSON replies carry `ININ-Correlation-Id` as Genesys responses do. */
export function writeReply(res: http.ServerResponse, reply: Reply, correlationId: () => string): void {
    if ('bare' in reply) {
        res.writeHead(reply.status);
        res.end();
        return;
    }
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
        'ININ-Correlation-Id': correlationId(),
        ...reply.headers
    });
    res.end(text);
}
