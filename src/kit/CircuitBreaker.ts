import type { Clock } from '../domain/clock';

/** The one state union of every breaker. */
export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** What {@link CircuitBreaker.acquire} grants: an ordinary pass (closed) or the one half-open trial. */
export type BreakerPass = 'normal' | 'trial';

/**
 * When to open, decided from the outcomes seen while closed (cockatiel's `IBreaker`). Half-open trials are the
 * {@link CircuitBreaker}'s business, not the strategy's.
 */
export interface BreakerStrategy {
    /** One outcome while closed, at `now` (epoch ms); true when the circuit should open. */
    record(ok: boolean, now: number): boolean;
    /** The circuit closed after a good trial: start afresh. */
    reset(): void;
}

export interface CircuitBreakerOptions {
    clock: Clock;
    /** When to open. See `ConsecutiveBreaker`, `SuccessRateBreaker`. */
    strategy: BreakerStrategy;
    /** How long the circuit stays open before it lets one trial through, ms. */
    halfOpenAfterMs: number;
    /** {@link CircuitBreaker.execute}: which failures count against the circuit. @default every failure */
    isFailure?: (error: unknown) => boolean;
    /**
     * {@link CircuitBreaker.execute}: what a call refused by the open circuit rejects with, given the ms until the
     * trial (0 when a trial is already out). @default a {@link BrokenCircuitError}
     */
    openError?: (retryInMs: number) => unknown;
}

/** A call refused because the circuit is open. */
export class BrokenCircuitError extends Error {
    readonly code = 'CIRCUIT_OPEN';

    constructor(readonly retryInMs: number) {
        super('circuit is open');
        this.name = 'BrokenCircuitError';
    }
}

/**
 * Circuit breaker (cockatiel style): closed until its strategy says open; open for `halfOpenAfterMs`; then one trial
 * (half-open) whose outcome closes it (strategy reset) or opens it again. Outcomes of ordinary calls that land while
 * it is open decide nothing.
 *
 * Use {@link execute}, or drive it by hand: {@link acquire} before a call, then settle the pass exactly once with
 * {@link record}, or {@link release} when the call ended without an outcome (an unsettled trial would keep the
 * circuit half-open with nobody allowed through).
 */
export class CircuitBreaker {
    private openedAt: number | undefined;
    private trialInFlight = false;
    /** Times the circuit opened. */
    opens = 0;

    constructor(private readonly options: CircuitBreakerOptions) {}

    get state(): BreakerState {
        if (this.openedAt === undefined) return 'closed';
        return this.options.clock.now() - this.openedAt >= this.options.halfOpenAfterMs ? 'halfOpen' : 'open';
    }

    /** Ms until a call may go: 0 when it may go now; the whole pause while a trial is out. */
    waitMs(): number {
        const s = this.state;
        if (s === 'closed') return 0;
        if (s === 'open') return this.untilTrialMs();
        return this.trialInFlight ? this.options.halfOpenAfterMs : 0;
    }

    /**
     * Call before a call: `undefined` when not allowed now; `'trial'` when this call is the half-open trial (settle it
     * with `record(ok, 'trial')` or `release()`); `'normal'` otherwise.
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

    /** Call before a call: true when allowed (marks the half-open trial, see {@link acquire}). */
    tryPass(): boolean {
        return this.acquire() !== undefined;
    }

    /** The trial ended without an outcome (aborted, no token): the next call may be the trial. */
    release(): void {
        this.trialInFlight = false;
    }

    /** The outcome of a call made with `pass`. While not closed, only the trial's outcome counts. */
    record(ok: boolean, pass: BreakerPass = 'normal'): void {
        const now = this.options.clock.now();
        if (this.openedAt !== undefined) {
            if (pass !== 'trial' || !this.trialInFlight) return;
            this.trialInFlight = false;
            if (ok) {
                this.openedAt = undefined;
                this.options.strategy.reset();
            } else this.open(now);
            return;
        }
        if (this.options.strategy.record(ok, now)) this.open(now);
    }

    /**
     * Run `fn` through the circuit: refused with `openError` while open (or while the trial is out). A failure that
     * `isFailure` does not select leaves a closed circuit as it was and closes a half-open one (the service answered).
     */
    async execute<T>(fn: () => Promise<T>): Promise<T> {
        const pass = this.acquire();
        if (pass === undefined) {
            const retryInMs = this.state === 'open' ? this.untilTrialMs() : 0;
            throw this.options.openError?.(retryInMs) ?? new BrokenCircuitError(retryInMs);
        }
        try {
            const result = await fn();
            this.record(true, pass);
            return result;
        } catch (error) {
            if (this.options.isFailure?.(error) ?? true) this.record(false, pass);
            else if (pass === 'trial') this.record(true, pass);
            throw error;
        }
    }

    private untilTrialMs(): number {
        return Math.max(0, this.openedAt! + this.options.halfOpenAfterMs - this.options.clock.now());
    }

    private open(now: number): void {
        this.openedAt = now;
        this.opens++;
    }
}
