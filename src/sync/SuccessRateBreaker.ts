import type { Clock } from '../domain/clock';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export interface SuccessRateBreakerOptions {
    clock: Clock;
    /** Opens when the success rate over the window falls below this. @default 0.85 */
    minSuccessRate?: number;
    /** @default 10000 */
    windowMs?: number;
    /** Outcomes needed in the window before the rate is judged. @default 10 */
    minRequests?: number;
    /** Pause after opening, then one trial request. @default 5000 */
    pauseMs?: number;
}

/** What {@link SuccessRateBreaker.acquire} grants: an ordinary pass (closed) or the one half-open trial. */
export type BreakerPass = 'normal' | 'trial';

/**
 * Success-rate circuit breaker over a sliding time window: below `minSuccessRate` it opens for `pauseMs`, then lets
 * one trial through (half-open): success closes it with a fresh window, failure re-opens it.
 *
 * The trial belongs to the caller that acquired it, who must settle it exactly once: {@link record} with the
 * outcome, or {@link release} when the request ended without reaching the target (aborted, no token). An unsettled
 * trial would keep the breaker half-open with nobody allowed through.
 */
export class SuccessRateBreaker {
    private outcomes: Array<{ at: number; ok: boolean }> = [];
    private openedAt: number | undefined;
    private trialInFlight = false;
    /** Times the breaker opened. */
    opens = 0;

    constructor(private readonly options: SuccessRateBreakerOptions) {}

    private get pauseMs(): number {
        return this.options.pauseMs ?? 5000;
    }

    get state(): BreakerState {
        if (this.openedAt === undefined) return 'closed';
        return this.options.clock.now() - this.openedAt >= this.pauseMs ? 'halfOpen' : 'open';
    }

    /** Ms until a request may go (0 when it may go now). */
    waitMs(): number {
        const s = this.state;
        if (s === 'closed') return 0;
        if (s === 'open') return this.openedAt! + this.pauseMs - this.options.clock.now();
        return this.trialInFlight ? this.pauseMs : 0;
    }

    /**
     * Call before a request: `undefined` when not allowed now; `'trial'` when this request is the half-open trial
     * (settle it with `record(ok, 'trial')` or `release()`); `'normal'` otherwise.
     */
    acquire(): BreakerPass | undefined {
        const s = this.state;
        if (s === 'closed') return 'normal';
        if (s === 'halfOpen' && !this.trialInFlight) {
            this.trialInFlight = true;
            return 'trial';
        }
        return undefined;
    }

    /** Call before a request: true when allowed (marks the half-open trial, see {@link acquire}). */
    tryPass(): boolean {
        return this.acquire() !== undefined;
    }

    /** The trial ended without an outcome (aborted, no token): the next request may be the trial. */
    release(): void {
        this.trialInFlight = false;
    }

    /**
     * The outcome of a request. While the breaker is open only the trial's outcome counts (pass `'trial'`): requests
     * that were in flight when it opened decide nothing.
     */
    record(ok: boolean, pass: BreakerPass = 'normal'): void {
        const now = this.options.clock.now();
        if (this.openedAt !== undefined) {
            if (pass !== 'trial' || !this.trialInFlight) return;
            this.trialInFlight = false;
            if (ok) {
                this.openedAt = undefined;
                this.outcomes = [];
            } else {
                this.openedAt = now;
                this.opens++;
            }
            return;
        }
        this.outcomes.push({ at: now, ok });
        const from = now - (this.options.windowMs ?? 10_000);
        while (this.outcomes.length > 0 && this.outcomes[0].at < from) this.outcomes.shift();
        if (this.outcomes.length < (this.options.minRequests ?? 10)) return;
        const rate = this.outcomes.filter((o) => o.ok).length / this.outcomes.length;
        if (rate < (this.options.minSuccessRate ?? 0.85)) {
            this.openedAt = now;
            this.opens++;
        }
    }
}
