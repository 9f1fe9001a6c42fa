import type { Clock } from '../../domain/clock';
import { clockSleep, withTimeout, type Sleep } from '../../kit/abort';
import { CircuitBreaker } from '../../kit/CircuitBreaker';
import { ConsecutiveBreaker } from '../../kit/ConsecutiveBreaker';
import type { RetryOptions } from '../../kit/retry';
import { GenesysError, isGenesysError } from './errors';

// The Genesys edge of the kit's resilience policies: which Genesys failures are retried and which count against the
// circuit, and the coded errors the adapter reports when a wait is aborted, a call times out or the circuit is open.

/** The abort error of every Genesys wait: the signal's reason when it is already a GenesysError, else GENESYS_ABORTED. */
export function abortError(signal?: AbortSignal): GenesysError {
    if (isGenesysError(signal?.reason)) return signal.reason;
    return new GenesysError('GENESYS_ABORTED', 'Operation aborted', { retryable: false });
}

/** A clock-driven sleep that rejects with GENESYS_ABORTED. */
export function genesysSleep(clock: Clock): Sleep {
    return clockSleep(clock, abortError);
}

/**
 * Run `fn` with a signal that aborts after `ms` on the clock (GENESYS_TIMEOUT, retryable) or when `signal` aborts
 * (GENESYS_ABORTED).
 */
export function withGenesysTimeout<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    ms: number,
    clock: Clock,
    signal?: AbortSignal
): Promise<T> {
    const timeoutError = (): GenesysError =>
        new GenesysError('GENESYS_TIMEOUT', `Genesys request timed out after ${ms} ms`);
    return withTimeout(fn, { ms, clock, signal, timeoutError, abortError });
}

/**
 * How Genesys calls are retried: retryable coded errors only (5xx, 429, timeouts, network, an open circuit), after
 * the wait the failure asks for (a 429 `Retry-After` up to 2 minutes, or the time until the circuit's trial).
 */
export const genesysRetryPolicy: Pick<
    RetryOptions,
    'isRetryable' | 'retryAfterMsOf' | 'maxRetryAfterMs' | 'abortError'
> = {
    isRetryable: (error) => isGenesysError(error) && error.retryable,
    retryAfterMsOf: (error) => (isGenesysError(error) ? error.retryAfterMs : undefined),
    maxRetryAfterMs: 120_000,
    abortError
};

/**
 * Breaker filter: server-side trouble counts; client mistakes do not, and neither do 429s: a rate limit is the
 * limiter's business (it pauses for `Retry-After`), it says nothing about the service being down.
 */
export function isBreakerFailure(error: unknown): boolean {
    if (!isGenesysError(error)) return false;
    return ['GENESYS_SERVER_ERROR', 'GENESYS_TIMEOUT', 'GENESYS_NETWORK'].includes(error.code);
}

export interface GenesysBreakerOptions {
    clock: Clock;
    /** Consecutive counted failures that open the circuit. @default 5 */
    failureThreshold?: number;
    /** How long the circuit stays open before one trial call, ms. @default 30000 */
    openMs?: number;
}

/** The consecutive-failure breaker of the Genesys client; refused calls fail with CIRCUIT_OPEN (retryable). */
export function genesysBreaker(options: GenesysBreakerOptions): CircuitBreaker {
    return new CircuitBreaker({
        clock: options.clock,
        strategy: new ConsecutiveBreaker(options.failureThreshold ?? 5),
        halfOpenAfterMs: options.openMs ?? 30_000,
        isFailure: isBreakerFailure,
        openError: (retryInMs) =>
            new GenesysError('CIRCUIT_OPEN', 'Genesys circuit is open after repeated failures', {
                retryable: true,
                retryAfterMs: retryInMs || undefined
            })
    });
}
