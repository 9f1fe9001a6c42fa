import { abortReason, type AbortErrorOf, type Sleep } from './abort';

export interface RetryOptions {
    /** Total attempts, the first included. */
    maxAttempts: number;
    /** A fresh delay sequence for this call (see `backoff.ts`). */
    backoff: () => Iterator<number>;
    sleep: Sleep;
    /** Which failures are worth another attempt. */
    isRetryable: (error: unknown) => boolean;
    /** The wait a failure asks for itself (a 429 `Retry-After`), used instead of the next backoff delay. */
    retryAfterMsOf?: (error: unknown) => number | undefined;
    /** Longest `Retry-After` honoured, ms: a failure asking for longer is not retried. @default Infinity */
    maxRetryAfterMs?: number;
    /** Passed to every attempt; cancels the waits between them. */
    signal?: AbortSignal;
    /** What an abort before an attempt rejects with. @default the signal's reason */
    abortError?: AbortErrorOf;
    onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Run `fn` until it succeeds, fails with an error `isRetryable` refuses, or attempts run out; the last failure is
 * rethrown as is. Between attempts waits what the failure asks for (`retryAfterMsOf`), else the next backoff delay.
 */
export async function retry<T>(
    fn: (attempt: number, signal?: AbortSignal) => Promise<T>,
    options: RetryOptions
): Promise<T> {
    const { signal } = options;
    const maxRetryAfterMs = options.maxRetryAfterMs ?? Infinity;
    const delays = options.backoff();
    for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw (options.abortError ?? abortReason)(signal);
        try {
            return await fn(attempt, signal);
        } catch (error) {
            if (attempt >= options.maxAttempts || !options.isRetryable(error) || signal?.aborted) throw error;
            const retryAfterMs = options.retryAfterMsOf?.(error);
            if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw error;
            const delayMs = retryAfterMs ?? (delays.next().value as number);
            options.onRetry?.({ attempt, delayMs, error });
            await options.sleep(delayMs, signal);
        }
    }
}
