import type { Clock, TimerHandle } from '../domain/clock';

/** Longest single wait; longer deadlines re-check after this (platform timers overflow past 2^31-1 ms). */
const MAX_WAIT_MS = 60 * 60 * 1000;

/**
 * At most one pending deadline per agent, kept in a min-heap, with a single clock timer armed for the earliest.
 * Deadlines are absolute (`dueAt`, epoch ms), so re-arming from persisted values after a restart keeps every
 * drift clock; an overdue deadline fires at once. Cancelled or replaced entries are dropped lazily.
 * No periodic scan: the only work is O(log n) per arm and per fired deadline.
 */
export class DeadlineScheduler {
    private readonly due = new Map<string, number>();
    private heapDue: number[] = [];
    private heapIds: string[] = [];
    private timer: TimerHandle | undefined;
    private timerAt = Number.POSITIVE_INFINITY;
    private stopped = false;

    /**
     * @param onDue called with every agent whose deadline is due, in due order, in one batch per timer tick.
     */
    constructor(
        private readonly clock: Clock,
        private readonly onDue: (userIds: string[]) => void
    ) {}

    get size(): number {
        return this.due.size;
    }

    dueAt(userId: string): number | undefined {
        return this.due.get(userId);
    }

    /** Arm (or move) the agent's deadline. */
    arm(userId: string, dueAt: number): void {
        if (this.stopped) return;
        if (this.due.get(userId) === dueAt) return;
        this.due.set(userId, dueAt);
        this.push(dueAt, userId);
        if (this.heapIds.length > 64 && this.heapIds.length > 2 * this.due.size) this.compact();
        if (dueAt < this.timerAt) this.reschedule();
    }

    cancel(userId: string): void {
        this.due.delete(userId);
    }

    /** Arm many at once (start-up): one heap build, one timer. */
    armAll(entries: Iterable<{ userId: string; dueAt: number }>): void {
        for (const { userId, dueAt } of entries) this.due.set(userId, dueAt);
        this.compact();
        this.reschedule();
    }

    stop(): void {
        this.stopped = true;
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
        this.timer = undefined;
        this.due.clear();
        this.heapDue = [];
        this.heapIds = [];
    }

    private fire = (): void => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        const now = this.clock.now();
        const ready: string[] = [];
        while (this.heapDue.length > 0 && this.heapDue[0] <= now) {
            const dueAt = this.heapDue[0];
            const userId = this.heapIds[0];
            this.pop();
            if (this.due.get(userId) === dueAt) {
                this.due.delete(userId);
                ready.push(userId);
            }
        }
        this.reschedule();
        if (ready.length > 0) this.onDue(ready);
    };

    private reschedule(): void {
        while (this.heapDue.length > 0 && this.due.get(this.heapIds[0]) !== this.heapDue[0]) this.pop();
        if (this.heapDue.length === 0 || this.stopped) {
            if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
            this.timer = undefined;
            this.timerAt = Number.POSITIVE_INFINITY;
            return;
        }
        const next = this.heapDue[0];
        if (this.timer !== undefined && next >= this.timerAt) return;
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
        const wait = Math.min(Math.max(0, next - this.clock.now()), MAX_WAIT_MS);
        this.timerAt = next;
        this.timer = this.clock.setTimeout(this.fire, wait);
        const t = this.timer as { unref?: () => void };
        if (typeof t.unref === 'function') t.unref();
    }

    private compact(): void {
        this.heapDue = [];
        this.heapIds = [];
        for (const [userId, dueAt] of this.due) {
            this.heapDue.push(dueAt);
            this.heapIds.push(userId);
        }
        for (let i = (this.heapDue.length >> 1) - 1; i >= 0; i--) this.down(i);
    }

    private push(dueAt: number, userId: string): void {
        this.heapDue.push(dueAt);
        this.heapIds.push(userId);
        let i = this.heapDue.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (this.heapDue[parent] <= this.heapDue[i]) break;
            this.swap(i, parent);
            i = parent;
        }
    }

    private pop(): void {
        const last = this.heapDue.length - 1;
        this.swap(0, last);
        this.heapDue.pop();
        this.heapIds.pop();
        this.down(0);
    }

    private down(i: number): void {
        const n = this.heapDue.length;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < n && this.heapDue[l] < this.heapDue[m]) m = l;
            if (r < n && this.heapDue[r] < this.heapDue[m]) m = r;
            if (m === i) return;
            this.swap(i, m);
            i = m;
        }
    }

    private swap(a: number, b: number): void {
        const d = this.heapDue[a];
        this.heapDue[a] = this.heapDue[b];
        this.heapDue[b] = d;
        const u = this.heapIds[a];
        this.heapIds[a] = this.heapIds[b];
        this.heapIds[b] = u;
    }
}
