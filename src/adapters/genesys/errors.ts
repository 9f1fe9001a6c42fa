import { CodedError, hasBrand, type CodedErrorOptions } from '../../kit/CodedError';

/** Stable codes of every failure the Genesys adapter reports. Never match on message text. */
export type GenesysErrorCode =
    | 'GENESYS_RATE_LIMITED'
    | 'GENESYS_AUTH_FAILED'
    | 'GENESYS_FORBIDDEN'
    | 'GENESYS_NOT_FOUND'
    | 'GENESYS_BAD_REQUEST'
    | 'GENESYS_SERVER_ERROR'
    | 'GENESYS_TIMEOUT'
    | 'GENESYS_NETWORK'
    | 'GENESYS_ABORTED'
    | 'GENESYS_BAD_RESPONSE'
    | 'GENESYS_SUBSCRIPTION_REJECTED'
    | 'CIRCUIT_OPEN';

const BRAND = Symbol.for('adherence-drift-bot.GenesysError');

/** Codes that are worth another attempt by default. */
const RETRYABLE: ReadonlySet<GenesysErrorCode> = new Set([
    'GENESYS_RATE_LIMITED',
    'GENESYS_SERVER_ERROR',
    'GENESYS_TIMEOUT',
    'GENESYS_NETWORK'
]);

export interface GenesysErrorOptions extends CodedErrorOptions {
    /** HTTP status, when the failure came from a response. */
    status?: number;
    /** From a 429 `Retry-After` header (seconds), converted to ms. */
    retryAfterMs?: number;
    /** `ININ-Correlation-Id` response header, for support tickets. */
    correlationId?: string;
    /** Genesys error body `code` (e.g. `too.many.requests.retry.after`). */
    genesysCode?: string;
}

/** A failure talking to Genesys Cloud. `retryable` is what the resilience layer reads. Never carries secrets. */
export class GenesysError extends CodedError<GenesysErrorCode> {
    readonly status?: number;
    readonly retryAfterMs?: number;
    readonly correlationId?: string;
    readonly genesysCode?: string;

    constructor(code: GenesysErrorCode, message: string, options: GenesysErrorOptions = {}) {
        super(BRAND, code, message, options, RETRYABLE.has(code));
        this.name = 'GenesysError';
        if (options.status !== undefined) this.status = options.status;
        if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
        if (options.correlationId !== undefined) this.correlationId = options.correlationId;
        if (options.genesysCode !== undefined) this.genesysCode = options.genesysCode;
    }

    toJSON(): Record<string, unknown> {
        return {
            name: this.name,
            code: this.code,
            message: this.message,
            retryable: this.retryable,
            status: this.status,
            retryAfterMs: this.retryAfterMs,
            correlationId: this.correlationId,
            genesysCode: this.genesysCode
        };
    }
}

export function isGenesysError(e: unknown): e is GenesysError {
    return hasBrand(e, BRAND);
}

/** Map an HTTP status to the error code the rest of the product reasons about. */
export function codeForStatus(status: number): GenesysErrorCode {
    if (status === 429) return 'GENESYS_RATE_LIMITED';
    if (status === 401) return 'GENESYS_AUTH_FAILED';
    if (status === 403) return 'GENESYS_FORBIDDEN';
    if (status === 404) return 'GENESYS_NOT_FOUND';
    if (status === 408 || status === 504) return 'GENESYS_TIMEOUT';
    if (status >= 500) return 'GENESYS_SERVER_ERROR';
    return 'GENESYS_BAD_REQUEST';
}

/** A one-line description of a failure for logs and status: `CODE: message` for a GenesysError. */
export function describeError(error: unknown): string {
    if (isGenesysError(error)) return `${error.code}: ${error.message}`;
    return error instanceof Error ? error.message : String(error);
}
