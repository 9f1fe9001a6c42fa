import type { Clock, TimerHandle } from '../domain/clock';

/**
 * Every timer the emulator arms, on its clock: one place that cancels them all on close, after which no pending
 * callback runs.
 */
export class EmulatorTimers {
    private readonly pending = new Set<TimerHandle>();
    private closed = false;

    constructor(private readonly clock: Clock) {}

    /** Run `fn` once after `ms` on the clock (never after {@link close}). */
    later(fn: () => void, ms: number): void {
        const handle = this.clock.setTimeout(() => {
            this.pending.delete(handle);
            if (!this.closed) fn();
        }, ms);
        this.pending.add(handle);
    }

    /** Run `fn` every `ms` on the clock, the first time after `ms`. */
    every(fn: () => void, ms: number): void {
        const step = (): void => {
            fn();
            this.later(step, ms);
        };
        this.later(step, ms);
    }

    /** Resolves after `ms` on the clock (never, once closed). */
    delay(ms: number): Promise<void> {
        return new Promise<void>((resolve) => this.later(resolve, ms));
    }

    close(): void {
        this.closed = true;
        for (const handle of this.pending) this.clock.clearTimeout(handle);
        this.pending.clear();
    }
}
