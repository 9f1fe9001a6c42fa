import type { Clock } from '../domain/clock';

/** The error an aborted wait rejects with, given the signal that aborted it. */
export type AbortErrorOf = (signal: AbortSignal) => unknown;

/** Waits `ms` milliseconds; rejects when `signal` aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The default {@link AbortErrorOf}, as `fetch` does it: the signal's own reason (an `AbortError` DOMException unless
 * whoever aborted gave one).
 */
export const abortReason: AbortErrorOf = (signal) =>
    signal.reason ?? new DOMException('This operation was aborted', 'AbortError');

/** A {@link Sleep} on `clock.setTimeout`, so a fake clock controls every wait. */
export function clockSleep(clock: Clock, abortError: AbortErrorOf = abortReason): Sleep {
    return (ms, signal) =>
        new Promise<void>((resolve, reject) => {
            if (signal?.aborted) return reject(abortError(signal));
            const onAbort = (): void => {
                clock.clearTimeout(handle);
                reject(abortError(signal!));
            };
            const handle = clock.setTimeout(
                () => {
                    signal?.removeEventListener('abort', onAbort);
                    resolve();
                },
                Math.max(0, ms)
            );
            signal?.addEventListener('abort', onAbort, { once: true });
        });
}

/**
 * Wait for a promise that other callers share, giving up (for this caller only) when `signal` aborts: the shared work
 * goes on for the others.
 */
export function raceAbort<T>(shared: Promise<T>, signal?: AbortSignal, abortError = abortReason): Promise<T> {
    if (!signal) return shared;
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        shared.then(
            (value) => {
                signal.removeEventListener('abort', onAbort);
                resolve(value);
            },
            (error: unknown) => {
                signal.removeEventListener('abort', onAbort);
                reject(error);
            }
        );
    });
}

export interface TimeoutOptions {
    /** Longest the work may take, in ms on `clock`. */
    ms: number;
    clock: Clock;
    /** The caller's signal: when it aborts, so does the work. */
    signal?: AbortSignal;
    /** What a timeout rejects with. @default a `TimeoutError` DOMException (as `AbortSignal.timeout`) */
    timeoutError?: () => unknown;
    /** What the caller's abort rejects with. @default {@link abortReason} */
    abortError?: AbortErrorOf;
}

/**
 * Run `fn` with a signal that aborts after `options.ms` on the injected clock, or when the caller's signal aborts;
 * either way the call rejects with that reason, whatever `fn` itself rejected with.
 */
export async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, options: TimeoutOptions): Promise<T> {
    const { clock, signal: parent } = options;
    const abortError = options.abortError ?? abortReason;
    if (parent?.aborted) throw abortError(parent);
    const controller = new AbortController();
    const handle = clock.setTimeout(
        () =>
            controller.abort(
                options.timeoutError?.() ?? new DOMException(`timed out after ${options.ms} ms`, 'TimeoutError')
            ),
        options.ms
    );
    const onParentAbort = (): void => controller.abort(abortError(parent!));
    parent?.addEventListener('abort', onParentAbort, { once: true });
    try {
        return await fn(controller.signal);
    } catch (error) {
        if (controller.signal.aborted) throw controller.signal.reason as unknown;
        throw error;
    } finally {
        clock.clearTimeout(handle);
        parent?.removeEventListener('abort', onParentAbort);
    }
}
