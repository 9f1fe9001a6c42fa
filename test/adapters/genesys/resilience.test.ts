import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../support/FakeClock';
import { GenesysError, isGenesysError, parseRetryAfter } from '../../../src/adapters/genesys/errors';
import {
    CircuitBreaker,
    clockSleep,
    decorrelatedJitter,
    retry,
    withTimeout
} from '../../../src/adapters/genesys/resilience';
import { RateLimiter } from '../../../src/adapters/genesys/rateLimiter';
import { seededRandom } from '../../../src/emulator/seededRandom';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('decorrelatedJitter', () => {
    it('stays within [initial, max] and depends only on the injected random', () => {
        const a = decorrelatedJitter({ initialMs: 100, maxMs: 5_000, random: seededRandom(7) });
        const b = decorrelatedJitter({ initialMs: 100, maxMs: 5_000, random: seededRandom(7) });
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
        const g = decorrelatedJitter({ initialMs: 10, maxMs: 1e9, random: () => 0.999999 });
        let prev = 10;
        for (let i = 0; i < 10; i++) {
            const d = g.next().value;
            assert.ok(d <= Math.round(prev * 3) + 1);
            prev = d;
        }
    });
});

describe('retry', () => {
    it('waits Retry-After instead of the backoff when the error carries one', async () => {
        const waits: number[] = [];
        let calls = 0;
        const result = await retry(
            async () => {
                calls++;
                if (calls === 1)
                    throw new GenesysError('GENESYS_RATE_LIMITED', '429', { status: 429, retryAfterMs: 42_000 });
                if (calls === 2) throw new GenesysError('GENESYS_SERVER_ERROR', '503', { status: 503 });
                return 'ok';
            },
            { backoff: () => [7, 8, 9][Symbol.iterator](), sleep: async (ms) => void waits.push(ms) }
        );
        assert.equal(result, 'ok');
        assert.deepEqual(waits, [42_000, 7]);
    });

    it('does not retry non-retryable errors and gives up after maxAttempts', async () => {
        let calls = 0;
        await assert.rejects(
            retry(
                async () => {
                    calls++;
                    throw new GenesysError('GENESYS_BAD_REQUEST', '400', { status: 400 });
                },
                { backoff: () => [1, 1, 1][Symbol.iterator](), sleep: async () => undefined }
            ),
            (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_BAD_REQUEST'
        );
        assert.equal(calls, 1);
        calls = 0;
        await assert.rejects(
            retry(
                async () => {
                    calls++;
                    throw new GenesysError('GENESYS_SERVER_ERROR', '500');
                },
                { maxAttempts: 3, backoff: () => [1, 1, 1][Symbol.iterator](), sleep: async () => undefined }
            )
        );
        assert.equal(calls, 3);
    });

    it('stops waiting when the signal aborts', async () => {
        const clock = new FakeClock();
        const controller = new AbortController();
        const p = retry(
            async () => {
                throw new GenesysError('GENESYS_SERVER_ERROR', '500');
            },
            { backoff: () => [60_000][Symbol.iterator](), sleep: clockSleep(clock), signal: controller.signal }
        );
        await flush();
        controller.abort();
        await assert.rejects(p, (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_ABORTED');
    });
});

describe('CircuitBreaker', () => {
    it('opens after the threshold of counted failures, ignores 4xx, and closes after a good half-open trial', async () => {
        const clock = new FakeClock();
        const breaker = new CircuitBreaker({ clock, failureThreshold: 2, openMs: 10_000 });
        const fail = (code: 'GENESYS_SERVER_ERROR' | 'GENESYS_BAD_REQUEST') => () =>
            Promise.reject(new GenesysError(code, 'x'));
        for (let i = 0; i < 5; i++) await assert.rejects(breaker.execute(fail('GENESYS_BAD_REQUEST')));
        assert.equal(breaker.state, 'closed');
        await assert.rejects(breaker.execute(fail('GENESYS_SERVER_ERROR')));
        await assert.rejects(breaker.execute(fail('GENESYS_SERVER_ERROR')));
        assert.equal(breaker.state, 'open');
        let ran = false;
        await assert.rejects(
            breaker.execute(async () => {
                ran = true;
            }),
            (e: unknown) => isGenesysError(e) && e.code === 'CIRCUIT_OPEN' && e.retryable
        );
        assert.equal(ran, false);
        clock.advance(10_000);
        assert.equal(breaker.state, 'halfOpen');
        assert.equal(await breaker.execute(async () => 'fine'), 'fine');
        assert.equal(breaker.state, 'closed');
    });

    it('does not count 429s: a rate limit is not an outage', async () => {
        const clock = new FakeClock();
        const breaker = new CircuitBreaker({ clock, failureThreshold: 2, openMs: 10_000 });
        const limited = () => Promise.reject(new GenesysError('GENESYS_RATE_LIMITED', '429', { status: 429 }));
        for (let i = 0; i < 5; i++) await assert.rejects(breaker.execute(limited));
        assert.equal(breaker.state, 'closed');
    });

    it('re-opens when the half-open trial fails', async () => {
        const clock = new FakeClock();
        const breaker = new CircuitBreaker({ clock, failureThreshold: 1, openMs: 1_000 });
        await assert.rejects(breaker.execute(() => Promise.reject(new GenesysError('GENESYS_TIMEOUT', 't'))));
        clock.advance(1_000);
        await assert.rejects(breaker.execute(() => Promise.reject(new GenesysError('GENESYS_TIMEOUT', 't'))));
        assert.equal(breaker.state, 'open');
    });
});

describe('withTimeout', () => {
    it('aborts the work with GENESYS_TIMEOUT when the injected clock passes the deadline', async () => {
        const clock = new FakeClock();
        let seen: AbortSignal | undefined;
        const p = withTimeout(
            (signal) =>
                new Promise((_, reject) => {
                    seen = signal;
                    signal.addEventListener('abort', () => reject(new Error('aborted')));
                }),
            5_000,
            clock
        );
        clock.advance(4_999);
        assert.equal(seen?.aborted, false);
        clock.advance(1);
        await assert.rejects(p, (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_TIMEOUT' && e.retryable);
    });
});

describe('RateLimiter', () => {
    it('allows the burst, then one request per 60/rpm seconds on the injected clock, in FIFO order', async () => {
        const clock = new FakeClock();
        const limiter = new RateLimiter({ clock, requestsPerMinute: 60, burst: 2 });
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
        const limiter = RateLimiter.forRollingMinute(clock, 300);
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

    it('rejects a waiter whose signal aborts without consuming a token', async () => {
        const clock = new FakeClock();
        const limiter = new RateLimiter({ clock, requestsPerMinute: 60, burst: 1 });
        await limiter.acquire();
        const controller = new AbortController();
        const p = limiter.acquire(controller.signal);
        controller.abort();
        await assert.rejects(p, (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_ABORTED');
        clock.advance(1_000);
        assert.equal(limiter.tryAcquire(), true);
    });
});

describe('parseRetryAfter', () => {
    it('reads seconds and HTTP dates, and ignores garbage', () => {
        assert.equal(parseRetryAfter('42', 0), 42_000);
        assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4_000), 6_000);
        assert.equal(parseRetryAfter('soon', 0), undefined);
        assert.equal(parseRetryAfter(undefined, 0), undefined);
    });
});

describe('RateLimiter.pauseUntil', () => {
    it('holds every caller until the pause ends, even with tokens in the bucket', async () => {
        const clock = new FakeClock();
        const limiter = new RateLimiter({ clock, requestsPerMinute: 600, burst: 10 });
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
