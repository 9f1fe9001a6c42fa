import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { abortReason, clockSleep, raceAbort, withTimeout } from '../../src/kit/abort';
import { FakeClock } from '../support/FakeClock';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('clockSleep', () => {
    it('resolves when the injected clock reaches the end of the wait', async () => {
        const clock = new FakeClock();
        let done = false;
        const p = clockSleep(clock)(1_000).then(() => (done = true));
        clock.advance(999);
        await flush();
        assert.equal(done, false);
        clock.advance(1);
        await p;
        assert.equal(done, true);
    });

    it('rejects with the abort reason (or the mapped error) and leaves no timer behind', async () => {
        const clock = new FakeClock();
        const controller = new AbortController();
        const p = clockSleep(clock)(60_000, controller.signal);
        controller.abort(new Error('stop'));
        await assert.rejects(p, /stop/);
        assert.equal(clock.pendingCount, 0);
        const mapped = clockSleep(clock, () => new Error('mapped'));
        await assert.rejects(mapped(1, AbortSignal.abort()), /mapped/);
    });
});

describe('abortReason', () => {
    it("is the signal's reason, an AbortError by default", () => {
        const c = new AbortController();
        c.abort();
        assert.equal((abortReason(c.signal) as DOMException).name, 'AbortError');
        const reason = new Error('why');
        assert.equal(abortReason(AbortSignal.abort(reason)), reason);
    });
});

describe('raceAbort', () => {
    it('gives up for this caller only; the shared work goes on for the others', async () => {
        let finish!: (v: string) => void;
        const shared = new Promise<string>((r) => (finish = r));
        const controller = new AbortController();
        const mine = raceAbort(shared, controller.signal);
        const theirs = raceAbort(shared, new AbortController().signal);
        controller.abort(new Error('mine stopped'));
        await assert.rejects(mine, /mine stopped/);
        finish('value');
        assert.equal(await theirs, 'value');
        assert.equal(await raceAbort(shared), 'value');
    });

    it('passes on the shared failure', async () => {
        await assert.rejects(raceAbort(Promise.reject(new Error('boom')), new AbortController().signal), /boom/);
    });
});

describe('withTimeout', () => {
    /** Work that only ends when its signal aborts. */
    const hang = (signal: AbortSignal): Promise<never> =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('work saw abort'))));

    it('aborts the work after ms on the injected clock, rejecting with the timeout error', async () => {
        const clock = new FakeClock();
        const p = withTimeout(hang, { ms: 5_000, clock });
        clock.advance(4_999);
        await flush();
        clock.advance(1);
        await assert.rejects(p, (e: unknown) => (e as DOMException).name === 'TimeoutError');
        const q = withTimeout(hang, { ms: 10, clock, timeoutError: () => new Error('too slow') });
        clock.advance(10);
        await assert.rejects(q, /too slow/);
    });

    it("aborts the work when the caller's signal aborts, with the mapped abort error", async () => {
        const clock = new FakeClock();
        const controller = new AbortController();
        const p = withTimeout(hang, {
            ms: 5_000,
            clock,
            signal: controller.signal,
            abortError: () => new Error('caller gone')
        });
        controller.abort();
        await assert.rejects(p, /caller gone/);
        assert.equal(clock.pendingCount, 0, 'the timeout timer is cleared');
    });

    it('returns what the work returns and passes on its own failure', async () => {
        const clock = new FakeClock();
        assert.equal(await withTimeout(async () => 7, { ms: 10, clock }), 7);
        await assert.rejects(
            withTimeout(async () => Promise.reject(new Error('own')), { ms: 10, clock }),
            /own/
        );
        assert.equal(clock.pendingCount, 0);
    });
});
