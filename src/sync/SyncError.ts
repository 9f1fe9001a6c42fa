export type SyncErrorCode =
    'SYNC_TARGET_FAILED' | 'SYNC_TARGET_REJECTED' | 'SYNC_CIRCUIT_OPEN' | 'SYNC_QUEUE_FAILED' | 'SYNC_STOPPED';

const BRAND = Symbol.for('adherence-drift-bot.SyncError');

/** A sync worker failure with a stable code; `retryable` tells the worker to leave the entry pending. */
export class SyncError extends Error {
    readonly code: SyncErrorCode;
    readonly retryable: boolean;
    readonly status?: number;
    /** SYNC_TARGET_FAILED: the wait the target asked for (429 `Retry-After`), ms. */
    readonly retryAfterMs?: number;

    constructor(
        code: SyncErrorCode,
        message: string,
        options: { retryable?: boolean; status?: number; retryAfterMs?: number; cause?: unknown } = {}
    ) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'SyncError';
        this.code = code;
        this.retryable = options.retryable ?? code !== 'SYNC_TARGET_REJECTED';
        if (options.status !== undefined) this.status = options.status;
        if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
        Object.defineProperty(this, BRAND, { value: true });
    }
}

export function isSyncError(e: unknown): e is SyncError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
