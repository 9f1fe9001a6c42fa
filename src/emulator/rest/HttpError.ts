import type * as Genesys from 'purecloud-platform-client-v2';

/** An API failure the emulator answers with the Genesys error body (`message`, `code`, `status`, `contextId`). */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        /** Genesys error code, e.g. `bad.request`, `not.found`, `too.many.requests.retry.after`. */
        readonly code: string,
        message: string,
        readonly headers: Record<string, string> = {},
        /** `messageParams` of the body (e.g. the missing permissions). */
        readonly params: Record<string, string> = {}
    ) {
        super(message);
        this.name = 'HttpError';
    }
}

/** 404 `not.found` with `message`. */
export function notFound(message: string): HttpError {
    return new HttpError(404, 'not.found', message);
}

/** 400 `bad.request` with `message`. */
export function badRequest(message: string): HttpError {
    return new HttpError(400, 'bad.request', message);
}

/** The body Genesys sends with every API error (an `ErrorBody` in the SDK). */
export function errorBody(
    status: number,
    code: string,
    message: string,
    contextId: string,
    params: Record<string, string> = {}
): Genesys.Models.ErrorBody {
    const body: Genesys.Models.ErrorBody = { message, code, status, contextId, details: [], errors: [] };
    if (Object.keys(params).length > 0) body.messageParams = params;
    return body;
}
