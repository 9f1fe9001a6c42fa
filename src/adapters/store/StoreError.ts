import { CodedError, hasBrand, type CodedErrorOptions } from '../../kit/CodedError';

/** Stable codes of store failures. */
export type StoreErrorCode =
    /** A `StateChange` is malformed (version not `expectedVersion + 1`, user id mismatch, duplicate agent...). */
    | 'STORE_INVALID_CHANGE'
    /** An argument of a store method is out of range (negative limit, non-finite time...). */
    | 'STORE_INVALID_ARGUMENT'
    /** A stored value could not be parsed. */
    | 'STORE_CORRUPT_DATA'
    /** The backend failed or is unreachable; the call may be retried. */
    | 'STORE_UNAVAILABLE'
    /** The store was closed. */
    | 'STORE_CLOSED'
    /** The backend is a version the store cannot work with (Redis older than 7.0). */
    | 'STORE_UNSUPPORTED_SERVER';

const BRAND = Symbol.for('adherence-drift-bot.StoreError');

/** A coded failure of an `AgentStateStore`. Never carries record contents or connection secrets. */
export class StoreError extends CodedError<StoreErrorCode> {
    override readonly name = 'StoreError';

    constructor(code: StoreErrorCode, message: string, options: CodedErrorOptions = {}) {
        super(BRAND, code, message, options, code === 'STORE_UNAVAILABLE');
    }
}

export function isStoreError(value: unknown): value is StoreError {
    return hasBrand(value, BRAND);
}
