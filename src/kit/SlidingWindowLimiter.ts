/** One sliding-window limit: at most `limit` operations in any `windowMs`. */
export interface WindowLimit {
    limit: number;
    windowMs: number;
}

/**
 * Sliding-window log rate limiter over several windows at once, per key (Teams: 7/1 s, 8/2 s, 60/30 s, 1800/3600 s per
 * conversation). Pure bookkeeping: the caller passes `now` (from its injected clock) and decides how to wait.
 *
 * Memory stays bounded: at most once per longest window, {@link record} forgets every key with no operation inside
 * it, so only keys used within the last two longest windows are held.
 */
export class SlidingWindowLimiter {
    private readonly windows: readonly WindowLimit[];
    private readonly horizonMs: number;
    private readonly logs = new Map<string, { times: number[]; start: number }>();
    private sweptAt = -Infinity;

    constructor(windows: readonly WindowLimit[]) {
        if (windows.length === 0) throw new Error('SlidingWindowLimiter needs at least one window');
        for (const w of windows) {
            if (!(w.limit >= 1 && w.windowMs >= 1)) throw new Error(`invalid window ${w.limit}/${w.windowMs}ms`);
        }
        this.windows = windows;
        this.horizonMs = Math.max(...windows.map((w) => w.windowMs));
    }

    /** Milliseconds until one more operation on `key` is allowed (0 = now). Records nothing. */
    delayFor(key: string, now: number): number {
        const log = this.logs.get(key);
        if (!log) return 0;
        let wait = 0;
        const n = log.times.length - log.start;
        for (const w of this.windows) {
            if (n < w.limit) continue;
            // The operation `limit` places back must have left the window.
            const t = log.times[log.times.length - w.limit];
            const free = t + w.windowMs - now;
            if (free > wait) wait = free;
        }
        return wait;
    }

    /** Record one operation on `key` at `now`. */
    record(key: string, now: number): void {
        if (now - this.sweptAt >= this.horizonMs) this.evictIdle(now);
        let log = this.logs.get(key);
        if (!log) {
            log = { times: [], start: 0 };
            this.logs.set(key, log);
        }
        log.times.push(now);
        while (log.start < log.times.length && log.times[log.start] <= now - this.horizonMs) log.start++;
        if (log.start > 1024 && log.start * 2 > log.times.length) {
            log.times = log.times.slice(log.start);
            log.start = 0;
        }
    }

    /**
     * Move one operation of `key` recorded at `from` to `to`: it counts from `to` on, e.g. from when a request was
     * answered rather than when it was started. Does nothing when no operation of `key` was recorded at `from`.
     */
    restamp(key: string, from: number, to: number): void {
        const log = this.logs.get(key);
        if (!log || to === from) return;
        const { times } = log;
        let i = times.length - 1;
        while (i >= log.start && times[i] !== from) i--;
        if (i < log.start) return;
        // Shift the neighbours over until `to` fits, keeping the log sorted.
        while (i + 1 < times.length && times[i + 1] < to) {
            times[i] = times[i + 1];
            i++;
        }
        while (i > log.start && times[i - 1] > to) {
            times[i] = times[i - 1];
            i--;
        }
        times[i] = to;
    }

    /** Record and return 0 when allowed now; otherwise return the wait in ms and record nothing. */
    tryAcquire(key: string, now: number): number {
        const wait = this.delayFor(key, now);
        if (wait <= 0) this.record(key, now);
        return Math.max(0, wait);
    }

    /** Keys currently held. */
    get trackedKeys(): number {
        return this.logs.size;
    }

    /** Forget keys with no operation inside the longest window: they constrain nothing any more. */
    private evictIdle(now: number): void {
        this.sweptAt = now;
        for (const [key, log] of this.logs) {
            if (log.times[log.times.length - 1] <= now - this.horizonMs) this.logs.delete(key);
        }
    }
}
