import type { Clock, Random } from '../../domain/clock';
import { GenesysError, isGenesysError } from './errors';

/** Waits `ms` (via an injected clock in tests); rejects with GENESYS_ABORTED when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A {@link Sleep} driven by `clock.setTimeout`, so a fake clock controls every wait. */
export function clockSleep(clock: Clock): Sleep {
    return (ms, signal) =>
        new Promise<void>((resolve, reject) => {
            if (signal?.aborted) return reject(abortError(signal));
            const onAbort = (): void => {
                clock.clearTimeout(handle);
                reject(abortError(signal));
            };
            const handle = clock.setTimeout(
                () => {
                    signal?.removeEventListener('abort', onAbort);
                    resolve();
                },
                Math.max(0, ms)
            );
            signal?.addEventListener('abort', onAbort, { once: true });
        });
}

export function abortError(signal?: AbortSignal): GenesysError {
    if (isGenesysError(signal?.reason)) return signal.reason;
    return new GenesysError('GENESYS_ABORTED', 'Operation aborted', { retryable: false });
}

/**
 * Wait for a promise that other callers share, giving up (for this caller only) when `signal` aborts: the shared work
 * goes on for the others. Rejects with GENESYS_ABORTED.
 */
export function raceAbort<T>(shared: Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!signal) return shared;
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        shared.then(
            (value) => {
                signal.removeEventListener('abort', onAbort);
                resolve(value);
            },
            (error: unknown) => {
                signal.removeEventListener('abort', onAbort);
                reject(error);
            }
        );
    });
}

export interface BackoffOptions {
    /** First delay scale. @default 500 */
    initialMs?: number;
    /** Upper bound of any delay. @default 30000 */
    maxMs?: number;
    /** Random source in [0,1) (test seam). */
    random: Random;
}

/**
 * Pure backoff generator with decorrelated jitter (AWS "Exponential Backoff and Jitter"):
 * `delay = min(max, random_between(initial, previous * 3))`. Infinite; take as many as needed.
 */
export function* decorrelatedJitter(options: BackoffOptions): Generator<number, never, void> {
    const initial = options.initialMs ?? 500;
    const max = options.maxMs ?? 30_000;
    let previous = initial;
    for (;;) {
        const upper = Math.max(initial, previous * 3);
        const next = Math.min(max, initial + options.random() * (upper - initial));
        previous = next;
        yield Math.round(next);
    }
}

export interface RetryOptions {
    /** Total attempts including the first. @default 4 */
    maxAttempts?: number;
    /** A fresh backoff sequence per call. */
    backoff: () => Iterator<number>;
    sleep: Sleep;
    /** Which errors are retried. @default retryable GenesysErrors */
    shouldRetry?: (error: unknown) => boolean;
    /** Longest `Retry-After` honoured; longer ones fail at once. @default 120000 */
    maxRetryAfterMs?: number;
    signal?: AbortSignal;
    onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Default retry filter: retryable coded errors only (5xx, 429, timeouts, network). */
export function isRetryable(error: unknown): boolean {
    return isGenesysError(error) && error.retryable;
}

/**
 * Run `fn` until it succeeds or attempts run out. Waits the error's `retryAfterMs` (429 `Retry-After`) when
 * present, otherwise the next backoff delay. The signal is passed to `fn` and cancels waits.
 */
export async function retry<T>(
    fn: (attempt: number, signal?: AbortSignal) => Promise<T>,
    options: RetryOptions
): Promise<T> {
    const maxAttempts = options.maxAttempts ?? 4;
    const shouldRetry = options.shouldRetry ?? isRetryable;
    const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    const delays = options.backoff();
    for (let attempt = 1; ; attempt++) {
        if (options.signal?.aborted) throw abortError(options.signal);
        try {
            return await fn(attempt, options.signal);
        } catch (error) {
            if (attempt >= maxAttempts || !shouldRetry(error) || options.signal?.aborted) throw error;
            const retryAfterMs = isGenesysError(error) ? error.retryAfterMs : undefined;
            if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw error;
            const delayMs = retryAfterMs !== undefined ? retryAfterMs : (delays.next().value as number);
            options.onRetry?.({ attempt, delayMs, error });
            await options.sleep(delayMs, options.signal);
        }
    }
}

export type CircuitState = 'closed' | 'open' | 'halfOpen';

export interface CircuitBreakerOptions {
    clock: Clock;
    /** Consecutive counted failures that open the circuit. @default 5 */
    failureThreshold?: number;
    /** How long the circuit stays open before one trial call. @default 30000 */
    openMs?: number;
    /**
     * Which failures count. @default 5xx, timeouts and network errors; not 4xx, and not 429: a rate limit is the
     * limiter's business (it pauses for `Retry-After`), it says nothing about the service being down.
     */
    isFailure?: (error: unknown) => boolean;
}

/** Default breaker filter: server-side trouble counts; client mistakes and rate limits (429) do not. */
export function isBreakerFailure(error: unknown): boolean {
    if (!isGenesysError(error)) return false;
    return ['GENESYS_SERVER_ERROR', 'GENESYS_TIMEOUT', 'GENESYS_NETWORK'].includes(error.code);
}

/** Consecutive-failure circuit breaker (cockatiel style): closed → open → one half-open trial → closed or open. */
export class CircuitBreaker {
    private stateValue: CircuitState = 'closed';
    private failures = 0;
    private openedAt = 0;
    private trialInFlight = false;
    private readonly threshold: number;
    private readonly openMs: number;
    private readonly isFailure: (error: unknown) => boolean;

