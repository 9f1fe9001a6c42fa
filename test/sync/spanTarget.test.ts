import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import type Redis from 'ioredis';
import { createSyncWorker } from '../../src/sync/createSyncWorker';
import { parseSyncConfig, type SyncConfig } from '../../src/sync/syncConfig';
import { payloadHash } from '../../src/sync/pipeline/payloadHash';
import { RedisSyncQueue } from '../../src/sync/RedisSyncQueue';
import type { SyncQueue } from '../../src/sync/SyncQueue';
import { seededRandom } from '../../src/emulator/seededRandom';
import { FakeClock } from '../support/FakeClock';
import { cleanup, connectRedis, uniquePrefix } from '../support/redis';
import { drive, ingest, INGEST_TOKEN } from './support';

interface Received {
    key: string;
    body: Record<string, unknown>;
    headers: http.IncomingHttpHeaders;
    raw: string;
}

/** A span endpoint (the source guide's contract): records requests, stores each idempotency key once. */
class FakeSpanServer {
    readonly received: Received[] = [];
    readonly stored = new Map<string, Record<string, unknown>>();
    failNext = 0;
    /** Answer every request with this status (a misconfigured endpoint). */
    refuseWith: number | undefined;
    private server = http.createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
            const key = String(req.headers['idempotency-key'] ?? '');
            const body = JSON.parse(raw) as Record<string, unknown>;
            this.received.push({ key, body, headers: req.headers, raw });
            if (this.refuseWith !== undefined) {
                res.writeHead(this.refuseWith, { 'content-type': 'application/json' }).end('{"message":"no"}');
                return;
            }
            if (this.failNext > 0) {
                this.failNext--;
                res.writeHead(503).end();
                return;
            }
            if (!this.stored.has(key)) this.stored.set(key, body);
            res.writeHead(this.stored.get(key) === body ? 201 : 200, { 'content-type': 'application/json' }).end('{}');
        });
    });
    url = '';
    async start(): Promise<void> {
        await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/spans`;
    }
    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((r) => this.server.close(() => r()));
    }
}

const AGENTS = ['agent-1', 'agent-2', 'agent-3'];
const CODES = JSON.stringify({
    BREAK: { targetCode: 'BRK' },
    AVAIL: { targetCode: 'AVL' },
    MEAL: { targetCode: 'MEAL' }
});

describe('sync worker, span target', () => {
    let redis: Redis;
    let spans: FakeSpanServer;
    const prefixes: string[] = [];
    before(async () => {
        redis = connectRedis();
        await redis.connect();
    });
    after(async () => {
        for (const p of prefixes) await cleanup(p, redis);
        redis.disconnect();
    });
    afterEach(async () => spans?.close());

    const setup = async (timeZone = 'Europe/Paris') => {
        spans = new FakeSpanServer();
        await spans.start();
        const prefix = uniquePrefix('syncspan');
        prefixes.push(prefix);
        const config = parseSyncConfig(
            {
                SYNC_INGEST_TOKEN: INGEST_TOKEN,
                SYNC_TARGET: 'span',
                SYNC_SPAN_URL: spans.url,
                SYNC_REASON_CODES_FILE: 'c',
                SYNC_TIME_ZONE: timeZone
            },
            () => CODES
        );
        return { prefix, config };
    };
    const worker = (config: SyncConfig, queue: SyncQueue, clock: FakeClock) =>
        createSyncWorker({ config, queue, clock, random: seededRandom(3) });
    const drain = async (clock: FakeClock, queue: SyncQueue, w: ReturnType<typeof worker>) => {
        for (let i = 0; i < 50 && (await queue.depth()) > 0; i++) await drive(clock, w.runOnce());
    };

    it('posts each span with the tracing headers and a deterministic idempotency key, splitting at local midnight across DST', async () => {
        const { prefix, config } = await setup('America/New_York');
        const clock = new FakeClock(Date.parse('2026-03-09T12:00:00Z'));
        const queue = new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'w1' });
        await ingest(queue, config, AGENTS, [
            // 22:00 EST on Mar 7 → 02:00 EDT on Mar 9: two local midnights, the second day only 23 h long.
            {
                agentId: 'agent-1',
                reasonCode: 'BREAK',
                at: Date.parse('2026-03-08T03:00:00Z'),
                endAt: Date.parse('2026-03-09T06:00:00Z')
            },
            {
                agentId: 'agent-2',
                reasonCode: 'MEAL',
                at: Date.parse('2026-03-09T15:00:00Z'),
                endAt: Date.parse('2026-03-09T15:30:00Z')
            }
        ]);
        const w = worker(config, queue, clock);
        await drain(clock, queue, w);
        await w.stop();
        const a1 = spans.received.filter((r) => r.body.agentId === 'agent-1');
        assert.deepEqual(
            a1.map((r) => [r.body.startTime, r.body.endTime]),
            [
                ['2026-03-08T03:00:00.000Z', '2026-03-08T05:00:00.000Z'],
                ['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
                ['2026-03-09T04:00:00.000Z', '2026-03-09T06:00:00.000Z']
            ]
        );
        assert.equal(spans.received.length, 4);
        for (const r of spans.received) {
            assert.match(String(r.headers['x-request-id']), /^[0-9a-f-]{36}$/);
            const dispatched = Date.parse(String(r.headers['x-timestamp-dispatch']));
            assert.match(String(r.headers['x-timestamp-dispatch']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
            assert.ok(dispatched >= Date.parse('2026-03-09T12:00:00Z') && dispatched <= clock.now());
            assert.equal(r.headers['x-payload-hash'], payloadHash(r.raw));
            assert.match(r.key, /^[0-9a-f]{32}$/);
        }
        assert.equal(new Set(spans.received.map((r) => r.key)).size, 4);
        assert.equal(await queue.depth(), 0);
    });

    it('delivers after a crash between ingest and send exactly once per span, keys stable across the restart', async () => {
        const { prefix, config } = await setup();
        const clock = new FakeClock();
        const t = clock.now();
        const q1 = new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'w1' });
        await ingest(q1, config, AGENTS, [
            { agentId: 'agent-1', reasonCode: 'BREAK', at: t, endAt: t + 600_000 },
            { agentId: 'agent-2', reasonCode: 'AVAIL', at: t, endAt: t + 600_000 },
            { agentId: 'agent-3', reasonCode: 'MEAL', at: t, endAt: t + 600_000 }
        ]);
        // First life: reads the entries (they become pending), then crashes before sending anything.
        assert.equal((await q1.read(10)).length, 3);
        // Second life: sends, but crashes before acknowledging (ack never reaches Redis).
        const crashing: SyncQueue = Object.assign(Object.create(q1) as SyncQueue, {
            read: (n: number) => new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'w1' }).read(n),
            ack: async () => {
                throw new Error('crash before ack');
            }
        });
        const w2 = worker(config, crashing, clock);
        await assert.rejects(drive(clock, w2.runOnce()), /crash before ack/);
        await w2.stop();
        assert.equal(spans.received.length, 3);
        // Third life: same consumer name, re-reads its pending entries and resends with the same keys.
        const q3 = new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'w1' });
        const w3 = worker(config, q3, clock);
        await drain(clock, q3, w3);
        await w3.stop();
        assert.equal(await q3.depth(), 0);
        assert.equal(spans.stored.size, 3, 'exactly one stored span per input span');
        const keysByAgent = new Map<string, Set<string>>();
        for (const r of spans.received) {
            const set = keysByAgent.get(String(r.body.agentId)) ?? new Set();
            set.add(r.key);
            keysByAgent.set(String(r.body.agentId), set);
        }
        assert.ok(
            [...keysByAgent.values()].every((s) => s.size === 1),
            'same span → same key across restarts'
        );
    });

    it('takes over the partition of a consumer that never came back: its span goes out before the newer one', async () => {
        const { prefix, config } = await setup();
        const clockA = new FakeClock();
        const t = clockA.now();
        // Instance A reads E1 and dies (its clock, and so its lease renewal, stops); E2 arrives.
        const qA = new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'host-a', clock: clockA });
        await ingest(qA, config, AGENTS, [{ agentId: 'agent-1', reasonCode: 'BREAK', at: t, endAt: t + 300_000 }]);
        assert.equal((await qA.read(10)).length, 1);
        await ingest(qA, config, AGENTS, [
            { agentId: 'agent-1', reasonCode: 'AVAIL', at: t + 300_000, endAt: t + 600_000 }
        ]);
        // Instance B, while A's leases hold, reads nothing of A's partitions.
        const clockB = new FakeClock(t);
        const qB = new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'host-b', clock: clockB });
        const wB = worker(config, qB, clockB);
        await drive(clockB, wB.runOnce());
        assert.equal(spans.received.length, 0);
        // Once A's leases expired, B takes A's partitions over: A's pending span first, then the newer one.
        clockB.advance(config.partitionLeaseMs + 1);
        await qB.partitions.refresh();
        await drain(clockB, qB, wB);
        await wB.stop();
        await qB.close();
        assert.deepEqual(
            spans.received.map((r) => [r.body.code, r.body.startTime]),
            [
                ['BRK', new Date(t).toISOString()],
                ['AVL', new Date(t + 300_000).toISOString()]
            ]
        );
        assert.equal(await qB.depth(), 0);
        assert.deepEqual(await qB.deadLetters(), []);
        assert.equal(wB.status().late, 0, 'nothing went out after a newer span');
        assert.equal((await qB.lastAcked(['agent-1'])).get('agent-1')?.startAt, t + 300_000);
    });

    it('keeps everything pending while the span endpoint answers 404 (wrong URL), then delivers it all', async () => {
        const { prefix, config } = await setup();
        const clock = new FakeClock();
        const t = clock.now();
        const q = new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'w1' });
        await ingest(q, config, AGENTS, [
            { agentId: 'agent-1', reasonCode: 'BREAK', at: t, endAt: t + 60_000 },
            { agentId: 'agent-1', reasonCode: 'AVAIL', at: t + 60_000, endAt: t + 120_000 },
            { agentId: 'agent-2', reasonCode: 'MEAL', at: t, endAt: t + 60_000 },
            { agentId: 'agent-3', reasonCode: 'MEAL', at: t, endAt: t + 60_000 }
        ]);
        spans.refuseWith = 404;
        const w = worker(config, q, clock);
        await drive(clock, w.runOnce());
        // The agents' first spans were in flight together; nothing more is sent once the endpoint refused.
        assert.ok(spans.received.length <= 3, `${spans.received.length} requests`);
        assert.ok(spans.received.every((r) => r.body.code !== 'AVL'));
        assert.equal(await q.depth(), 4);
        const d = await w.diagnostics();
        assert.deepEqual(d.deadLetters, []);
        assert.equal(d.configFailure?.status, 404);
        assert.match(d.configFailure!.hint, /SYNC_SPAN_URL/);
        spans.refuseWith = undefined;
        clock.advanceTo(Date.parse(d.configFailure!.retryAt));
        await drain(clock, q, w);
        await w.stop();
        assert.equal(await q.depth(), 0);
        assert.equal(spans.stored.size, 4);
        assert.equal((await w.diagnostics()).configFailure, null);
    });

    it('retries a failing target in order per agent and loses nothing', async () => {
        const { prefix, config } = await setup();
        const clock = new FakeClock();
        const t = clock.now();
        const q = new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'w1' });
        await ingest(q, config, AGENTS, [
            { agentId: 'agent-1', reasonCode: 'BREAK', at: t, endAt: t + 60_000 },
            { agentId: 'agent-1', reasonCode: 'AVAIL', at: t + 60_000, endAt: t + 120_000 },
            { agentId: 'agent-1', reasonCode: 'MEAL', at: t + 120_000, endAt: t + 180_000 }
        ]);
        spans.failNext = 7;
        const w = worker(config, q, clock);
        await drain(clock, q, w);
        await w.stop();
        const order = [...spans.stored.values()].map((b) => b.code);
        assert.deepEqual(order, ['BRK', 'AVL', 'MEAL']);
        assert.equal(await q.depth(), 0);
    });
});
