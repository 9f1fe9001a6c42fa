export type AnalyticsErrorCode =
    /** A report request (HTTP query, command or CLI arguments) is invalid; `problems` lists every problem. */
    | 'REPORT_QUERY_INVALID'
    /** The store could not be read; retrying later may work. */
    | 'REPORT_STORE_FAILED';

const BRAND = Symbol.for('adherence-drift-bot.AnalyticsError');

/** The coded error of the analytics part. Never carries secrets: messages name variables, not values of secrets. */
export class AnalyticsError extends Error {
    override readonly name = 'AnalyticsError';
    readonly code: AnalyticsErrorCode;
    readonly retryable: boolean;
    /** Every problem found, one sentence each (query validation). */
    readonly problems: readonly string[];
    readonly [BRAND] = true;

    constructor(
        code: AnalyticsErrorCode,
        message: string,
        options: { retryable?: boolean; problems?: readonly string[]; cause?: unknown } = {}
    ) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.code = code;
        this.retryable = options.retryable ?? false;
        this.problems = Object.freeze([...(options.problems ?? [])]);
    }
}

export function isAnalyticsError(value: unknown): value is AnalyticsError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
