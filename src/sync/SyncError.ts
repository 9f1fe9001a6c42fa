export type SyncErrorCode =
    | 'SYNC_CONFIG_INVALID'
    | 'SYNC_TARGET_FAILED'
    | 'SYNC_TARGET_REJECTED'
    | 'SYNC_CIRCUIT_OPEN'
    | 'SYNC_QUEUE_FAILED'
    | 'SYNC_STOPPED';

const BRAND = Symbol.for('adherence-drift-bot.SyncError');

/** A sync worker failure with a stable code; `retryable` tells the worker to leave the entry pending. */
export class SyncError extends Error {
    readonly code: SyncErrorCode;
    readonly retryable: boolean;
    readonly status?: number;
    /** SYNC_CONFIG_INVALID: every problem, one line each (the app lists them with the other parts' problems). */
    readonly problems?: readonly string[];

    constructor(
        code: SyncErrorCode,
        message: string,
        options: { retryable?: boolean; status?: number; cause?: unknown; problems?: readonly string[] } = {}
    ) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'SyncError';
        this.code = code;
        this.retryable = options.retryable ?? (code !== 'SYNC_TARGET_REJECTED' && code !== 'SYNC_CONFIG_INVALID');
        if (options.status !== undefined) this.status = options.status;
        if (options.problems !== undefined) this.problems = Object.freeze([...options.problems]);
        Object.defineProperty(this, BRAND, { value: true });
    }
}

export function isSyncError(e: unknown): e is SyncError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
