import type { Random } from '../domain/clock';

export interface BackoffOptions {
    /** First delay, ms. @default 1000 */
    initialMs: number;
    /** Upper bound of any delay, ms. @default 60000 */
    maxMs: number;
}

/**
 * Exponential backoff with full jitter for attempt `attempt` (1-based), never shorter than the server's
 * `Retry-After` when one was given (then a small jitter is added on top so throttled senders do not stampede).
 */
export function retryDelayMs(attempt: number, options: BackoffOptions, random: Random, retryAfterMs?: number): number {
    const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt - 1));
    const jittered = ceiling / 2 + random() * (ceiling / 2);
    if (retryAfterMs !== undefined) return Math.round(retryAfterMs + random() * Math.min(1000, options.initialMs));
    return Math.round(jittered);
}
