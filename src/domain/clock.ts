/**
 * The one way time enters the product. Everything that reads the time or schedules work takes a `Clock`,
 * so tests drive time with a fake clock and a restart can re-arm deadlines from absolute instants.
 */
export interface Clock {
    /** Epoch milliseconds. */
    now(): number;
    /** Run `fn` after `ms` milliseconds; returns an opaque handle for {@link Clock.clearTimeout}. */
    setTimeout(fn: () => void, ms: number): TimerHandle;
    clearTimeout(handle: TimerHandle): void;
}

/** Opaque timer handle; only the clock that issued it understands it. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** Random source in [0, 1). Injected wherever jitter is needed. */
export type Random = () => number;
