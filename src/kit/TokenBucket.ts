import type { Clock, TimerHandle } from '../domain/clock';
import { abortReason, type AbortErrorOf } from './abort';

export interface TokenBucketOptions {
    clock: Clock;
    /** Sustained rate. @default 300 */
    requestsPerMinute?: number;
    /** Bucket size: requests allowed at once after a quiet period. @default requestsPerMinute / 6 (10 s worth) */
    burst?: number;
    /** What an aborted {@link TokenBucket.acquire} rejects with. @default the signal's reason */
    abortError?: AbortErrorOf;
}

interface Waiter {
    resolve: () => void;
    signal?: AbortSignal;
    onAbort?: () => void;
}

/** Token-bucket rate limiter: FIFO waiters, time from the injected clock, pausable for a `Retry-After`. */
export class TokenBucket {
    private tokens: number;
    private updatedAt: number;
    private readonly perMs: number;
    private readonly capacity: number;
    private readonly waiters: Waiter[] = [];
    private readonly abortError: AbortErrorOf;
    private timer: TimerHandle | undefined;
    private pausedUntil = 0;

    /**
     * A bucket that never lets more than `limitPerMinute` requests through in any rolling 60 s (how Genesys counts,
     * per token): a burst of 1 s worth, and the sustained rate of the limit minus that burst (a full bucket plus a
     * minute of refill must stay within the limit).
     */
    static forRollingMinute(
        clock: Clock,
        limitPerMinute: number,
        options: Pick<TokenBucketOptions, 'abortError'> = {}
    ): TokenBucket {
        const burst = Math.max(1, Math.floor(limitPerMinute / 60));
        return new TokenBucket({ ...options, clock, requestsPerMinute: Math.max(1, limitPerMinute - burst), burst });
    }

    constructor(private readonly options: TokenBucketOptions) {
        const rpm = options.requestsPerMinute ?? 300;
        if (!(rpm > 0)) throw new RangeError('requestsPerMinute must be positive');
        this.perMs = rpm / 60_000;
        this.capacity = Math.max(1, Math.floor(options.burst ?? rpm / 6));
        this.tokens = this.capacity;
        this.updatedAt = options.clock.now();
        this.abortError = options.abortError ?? abortReason;
    }

    /** Tokens available right now (fractional). */
    get available(): number {
        this.refill();
        return this.tokens;
    }

    /**
     * Hold every caller until `at` (epoch ms): a 429 `Retry-After` applies to the whole token, not just the request
     * that received it. Never shortens an existing pause.
     */
    pauseUntil(at: number): void {
        if (at <= this.pausedUntil) return;
        this.pausedUntil = at;
        if (this.timer !== undefined) {
            this.options.clock.clearTimeout(this.timer);
            this.timer = undefined;
        }
        this.schedule();
    }

    /** Take one token now if there is one. */
    tryAcquire(): boolean {
        this.refill();
        if (this.options.clock.now() < this.pausedUntil) return false;
        if (this.waiters.length === 0 && this.tokens >= 1) {
            this.tokens -= 1;
            return true;
        }
        return false;
    }

    /** Resolves when a token is taken; rejects (with `abortError`) if `signal` aborts first, taking no token. */
    acquire(signal?: AbortSignal): Promise<void> {
        if (signal?.aborted) return Promise.reject(this.abortError(signal));
        if (this.tryAcquire()) return Promise.resolve();
        return new Promise<void>((resolve, reject) => {
            const waiter: Waiter = { resolve, signal };
            if (signal) {
                waiter.onAbort = () => {
                    const i = this.waiters.indexOf(waiter);
                    if (i >= 0) this.waiters.splice(i, 1);
                    reject(this.abortError(signal));
                };
                signal.addEventListener('abort', waiter.onAbort, { once: true });
            }
            this.waiters.push(waiter);
            this.schedule();
        });
    }

    private refill(): void {
        const now = this.options.clock.now();
        if (now > this.updatedAt) {
            this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
            this.updatedAt = now;
        }
    }

    private schedule(): void {
        if (this.timer !== undefined || this.waiters.length === 0) return;
        this.refill();
        const pauseMs = this.pausedUntil - this.options.clock.now();
        const waitMs = Math.max(0, Math.ceil((1 - this.tokens) / this.perMs), pauseMs);
        this.timer = this.options.clock.setTimeout(() => {
            this.timer = undefined;
            this.drain();
        }, waitMs);
    }

    private drain(): void {
        this.refill();
        if (this.options.clock.now() < this.pausedUntil) return this.schedule();
        while (this.waiters.length > 0 && this.tokens >= 1) {
            this.tokens -= 1;
            const w = this.waiters.shift()!;
            if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
            w.resolve();
        }
        this.schedule();
    }
}
