import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../support/FakeClock';
import { GenesysError, isGenesysError } from '../../../src/adapters/genesys/errors';
import {
    abortError,
    genesysBreaker,
    genesysRetryPolicy,
    genesysSleep,
    withGenesysTimeout
} from '../../../src/adapters/genesys/resilience';
import { retry } from '../../../src/kit/retry';
import { TokenBucket } from '../../../src/kit/TokenBucket';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('retry with the Genesys policy', () => {
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
            {
                ...genesysRetryPolicy,
                maxAttempts: 4,
                backoff: () => [7, 8, 9][Symbol.iterator](),
                sleep: async (ms) => void waits.push(ms)
            }
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
                {
                    ...genesysRetryPolicy,
                    maxAttempts: 4,
                    backoff: () => [1, 1, 1][Symbol.iterator](),
                    sleep: async () => undefined
                }
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
                {
                    ...genesysRetryPolicy,
                    maxAttempts: 3,
                    backoff: () => [1, 1, 1][Symbol.iterator](),
                    sleep: async () => undefined
                }
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
            {
                ...genesysRetryPolicy,
                maxAttempts: 4,
                backoff: () => [60_000][Symbol.iterator](),
                sleep: genesysSleep(clock),
                signal: controller.signal
            }
        );
        await flush();
        controller.abort();
        await assert.rejects(p, (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_ABORTED');
    });
});

describe('genesysBreaker', () => {
    it('opens after the threshold of counted failures, ignores 4xx, and closes after a good half-open trial', async () => {
        const clock = new FakeClock();
        const breaker = genesysBreaker({ clock, failureThreshold: 2, openMs: 10_000 });
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
        const breaker = genesysBreaker({ clock, failureThreshold: 2, openMs: 10_000 });
        const limited = () => Promise.reject(new GenesysError('GENESYS_RATE_LIMITED', '429', { status: 429 }));
        for (let i = 0; i < 5; i++) await assert.rejects(breaker.execute(limited));
        assert.equal(breaker.state, 'closed');
    });

    it('re-opens when the half-open trial fails', async () => {
        const clock = new FakeClock();
        const breaker = genesysBreaker({ clock, failureThreshold: 1, openMs: 1_000 });
        await assert.rejects(breaker.execute(() => Promise.reject(new GenesysError('GENESYS_TIMEOUT', 't'))));
        clock.advance(1_000);
        await assert.rejects(breaker.execute(() => Promise.reject(new GenesysError('GENESYS_TIMEOUT', 't'))));
        assert.equal(breaker.state, 'open');
    });
});

describe('withGenesysTimeout', () => {
    it('aborts the work with GENESYS_TIMEOUT when the injected clock passes the deadline', async () => {
        const clock = new FakeClock();
        let seen: AbortSignal | undefined;
        const p = withGenesysTimeout(
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

describe('TokenBucket with the Genesys abort error', () => {
    it('rejects a waiter whose signal aborts without consuming a token', async () => {
        const clock = new FakeClock();
        const limiter = new TokenBucket({ clock, requestsPerMinute: 60, burst: 1, abortError });
        await limiter.acquire();
        const controller = new AbortController();
        const p = limiter.acquire(controller.signal);
        controller.abort();
        await assert.rejects(p, (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_ABORTED');
        clock.advance(1_000);
        assert.equal(limiter.tryAcquire(), true);
    });
});
