import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/delivery/RateLimiter';

describe('RateLimiter', () => {
    it('allows the burst limit and then waits until the oldest operation leaves the window', () => {
        const l = new RateLimiter([
            { limit: 7, windowMs: 1_000 },
            { limit: 8, windowMs: 2_000 }
        ]);
        for (let i = 0; i < 7; i++) assert.equal(l.tryAcquire('c', 0), 0);
        assert.equal(l.tryAcquire('c', 0), 1_000, 'the 8th within 1 s waits for the first to leave the 1 s window');
        assert.equal(l.tryAcquire('c', 1_000), 0, 'the 8th at 1 s is fine');
        assert.equal(l.tryAcquire('c', 1_000), 1_000, 'the 9th hits the 8 / 2 s window');
        assert.equal(l.tryAcquire('c', 2_000), 0);
    });

    it('keeps keys independent', () => {
        const l = new RateLimiter([{ limit: 1, windowMs: 1_000 }]);
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
        const l = new RateLimiter(windows);
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
        assert.throws(() => new RateLimiter([{ limit: 0, windowMs: 1 }]), /invalid window/);
    });
});
