import type { Random } from '../domain/clock';

/** The one shape of a backoff: where delays start and where they stop growing. */
export interface BackoffOptions {
    /** First delay scale, ms. */
    initialMs: number;
    /** Upper bound of any delay, ms. */
    maxMs: number;
}

/**
 * Decorrelated jitter (AWS "Exponential Backoff and Jitter"): `delay = min(max, random_between(initial, previous × 3))`.
 * Infinite and pure given `random`: take a fresh one per operation and as many delays as needed.
 */
export function* decorrelatedJitter(options: BackoffOptions, random: Random): Generator<number, never, void> {
    const { initialMs, maxMs } = options;
    let previous = initialMs;
    for (;;) {
        const upper = Math.max(initialMs, previous * 3);
        const next = Math.min(maxMs, initialMs + random() * (upper - initialMs));
        previous = next;
        yield Math.round(next);
    }
}

/**
 * Exponential backoff with equal jitter, by attempt number (1-based), for callers that persist the attempt count
 * rather than a generator: a delay drawn uniformly from `[c/2, c]`, `c = min(max, initial × 2^(attempt-1))`.
 */
export function equalJitterMs(attempt: number, options: BackoffOptions, random: Random): number {
    const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The server's `Retry-After` as a floor, with a little jitter on top (up to `min(1 s, initialMs)`) so senders
 * throttled together do not come back together.
 */
export function retryAfterJitterMs(retryAfterMs: number, options: BackoffOptions, random: Random): number {
    return Math.round(retryAfterMs + random() * Math.min(1000, options.initialMs));
}
