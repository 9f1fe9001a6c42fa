import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SlidingWindowLimiter } from '../../src/kit/SlidingWindowLimiter';

describe('SlidingWindowLimiter', () => {
    it('allows the burst limit and then waits until the oldest operation leaves the window', () => {
        const l = new SlidingWindowLimiter([
            { limit: 7, windowMs: 1_000 },
            { limit: 8, windowMs: 2_000 }
        ]);
        for (let i = 0; i < 7; i++) assert.equal(l.tryAcquire('c', 0), 0);
        assert.equal(l.tryAcquire('c', 0), 1_000, 'the 8th within 1 s waits for the first to leave the 1 s window');
        assert.equal(l.tryAcquire('c', 1_000), 0, 'the 8th at 1 s is fine');
        assert.equal(l.tryAcquire('c', 1_000), 1_000, 'the 9th hits the 8 / 2 s window');
        assert.equal(l.tryAcquire('c', 2_000), 0);
    });

    it('restamps one operation later: the window counts it from its new time, in order', () => {
        const l = new SlidingWindowLimiter([{ limit: 2, windowMs: 1_000 }]);
        assert.equal(l.tryAcquire('c', 0), 0);
        assert.equal(l.tryAcquire('c', 10), 0);
        l.restamp('c', 0, 300);
        assert.equal(l.delayFor('c', 500), 510, 'the oldest is now the one at 10 ms');
        assert.equal(l.delayFor('c', 1_010), 0);
        l.restamp('c', 10, 1_200);
        assert.equal(l.delayFor('c', 1_010), 290, 'the one moved to 300 ms leaves the window first');
        l.restamp('c', 1_200, 200);
        assert.equal(l.delayFor('c', 1_010), 190, 'moved earlier, before the one at 300 ms');
        l.restamp('c', 42, 2_000);
        l.restamp('other', 0, 2_000);
        assert.equal(l.delayFor('c', 1_300), 0, 'an unknown time or key changes nothing');
    });

    it('keeps keys independent', () => {
        const l = new SlidingWindowLimiter([{ limit: 1, windowMs: 1_000 }]);
        assert.equal(l.tryAcquire('a', 0), 0);
        assert.equal(l.tryAcquire('b', 0), 0);
        assert.equal(l.tryAcquire('a', 10), 990);
    });

    it('never exceeds any window over a long run (Teams per-conversation limits)', () => {
        const windows = [
            { limit: 7, windowMs: 1_000 },
            { limit: 8, windowMs: 2_000 },
            { limit: 60, windowMs: 30_000 }
        ];
        const l = new SlidingWindowLimiter(windows);
        const times: number[] = [];
        let now = 0;
        while (times.length < 200) {
            const wait = l.tryAcquire('c', now);
            if (wait === 0) times.push(now);
            else now += wait;
        }
        for (const w of windows) {
            for (let i = 0; i + w.limit < times.length; i++)
                assert.ok(times[i + w.limit] - times[i] >= w.windowMs, `window ${w.limit}/${w.windowMs}`);
        }
        // 200 operations need at least three 30 s windows.
        assert.ok(times[199] >= 90_000);
    });

    it('rejects an invalid window', () => {
        assert.throws(() => new SlidingWindowLimiter([{ limit: 0, windowMs: 1 }]), /invalid window/);
    });

    it('forgets keys idle for the longest window, so per-conversation keys never pile up', () => {
        const l = new SlidingWindowLimiter([
            { limit: 7, windowMs: 1_000 },
            { limit: 60, windowMs: 30_000 }
        ]);
        let now = 0;
        for (let hour = 0; hour < 10; hour++) {
            for (let i = 0; i < 1_000; i++) l.record(`conv-${hour}-${i}`, now + i);
            now += 3_600_000;
        }
        assert.ok(l.trackedKeys <= 2_000, `${l.trackedKeys} keys held after 10,000 one-off conversations`);
        l.record('fresh', now + 30_000);
        assert.equal(l.trackedKeys, 1, 'only the key used within the last window is left');
    });

    it('keeps a key while it still constrains, whatever other keys do', () => {
        const l = new SlidingWindowLimiter([{ limit: 2, windowMs: 1_000 }]);
        l.record('busy', 0);
        l.record('busy', 500);
        for (let t = 999; t < 1_500; t += 100) l.record(`other-${t}`, t);
        assert.equal(l.delayFor('busy', 999), 1);
        assert.equal(l.delayFor('busy', 1_000), 0, 'the first operation left the window');
    });
});
