import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AxiosInstance } from 'axios';
import { CircuitBreaker } from '../../src/kit/CircuitBreaker';
import { SuccessRateBreaker } from '../../src/kit/SuccessRateBreaker';
import { TokenBucket } from '../../src/kit/TokenBucket';
import { SyncHttp } from '../../src/sync/SyncHttp';
import { isSyncError } from '../../src/sync/SyncError';
import { FakeClock } from '../support/FakeClock';

interface Reply {
    status: number;
    data?: unknown;
}

/**
 * A SyncHttp over a scripted transport, with a breaker already open and its pause over (half-open: the next request
 * is the trial). Sleeps move the fake clock; a request that keeps waiting on the breaker fails instead of hanging.
 */
function rig(replies: Reply[], tokens?: { getToken: () => Promise<string>; invalidate: (t: string) => void }) {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
        clock,
        strategy: new SuccessRateBreaker({ minRequests: 2 }),
        halfOpenAfterMs: 5000
    });
    breaker.record(false);
    breaker.record(false);
    clock.advance(5000);
    assert.equal(breaker.state, 'halfOpen');
    const sent: Array<{ url: string; auth: string | undefined }> = [];
    const transport = {
        request: async (r: { url: string; headers: Record<string, string> }) => {
            sent.push({ url: r.url, auth: r.headers.Authorization });
            const reply = replies.shift() ?? { status: 200 };
            return { status: reply.status, data: reply.data ?? {}, headers: {} };
        }
    } as unknown as AxiosInstance;
    let sleeps = 0;
    const http = new SyncHttp({
        clock,
        random: () => 0.5,
        sleep: async (ms) => {
            if (++sleeps > 20) throw new Error('still waiting on the breaker after 20 sleeps');
            clock.advance(ms);
        },
        limiter: new TokenBucket({ clock, requestsPerMinute: 1_000_000, burst: 1000 }),
        breaker,
        tokens,
        http: transport
    });
    return { clock, breaker, http, sent, sleeps: () => sleeps };
}

describe('SyncHttp and the half-open trial', () => {
    it('settles a trial answered with a 4xx as a success (the target answered) and sends the next request', async () => {
        const r = rig([{ status: 400, data: { message: 'bad entry' } }, { status: 200 }]);
        await assert.rejects(
            r.http.send({ method: 'PUT', url: 'http://t/bulk', body: [1] }),
            (e: unknown) => isSyncError(e) && e.code === 'SYNC_TARGET_REJECTED' && e.status === 400
        );
        assert.equal(r.breaker.state, 'closed');
        r.clock.advance(60_000);
        const res = await r.http.send({ method: 'PATCH', url: 'http://t/one', body: [1] });
        assert.equal(res.status, 200);
        assert.deepEqual(
            r.sent.map((s) => s.url),
            ['http://t/bulk', 'http://t/one']
        );
        assert.equal(r.sleeps(), 0);
    });

    it('re-sends a trial answered 401 with a fresh token as the same trial', async () => {
        let n = 0;
        const invalidated: string[] = [];
        const r = rig([{ status: 401 }, { status: 200 }], {
            getToken: async () => `tok-${++n}`,
            invalidate: (t) => invalidated.push(t)
        });
        const res = await r.http.send({ method: 'PUT', url: 'http://t/bulk', body: [1] });
        assert.equal(res.status, 200);
        assert.deepEqual(
            r.sent.map((s) => s.auth),
            ['Bearer tok-1', 'Bearer tok-2']
        );
        assert.deepEqual(invalidated, ['tok-1']);
        assert.equal(r.sleeps(), 0, 'no wait for a trial it already holds');
        assert.equal(r.breaker.state, 'closed');
    });

    it('gives the trial back when the token cannot be had, so a later request can be the trial', async () => {
        let fail = true;
        const r = rig([{ status: 200 }], {
            getToken: async () => {
                if (fail) throw new Error('login down');
                return 'tok';
            },
            invalidate: () => {}
        });
        await assert.rejects(r.http.send({ method: 'PUT', url: 'http://t/bulk', body: [1] }), /login down/);
        assert.equal(r.breaker.state, 'halfOpen');
        assert.equal(r.breaker.waitMs(), 0, 'the trial is free again');
        fail = false;
        const res = await r.http.send({ method: 'PUT', url: 'http://t/bulk', body: [1] });
        assert.equal(res.status, 200);
        assert.equal(r.breaker.state, 'closed');
        assert.equal(r.sleeps(), 0);
    });

    it('gives the trial back when the request is aborted while waiting for the limiter', async () => {
        const clock = new FakeClock();
        const breaker = new CircuitBreaker({
            clock,
            strategy: new SuccessRateBreaker({ minRequests: 2 }),
            halfOpenAfterMs: 10
        });
        breaker.record(false);
        breaker.record(false);
        clock.advance(10);
        const limiter = new TokenBucket({ clock, requestsPerMinute: 1, burst: 1 });
        assert.ok(limiter.tryAcquire()); // empty bucket: the next acquire waits
        const abort = new AbortController();
        const http = new SyncHttp({
            clock,
            random: () => 0.5,
            sleep: async () => {},
            limiter,
            breaker,
            http: { request: async () => ({ status: 200, data: {}, headers: {} }) } as unknown as AxiosInstance
        });
        const p = http.send({ method: 'GET', url: 'http://t/x', signal: abort.signal });
        await new Promise<void>((r) => setImmediate(r));
        abort.abort();
        await assert.rejects(p);
        assert.equal(breaker.tryPass(), true, 'the trial is free again');
    });
});
