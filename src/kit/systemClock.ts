import type { Clock, TimerHandle } from '../domain/clock';

/**
 * The wall clock, for the composition root, the emulator CLI and benchmarks.
 * With `unref` (default true) its timers never keep the process alive on their own.
 */
export function createSystemClock(options: { unref?: boolean } = {}): Clock {
    const unref = options.unref ?? true;
    return {
        now: () => Date.now(),
        setTimeout(fn: () => void, ms: number): TimerHandle {
            const t = setTimeout(fn, ms);
            if (unref) t.unref();
            return t;
        },
        clearTimeout(handle: TimerHandle): void {
            clearTimeout(handle as NodeJS.Timeout);
        }
    };
}

/** The wall clock with unref'd timers: the production {@link Clock}. */
export const systemClock: Clock = createSystemClock();
