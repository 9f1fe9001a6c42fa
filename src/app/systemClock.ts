import type { Clock, TimerHandle } from '../domain/clock';

/** The wall clock. The only production implementation of {@link Clock}; timers are unref'd so they never hold the process. */
export const systemClock: Clock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t as unknown as TimerHandle;
    },
    clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout)
};
