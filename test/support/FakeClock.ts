import type { Clock, TimerHandle } from '../../src/domain/clock';

interface Pending {
    id: number;
    at: number;
    fn: () => void;
}

/**
 * A simulated clock for tests (modelled on xstate's SimulatedClock): time only moves when the test calls
 * `advance`/`advanceTo`, and timers fire in due order, each at its own due time.
 */
export class FakeClock implements Clock {
    private current: number;
    private nextId = 1;
    private readonly pending = new Map<number, Pending>();

    constructor(start = Date.UTC(2026, 10, 23, 9, 0, 0)) {
        this.current = start;
    }

    now(): number {
        return this.current;
    }

    setTimeout(fn: () => void, ms: number): TimerHandle {
        const id = this.nextId++;
        this.pending.set(id, { id, at: this.current + Math.max(0, ms), fn });
        return { id };
    }

    clearTimeout(handle: TimerHandle): void {
        this.pending.delete((handle as { id: number }).id);
    }

    /** Number of timers not yet fired. */
    get pendingCount(): number {
        return this.pending.size;
    }

    /** Move time forward by `ms`, firing every timer due on the way at its own due time. */
    advance(ms: number): void {
        this.advanceTo(this.current + ms);
    }

    advanceTo(target: number): void {
        for (;;) {
            let first: Pending | undefined;
            for (const p of this.pending.values()) {
                if (p.at <= target && (!first || p.at < first.at || (p.at === first.at && p.id < first.id))) first = p;
            }
            if (!first) break;
            this.pending.delete(first.id);
            this.current = Math.max(this.current, first.at);
            first.fn();
        }
        this.current = Math.max(this.current, target);
    }
}