    constructor(private readonly options: CircuitBreakerOptions) {
        this.threshold = options.failureThreshold ?? 5;
        this.openMs = options.openMs ?? 30_000;
        this.isFailure = options.isFailure ?? isBreakerFailure;
    }

    get state(): CircuitState {
        if (this.stateValue === 'open' && this.options.clock.now() - this.openedAt >= this.openMs) return 'halfOpen';
        return this.stateValue;
    }

    async execute<T>(fn: () => Promise<T>): Promise<T> {
        const state = this.state;
        if (state === 'open' || (state === 'halfOpen' && this.trialInFlight)) {
            const retryInMs = Math.max(0, this.openedAt + this.openMs - this.options.clock.now());
            throw new GenesysError('CIRCUIT_OPEN', 'Genesys circuit is open after repeated failures', {
                retryable: true,
                retryAfterMs: retryInMs || undefined
            });
        }
        const trial = state === 'halfOpen';
        if (trial) this.trialInFlight = true;
        try {
            const result = await fn();
            this.failures = 0;
            this.stateValue = 'closed';
            return result;
        } catch (error) {
            if (this.isFailure(error)) {
                this.failures++;
                if (trial || this.failures >= this.threshold) {
                    this.stateValue = 'open';
                    this.openedAt = this.options.clock.now();
                }
            } else if (trial) {
                this.stateValue = 'closed';
                this.failures = 0;
            }
            throw error;
        } finally {
            if (trial) this.trialInFlight = false;
        }
    }
}

/**
 * Run `fn` with a signal that aborts after `ms` on the injected clock (GENESYS_TIMEOUT) or when `parent` aborts.
 */
export async function withTimeout<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    ms: number,
    clock: Clock,
    parent?: AbortSignal
): Promise<T> {
    if (parent?.aborted) throw abortError(parent);
    const controller = new AbortController();
    const timeoutError = new GenesysError('GENESYS_TIMEOUT', `Genesys request timed out after ${ms} ms`);
    const handle = clock.setTimeout(() => controller.abort(timeoutError), ms);
    const onParentAbort = (): void => controller.abort(abortError(parent));
    parent?.addEventListener('abort', onParentAbort, { once: true });
    try {
        return await fn(controller.signal);
    } catch (error) {
        if (controller.signal.aborted) throw controller.signal.reason as unknown;
        throw error;
    } finally {
        clock.clearTimeout(handle);
        parent?.removeEventListener('abort', onParentAbort);
    }
}
