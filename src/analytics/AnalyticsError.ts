import { CodedError, hasBrand, type CodedErrorOptions } from '../kit/CodedError';

export type AnalyticsErrorCode =
    /** A report request (HTTP query, command or CLI arguments) is invalid; `problems` lists every problem. */
    | 'REPORT_QUERY_INVALID'
    /** The store could not be read; retrying later may work. */
    | 'REPORT_STORE_FAILED';

const BRAND = Symbol.for('adherence-drift-bot.AnalyticsError');

/** The coded error of the analytics part. Never carries secrets: messages name variables, not values of secrets. */
export class AnalyticsError extends CodedError<AnalyticsErrorCode> {
    override readonly name = 'AnalyticsError';
    /** Every problem found, one sentence each (query validation). */
    readonly problems: readonly string[];

    constructor(
        code: AnalyticsErrorCode,
        message: string,
        options: CodedErrorOptions & { problems?: readonly string[] } = {}
    ) {
        super(BRAND, code, message, options, false);
        this.problems = Object.freeze([...(options.problems ?? [])]);
    }
}

export function isAnalyticsError(value: unknown): value is AnalyticsError {
    return hasBrand(value, BRAND);
}
