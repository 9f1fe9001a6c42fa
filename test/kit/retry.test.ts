import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clockSleep } from '../../src/kit/abort';
import { retry, type RetryOptions } from '../../src/kit/retry';
import { FakeClock } from '../support/FakeClock';

class Failure extends Error {
    constructor(
        readonly retryable: boolean,
        readonly retryAfterMs?: number
    ) {
        super(retryable ? 'transient' : 'permanent');
    }
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Options that retry `Failure`s marked retryable, recording the waits instead of sleeping. */
function options(waits: number[], more: Partial<RetryOptions> = {}): RetryOptions {
    return {
        maxAttempts: 4,
        backoff: () => [10, 20, 40][Symbol.iterator](),
        sleep: async (ms) => void waits.push(ms),
        isRetryable: (e) => e instanceof Failure && e.retryable,
        retryAfterMsOf: (e) => (e instanceof Failure ? e.retryAfterMs : undefined),
        ...more
    };
}

/** A task that throws `failures` in turn, then returns 'done'; records the attempt numbers it saw. */
function script(...failures: Error[]) {
    const attempts: number[] = [];
    const fn = async (attempt: number) => {
        attempts.push(attempt);
        const f = failures.shift();
        if (f) throw f;
        return 'done';
    };
    return { fn, attempts };
}

describe('retry', () => {
    it('retries what isRetryable selects, waiting the backoff delays in order', async () => {
        const waits: number[] = [];
        const s = script(new Failure(true), new Failure(true));
        assert.equal(await retry(s.fn, options(waits)), 'done');
        assert.deepEqual(s.attempts, [1, 2, 3]);
        assert.deepEqual(waits, [10, 20]);
    });

    it('waits what the failure asks for (retryAfterMsOf) instead of the next backoff delay', async () => {
        const waits: number[] = [];
        const s = script(new Failure(true, 5_000), new Failure(true));
        await retry(s.fn, options(waits));
        assert.deepEqual(waits, [5_000, 10]);
    });

    it('rethrows at once what isRetryable refuses, and the last failure when attempts run out', async () => {
        const permanent = new Failure(false);
        const s = script(permanent);
        await assert.rejects(retry(s.fn, options([])), (e) => e === permanent);
        assert.deepEqual(s.attempts, [1]);
        const last = new Failure(true);
        const t = script(new Failure(true), new Failure(true), last);
        await assert.rejects(retry(t.fn, options([], { maxAttempts: 3 })), (e) => e === last);
        assert.deepEqual(t.attempts, [1, 2, 3]);
    });

    it('does not wait a Retry-After longer than maxRetryAfterMs: it fails instead', async () => {
        const waits: number[] = [];
        const long = new Failure(true, 121_000);
        await assert.rejects(retry(script(long).fn, options(waits, { maxRetryAfterMs: 120_000 })), (e) => e === long);
        assert.deepEqual(waits, []);
    });

    it('reports each retry before waiting', async () => {
        const seen: Array<{ attempt: number; delayMs: number }> = [];
        await retry(
            script(new Failure(true)).fn,
            options([], { onRetry: ({ attempt, delayMs }) => seen.push({ attempt, delayMs }) })
        );
        assert.deepEqual(seen, [{ attempt: 1, delayMs: 10 }]);
    });

    it('stops waiting when the signal aborts, and never starts an attempt after it', async () => {
        const clock = new FakeClock();
        const controller = new AbortController();
        const s = script(new Failure(true), new Failure(true));
        const p = retry(s.fn, options([], { sleep: clockSleep(clock), signal: controller.signal }));
        await flush();
        controller.abort(new Error('stopped'));
        await assert.rejects(p, /stopped/);
        assert.deepEqual(s.attempts, [1]);
        const aborted = AbortSignal.abort();
        await assert.rejects(
            retry(s.fn, options([], { signal: aborted, abortError: () => new Error('mapped') })),
            /mapped/
        );
        assert.deepEqual(s.attempts, [1]);
    });

    it('passes the signal to every attempt', async () => {
        const controller = new AbortController();
        let seen: AbortSignal | undefined;
        await retry(async (_attempt, signal) => void (seen = signal), options([], { signal: controller.signal }));
        assert.equal(seen, controller.signal);
    });
});
