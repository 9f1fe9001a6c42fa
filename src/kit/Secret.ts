const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Holds a credential (password, token, a URL with a password). Only {@link reveal} returns it: `JSON.stringify`,
 * `String()`, template literals and `util.inspect` (so `console.log` and pino) show a redacted form instead.
 */
export class Secret {
    readonly #value: string;
    readonly #shown: string;

    /** `shown` is what serialisation shows instead of the value (e.g. a URL without its password). @default '[redacted]' */
    constructor(value: string, shown = '[redacted]') {
        this.#value = value;
        this.#shown = shown;
    }

    /** The credential itself; pass it straight to the client that needs it. */
    reveal(): string {
        return this.#value;
    }

    toJSON(): string {
        return this.#shown;
    }

    toString(): string {
        return this.#shown;
    }

    [INSPECT](): string {
        return this.#shown;
    }
}
