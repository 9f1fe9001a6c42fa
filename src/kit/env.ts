import { ConfigError } from './ConfigError';
import { Secret } from './Secret';

/** Environment variables: `process.env`, or a record of a test's own. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Bounds of a number read from the environment (inclusive). */
export interface Bounds {
    /** @default 0 */
    min?: number;
    /** @default Number.MAX_SAFE_INTEGER */
    max?: number;
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
const WHOLE = /^\d+$/;
const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

/** `a, b or c`. */
export function alternatives(values: readonly string[]): string {
    return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** True when `zone` is an IANA time zone this runtime knows (e.g. `Europe/Dublin`, `UTC`). */
export function isTimeZone(zone: string): boolean {
    if (zone.trim() === '') return false;
    try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}

/**
 * A URL as it may be shown: everything between `//` and the LAST `@` (the credentials) replaced by `***`. A password
 * may hold `@` or `/` unencoded; hiding too much of a path is better than showing part of a password.
 */
export function redactUrl(url: string): string {
    return url.replace(/\/\/.*@/s, '//***@');
}

function range(bounds: Required<Bounds>, scale = 1): string {
    const min = bounds.min / scale;
    const max = bounds.max / scale;
    if (bounds.max < Number.MAX_SAFE_INTEGER) return ` between ${min} and ${max}`;
    return bounds.min > 0 ? ` >= ${min}` : '';
}

/**
 * Reads settings from environment variables and collects every problem instead of throwing on the first: after a
 * problem a reader returns the default, so reading goes on; {@link EnvReader.throwIfProblems} then throws one
 * {@link ConfigError} listing them all. Problems name the variable, the accepted form and the value given (never the
 * value of a secret).
 *
 * The rules, the same for every variable:
 * - **Blank is unset.** Values are trimmed; a variable that is unset, empty or only whitespace takes its default (or
 *   is `undefined` where there is none, which the part may refuse as required).
 * - **Whole numbers** are digits only (no sign, decimals, exponent or separators), within the bounds given;
 *   durations are whole milliseconds unless the variable's name says seconds.
 * - **Flags**: `true`, `1`, `yes`, `on` or `false`, `0`, `no`, `off`, in any case.
 * - **Lists** are comma-separated; items are trimmed and empty items ignored; `none` is the empty list.
 * - **Maps** are lists of `key=value` items; a key listed twice is a problem.
 */
export class EnvReader {
    readonly #env: Env;
    readonly #problems: string[] = [];

    constructor(env: Env) {
        this.#env = env;
    }

    /** Every problem found so far, in reading order. */
    get problems(): readonly string[] {
        return this.#problems;
    }

    /** Records a problem found by the caller (a rule across variables, a custom syntax). */
    problem(message: string): void {
        this.#problems.push(message);
    }

    /** Throws one {@link ConfigError} listing every problem found so far, if there is any. */
    throwIfProblems(): void {
        if (this.#problems.length > 0) throw new ConfigError(this.#problems);
    }

    /** True when the variable holds a value (not blank). */
    isSet(name: string): boolean {
        return this.text(name) !== undefined;
    }

    /** True when any variable whose name starts with `prefix` holds a value. */
    anySet(prefix: string): boolean {
        return Object.keys(this.#env).some((name) => name.startsWith(prefix) && this.isSet(name));
    }

    /** The trimmed value, or `fallback` when blank. */
    text(name: string): string | undefined;
    text(name: string, fallback: string): string;
    text(name: string, fallback?: string): string | undefined {
        const value = this.#env[name]?.trim();
        return value === undefined || value === '' ? fallback : value;
    }

    /** One of `values` (exact spelling), else a problem. */
    oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
        const value = this.text(name);
        if (value === undefined) return fallback;
        if ((values as readonly string[]).includes(value)) return value as T;
        this.problem(`${name} must be ${alternatives(values)} (got "${value}")`);
        return fallback;
    }

    /** A whole number within `bounds`. */
    integer(name: string, fallback: number, bounds: Bounds = {}): number {
        return this.#whole(name, fallback, bounds, 'a whole number');
    }

    /** A number, decimals allowed (`0.85`, `.5`), within `bounds`. */
    number(name: string, fallback: number, bounds: Bounds = {}): number {
        const value = this.text(name);
        if (value === undefined) return fallback;
        const b = { min: 0, max: Number.MAX_SAFE_INTEGER, ...bounds };
        const n = Number(value);
        if (DECIMAL.test(value) && n >= b.min && n <= b.max) return n;
        this.problem(`${name} must be a number${range(b)} (got "${value}")`);
        return fallback;
    }

    /**
     * A duration in ms: whole milliseconds, or with `unit: 's'` seconds (decimals allowed), rounded to the millisecond.
     * `fallback` and `bounds` are in ms either way.
     */
    duration(name: string, fallback: number, bounds: Bounds & { unit?: 'ms' | 's' } = {}): number {
        if (bounds.unit !== 's') return this.#whole(name, fallback, bounds, 'a whole number of milliseconds');
        const value = this.text(name);
        if (value === undefined) return fallback;
        const b = { min: 0, max: Number.MAX_SAFE_INTEGER, ...bounds };
        const ms = Math.round(Number(value) * 1000);
        if (DECIMAL.test(value) && ms >= b.min && ms <= b.max) return ms;
        this.problem(`${name} must be a number of seconds${range(b, 1000)} (got "${value}")`);
        return fallback;
    }

    /** `true`, `1`, `yes`, `on` / `false`, `0`, `no`, `off`, in any case. */
    flag(name: string, fallback: boolean): boolean {
        const value = this.text(name);
        if (value === undefined) return fallback;
        if (TRUE.includes(value.toLowerCase())) return true;
        if (FALSE.includes(value.toLowerCase())) return false;
        this.problem(`${name} must be true or false (or 1/0, yes/no, on/off; got "${value}")`);
        return fallback;
    }

    /**
     * Comma-separated items (trimmed, empty ones ignored; `none` = no item). With `oneOf` or `item`, an item that does
     * not fit is a problem and is left out.
     */
    list(
        name: string,
        options: {
            default?: readonly string[];
            oneOf?: readonly string[];
            item?: { pattern: RegExp; form: string };
        } = {}
    ): string[] {
        const value = this.text(name);
        if (value === undefined) return [...(options.default ?? [])];
        if (value.toLowerCase() === 'none') return [];
        const items = value
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '');
        return items.filter((item) => {
            if (options.oneOf && !options.oneOf.includes(item)) {
                this.problem(`${name} may only list ${alternatives(options.oneOf)} (got "${item}")`);
                return false;
            }
            if (options.item && !options.item.pattern.test(item)) {
                this.problem(`${name} items must be ${options.item.form} (got "${item}")`);
                return false;
            }
            return true;
        });
    }

    /**
     * A list of `key=value` items (split at the first `=`; both sides trimmed and non-empty). `labels` name the two
     * sides in messages, e.g. `{ key: 'unit', value: 'IANA zone' }`.
     */
    map(name: string, labels: { key: string; value: string }): Map<string, string> {
        const out = new Map<string, string>();
        for (const item of this.list(name)) {
            const eq = item.indexOf('=');
            const key = eq < 0 ? '' : item.slice(0, eq).trim();
            const value = eq < 0 ? '' : item.slice(eq + 1).trim();
            if (key === '' || value === '') {
                this.problem(`${name} items must look like <${labels.key}>=<${labels.value}> (got "${item}")`);
            } else if (out.has(key)) {
                this.problem(`${name} lists ${labels.key} ${key} more than once`);
            } else {
                out.set(key, value);
            }
        }
        return out;
    }

    /** An absolute URL with one of `protocols` (e.g. `['https:']`) and without credentials. */
    url(name: string, protocols: readonly string[] = ['http:', 'https:']): string | undefined {
        const value = this.text(name);
        if (value === undefined) return undefined;
        let url: URL | undefined;
        try {
            url = new URL(value);
        } catch {
            url = undefined;
        }
        if (!url || !protocols.includes(url.protocol)) {
            const schemes = alternatives(protocols.map((p) => p.replace(/:$/, '')));
            this.problem(`${name} must be an absolute ${schemes} URL (got "${redactUrl(value)}")`);
            return undefined;
        }
        if (url.username || url.password) {
            this.problem(`${name} must not contain credentials (got "${redactUrl(value)}")`);
            return undefined;
        }
        return value;
    }

    /** An IANA time zone name, e.g. `Europe/Dublin`. */
    timeZone(name: string, fallback: string): string {
        const value = this.text(name);
        if (value === undefined) return fallback;
        if (isTimeZone(value)) return value;
        this.problem(`${name} must be an IANA time zone such as Europe/Dublin or UTC (got "${value}")`);
        return fallback;
    }

    /**
     * A credential, held in a {@link Secret}. Problems never show it: a value shorter than `minLength` or not matching
     * `pattern` (described by `form`) is named without its value, or as `shown` renders it (e.g. {@link redactUrl}).
     */
    secret(
        name: string,
        options: { minLength?: number; pattern?: RegExp; form?: string; shown?: (value: string) => string } = {}
    ): Secret | undefined {
        const value = this.text(name);
        if (value === undefined) return undefined;
        const given = options.shown ? ` (got "${options.shown(value)}")` : '';
        if (options.pattern && !options.pattern.test(value)) {
            this.problem(`${name} must be ${options.form ?? `of the form ${options.pattern.source}`}${given}`);
            return undefined;
        }
        if (options.minLength !== undefined && value.length < options.minLength) {
            this.problem(`${name} must be at least ${options.minLength} characters long${given}`);
            return undefined;
        }
        return new Secret(value, options.shown?.(value));
    }

    #whole(name: string, fallback: number, bounds: Bounds, form: string): number {
        const value = this.text(name);
        if (value === undefined) return fallback;
        const b = { min: 0, max: Number.MAX_SAFE_INTEGER, ...bounds };
        const n = Number(value);
        if (WHOLE.test(value) && n >= b.min && n <= b.max) return n;
        this.problem(`${name} must be ${form}${range(b)} (got "${value}")`);
        return fallback;
    }
}

/** Reads `env` with `read` and returns the result, or throws one {@link ConfigError} listing every problem. */
export function parseEnv<T>(env: Env, read: (reader: EnvReader) => T): T {
    const reader = new EnvReader(env);
    const value = read(reader);
    reader.throwIfProblems();
    return value;
}
