import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decorrelatedJitter, equalJitterMs, retryAfterJitterMs } from '../../src/kit/backoff';
import { seededRandom } from '../../src/emulator/seededRandom';

describe('decorrelatedJitter', () => {
    it('stays within [initial, max] and depends only on the injected random', () => {
        const a = decorrelatedJitter({ initialMs: 100, maxMs: 5_000 }, seededRandom(7));
        const b = decorrelatedJitter({ initialMs: 100, maxMs: 5_000 }, seededRandom(7));
        const xs = Array.from({ length: 50 }, () => a.next().value);
        const ys = Array.from({ length: 50 }, () => b.next().value);
        assert.deepEqual(xs, ys);
        for (const x of xs) assert.ok(x >= 100 && x <= 5_000, `delay ${x} out of range`);
        assert.ok(
            xs.some((x) => x > 1_000),
            'grows beyond the initial scale'
        );
    });

    it('grows by at most three times the previous delay', () => {
        const g = decorrelatedJitter({ initialMs: 10, maxMs: 1e9 }, () => 0.999999);
        let prev = 10;
        for (let i = 0; i < 10; i++) {
            const d = g.next().value;
            assert.ok(d <= Math.round(prev * 3) + 1);
            prev = d;
        }
    });
});

describe('equalJitterMs', () => {
    const options = { initialMs: 1_000, maxMs: 60_000 };

    it('draws from [c/2, c] with c doubling per attempt', () => {
        assert.equal(
            equalJitterMs(1, options, () => 0),
            500
        );
        assert.equal(
            equalJitterMs(1, options, () => 0.999999),
            1_000
        );
        assert.equal(
            equalJitterMs(3, options, () => 0),
            2_000
        );
        assert.equal(
            equalJitterMs(3, options, () => 0.5),
            3_000
        );
    });

    it('never exceeds maxMs however many attempts', () => {
        for (const attempt of [7, 8, 30, 1_000])
            assert.equal(
                equalJitterMs(attempt, options, () => 0.999999),
                60_000
            );
        assert.equal(
            equalJitterMs(1_000, options, () => 0),
            30_000
        );
    });
});

describe('retryAfterJitterMs', () => {
    it('never comes back before Retry-After, and spreads by at most min(1 s, initialMs)', () => {
        assert.equal(
            retryAfterJitterMs(5_000, { initialMs: 1_000, maxMs: 60_000 }, () => 0),
            5_000
        );
        assert.equal(
            retryAfterJitterMs(5_000, { initialMs: 1_000, maxMs: 60_000 }, () => 0.5),
            5_500
        );
        assert.equal(
            retryAfterJitterMs(5_000, { initialMs: 100, maxMs: 60_000 }, () => 0.999999),
            5_100
        );
        assert.equal(
            retryAfterJitterMs(5_000, { initialMs: 10_000, maxMs: 60_000 }, () => 0.999999),
            6_000
        );
    });
});
