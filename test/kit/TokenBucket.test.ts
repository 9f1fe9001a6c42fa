import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../src/kit/TokenBucket';
import { FakeClock } from '../support/FakeClock';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('TokenBucket', () => {
    it('allows the burst, then one request per 60/rpm seconds on the injected clock, in FIFO order', async () => {
        const clock = new FakeClock();
        const limiter = new TokenBucket({ clock, requestsPerMinute: 60, burst: 2 });
        const order: number[] = [];
        await limiter.acquire();
        await limiter.acquire();
        const waiting = [1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i)));
        await flush();
        assert.deepEqual(order, []);
        clock.advance(999);
        await flush();
        assert.deepEqual(order, []);
        clock.advance(1);
        await flush();
        assert.deepEqual(order, [1]);
        clock.advance(2_000);
        await Promise.all(waiting);
        assert.deepEqual(order, [1, 2, 3]);
    });

    it('forRollingMinute never lets more than the limit through in any 60 s window', async () => {
        const clock = new FakeClock();
        const limiter = TokenBucket.forRollingMinute(clock, 300);
        const grants: number[] = [];
        for (let i = 0; i < 700; i++) {
            while (!limiter.tryAcquire()) clock.advance(50);
            grants.push(clock.now());
        }
        let most = 0;
        for (let i = 0, j = 0; i < grants.length; i++) {
            while (grants[i] - grants[j] >= 60_000) j++;
            most = Math.max(most, i - j + 1);
        }
        assert.ok(most <= 300, `${most} grants in one minute`);
        assert.ok(most >= 285, `the sustained rate stays close to the limit: ${most}`);
    });

    it("rejects a waiter whose signal aborts with the signal's reason, without consuming a token", async () => {
        const clock = new FakeClock();
        const limiter = new TokenBucket({ clock, requestsPerMinute: 60, burst: 1 });
        await limiter.acquire();
        const controller = new AbortController();
        const p = limiter.acquire(controller.signal);
        controller.abort(new Error('caller gone'));
        await assert.rejects(p, /caller gone/);
        clock.advance(1_000);
        assert.equal(limiter.tryAcquire(), true);
    });
});

describe('TokenBucket.pauseUntil', () => {
    it('holds every caller until the pause ends, even with tokens in the bucket', async () => {
        const clock = new FakeClock();
        const limiter = new TokenBucket({ clock, requestsPerMinute: 600, burst: 10 });
        limiter.pauseUntil(clock.now() + 42_000);
        let done = 0;
        const waiting = [limiter.acquire(), limiter.acquire()].map((p) => p.then(() => done++));
        assert.equal(limiter.tryAcquire(), false);
        clock.advance(41_999);
        await flush();
        assert.equal(done, 0);
        clock.advance(1);
        await Promise.all(waiting);
        assert.equal(done, 2);
        assert.equal(limiter.tryAcquire(), true);
    });
});
