import { SlidingWindowLimiter, type WindowLimit } from './SlidingWindowLimiter';

/** The limits a {@link RateGate} enforces: per key (a Teams conversation) and over all keys (the app). */
export interface RateGateLimits {
    /** Windows every key must respect, e.g. Teams' 7/1 s, 8/2 s, 60/30 s, 1,800/h per conversation. */
    perKey: readonly WindowLimit[];
    /** Windows all keys together must respect, e.g. Teams' 50/s per app. */
    overall: readonly WindowLimit[];
    /**
     * Until {@link RateGate.settle}d, a slot counts as if its operation happened this long after it was taken, ms: the
     * latest its request is expected to reach the service. A holder that dies before settling leaves its slot counted
     * that late, so the windows at the service still hold. @default 0
     */
    inFlightMs?: number;
}

/** The answer of {@link RateGate.acquire}: 0 = the slot is taken; else how long to wait, and whether for everyone. */
export interface RateWait {
    /** 0 when the slot was taken; otherwise ms to wait (nothing was taken). */
    waitMs: number;
    /** True when the overall budget is what is spent: no other key can go before `waitMs` either. */
    overall: boolean;
    /** When the slot was taken: names it for {@link RateGate.settle}. */
    slot?: string;
}

/**
 * Send slots under sliding-window limits per key and overall, plus pauses per key (a 429's `Retry-After`). Every user
 * of one gate shares its limits: in one process ({@link LocalRateGate}) or, through Redis, across a fleet. Times are
 * epoch ms from the caller's clock.
 */
export interface RateGate {
    /**
     * Takes one slot for `key` (and one of the overall budget) at `now` when every window allows it and `key` is not
     * paused; otherwise takes nothing and says how long to wait.
     */
    acquire(key: string, now: number): Promise<RateWait>;
    /** Holds `key` until `until` for every user of the gate (an earlier `until` never shortens a pause). */
    pause(key: string, until: number, now: number): Promise<void>;
    /**
     * The operation that took `slot` for `key` has ended at `at` (a request answered): from now on the slot counts from
     * `at`, not from when it was taken. The service counts a request when it arrives, between the two; counting from
     * the end keeps every window at the service within its limit however long the request took on its way.
     */
    settle(key: string, slot: string, at: number): Promise<void>;
}

/** A {@link RateGate} inside one process: two {@link SlidingWindowLimiter}s and a map of pauses. */
export class LocalRateGate implements RateGate {
    private readonly perKey: SlidingWindowLimiter;
    private readonly overall: SlidingWindowLimiter;
    private readonly pausedUntil = new Map<string, number>();
    private readonly inFlightMs: number;

    constructor(limits: RateGateLimits) {
        this.perKey = new SlidingWindowLimiter(limits.perKey);
        this.overall = new SlidingWindowLimiter(limits.overall);
        this.inFlightMs = limits.inFlightMs ?? 0;
    }

    async acquire(key: string, now: number): Promise<RateWait> {
        const paused = this.pausedUntil.get(key);
        if (paused !== undefined) {
            if (paused > now) return { waitMs: paused - now, overall: false };
            this.pausedUntil.delete(key);
        }
        const overall = this.overall.delayFor('', now);
        if (overall > 0) return { waitMs: overall, overall: true };
        const wait = this.perKey.delayFor(key, now);
        if (wait > 0) return { waitMs: wait, overall: false };
        const at = now + this.inFlightMs;
        this.perKey.record(key, at);
        this.overall.record('', at);
        return { waitMs: 0, overall: false, slot: String(at) };
    }

    async settle(key: string, slot: string, at: number): Promise<void> {
        const taken = Number(slot);
        this.perKey.restamp(key, taken, at);
        this.overall.restamp('', taken, at);
    }

    async pause(key: string, until: number, now: number): Promise<void> {
        if (until > now && until > (this.pausedUntil.get(key) ?? 0)) this.pausedUntil.set(key, until);
    }
}
