import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RedisClient } from '../../src/adapters/redis/createRedisClient';
import { RedisSyncQueue } from '../../src/sync/RedisSyncQueue';
import { MemorySyncQueue, type SyncQueue } from '../../src/sync/SyncQueue';
import type { SyncEvent } from '../../src/sync/pipeline/types';
import { cleanup, connectRedis, keysUnder, uniquePrefix } from '../support/redis';
import { useRedisCluster } from '../support/redisCluster';

const ev = (agentId: string, i: number): SyncEvent => ({
    agentId,
    state: `S${i}`,
    reasonCode: 'R',
    startAt: i,
    target: `t${i}`
});

function contract(name: string, make: () => Promise<SyncQueue>): void {
    describe(`SyncQueue contract: ${name}`, () => {
        it('reads appended events in order, once, until acknowledged', async () => {
            const q = await make();
            const ids = await q.append([ev('a', 1), ev('b', 2), ev('a', 3)]);
            assert.equal(ids.length, 3);
            const first = await q.read(2);
            assert.deepEqual(
                first.map((e) => e.event.state),
                ['S1', 'S2']
            );
            const second = await q.read(10);
            assert.deepEqual(
                second.map((e) => e.event.state),
                ['S3']
            );
            assert.equal(await q.depth(), 3);
            await q.ack([...first, ...second].map((e) => e.id));
            assert.equal(await q.depth(), 0);
            assert.deepEqual(await q.read(10), []);
        });
        it('keeps dead letters inspectable, most recent first', async () => {
            const q = await make();
            await q.deadLetter([{ at: 1, rejection: { code: 'UNKNOWN_AGENT', reason: 'x' }, item: { a: 1 } }]);
            await q.deadLetter([{ at: 2, rejection: { code: 'BAD_TIME', reason: 'y' }, item: 'z' }]);
            const d = await q.deadLetters();
            assert.deepEqual(
                d.map((l) => l.rejection.code),
                ['BAD_TIME', 'UNKNOWN_AGENT']
            );
            assert.deepEqual(d[1].item, { a: 1 });
        });
        it('stores the last acknowledged state per agent', async () => {
            const q = await make();
            await q.setLastAcked(
                new Map([['a', { state: 'S', target: 't', startAt: 5, payloadHash: 'h', ackedAt: 6 }]])
            );
            const m = await q.lastAcked(['a', 'b']);
            assert.deepEqual([...m.keys()], ['a']);
            assert.equal(m.get('a')!.target, 't');
        });
    });
}

contract('memory', async () => new MemorySyncQueue());

/** The Redis queue suite on a client of `connect` (standalone or Cluster), `keysUnder` listing what it wrote. */
function redisQueueSuite(
    name: string,
    connect: () => RedisClient,
    keysUnder: (prefix: string) => Promise<string[]>
): void {
    describe(name, () => {
        let redis: RedisClient;
        before(async () => {
            redis = connect();
            await redis.connect();
        });
        after(() => redis.disconnect());
        const make = (prefix = uniquePrefix('syncq'), consumer = 'c1', claimIdleMs = 60_000) => {
            prefixes.push(prefix);
            return new RedisSyncQueue({ redis, keyPrefix: prefix, consumer, claimIdleMs });
        };
        contract(name, async () => make());
        it('re-reads its own pending entries after a restart (crash between read and ack)', async () => {
            const prefix = uniquePrefix('syncq');
            const before = make(prefix, 'worker-1');
            await before.append([ev('a', 1), ev('b', 2)]);
            assert.equal((await before.read(10)).length, 2); // then "crash": never acknowledged
            const afterRestart = make(prefix, 'worker-1');
            const again = await afterRestart.read(10);
            assert.deepEqual(
                again.map((e) => e.event.state),
                ['S1', 'S2']
            );
            await afterRestart.ack(again.map((e) => e.id));
            assert.deepEqual(await make(prefix, 'worker-1').read(10), []);
        });

        it('claims idle pending entries of another consumer (XAUTOCLAIM)', async () => {
            const prefix = uniquePrefix('syncq');
            const dead = make(prefix, 'dead');
            await dead.append([ev('a', 1)]);
            assert.equal((await dead.read(10)).length, 1);
            const other = make(prefix, 'alive', 0);
            const claimed = await other.read(10);
            assert.deepEqual(
                claimed.map((e) => e.event.state),
                ['S1']
            );
        });

        it('keeps every key under its prefix', async () => {
            const prefix = uniquePrefix('syncq');
            const q = make(prefix);
            await q.append([ev('a', 1)]);
            await q.deadLetter([{ at: 1, rejection: { code: 'BAD_TIME', reason: 'r' }, item: 1 }]);
            await q.setLastAcked(
                new Map([['a', { state: 'S', target: 't', startAt: 1, payloadHash: 'h', ackedAt: 1 }]])
            );
            const keys = await keysUnder(prefix);
            assert.equal(keys.length, 3);
            assert.ok(keys.every((k) => k.startsWith(prefix)));
        });
    });
}

const prefixes: string[] = [];
after(async () => {
    for (const p of prefixes) await cleanup(p);
});

redisQueueSuite('RedisSyncQueue on standalone Redis', connectRedis, async (prefix) => {
    const admin = connectRedis();
    try {
        return await keysUnder(admin, prefix);
    } finally {
        admin.disconnect();
    }
});

describe('RedisSyncQueue on a real three-master Redis Cluster', () => {
    const cluster = useRedisCluster();
    redisQueueSuite(
        'RedisSyncQueue (Redis Cluster)',
        () => cluster().connect(),
        (prefix) => cluster().keysUnder(prefix)
    );
});
