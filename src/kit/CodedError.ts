/** What every coded failure of the product carries: a stable code to match on (never the message) and whether to retry. */
export interface CodedErrorOptions {
    /** Overrides the code's default retryability. */
    retryable?: boolean;
    cause?: unknown;
}

/**
 * The base of the product's coded errors (store, analytics, sync, Genesys). `brand` is a `Symbol.for` key, so
 * {@link hasBrand} recognises an error thrown by another copy of the module too (where `instanceof` would not).
 */
export abstract class CodedError<Code extends string> extends Error {
    readonly code: Code;
    readonly retryable: boolean;

    protected constructor(
        brand: symbol,
        code: Code,
        message: string,
        options: CodedErrorOptions,
        retryableByDefault: boolean
    ) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.code = code;
        this.retryable = options.retryable ?? retryableByDefault;
        Object.defineProperty(this, brand, { value: true });
    }
}

/** True when `value` carries `brand` (set by {@link CodedError}'s constructor). */
export function hasBrand(value: unknown, brand: symbol): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
