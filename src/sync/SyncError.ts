import { CodedError, hasBrand, type CodedErrorOptions } from '../kit/CodedError';

export type SyncErrorCode =
    'SYNC_TARGET_FAILED' | 'SYNC_TARGET_REJECTED' | 'SYNC_CIRCUIT_OPEN' | 'SYNC_QUEUE_FAILED' | 'SYNC_STOPPED';

const BRAND = Symbol.for('adherence-drift-bot.SyncError');

/** A sync worker failure with a stable code; `retryable` tells the worker to leave the entry pending. */
export class SyncError extends CodedError<SyncErrorCode> {
    readonly status?: number;
    /** SYNC_TARGET_FAILED: the wait the target asked for (429 `Retry-After`), ms. */
    readonly retryAfterMs?: number;

    constructor(
        code: SyncErrorCode,
        message: string,
        options: CodedErrorOptions & { status?: number; retryAfterMs?: number } = {}
    ) {
        super(BRAND, code, message, options, code !== 'SYNC_TARGET_REJECTED');
        this.name = 'SyncError';
        if (options.status !== undefined) this.status = options.status;
        if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    }
}

export function isSyncError(e: unknown): e is SyncError {
    return hasBrand(e, BRAND);
}
