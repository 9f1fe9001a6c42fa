import assert from 'node:assert/strict';
import calculateSlot from 'cluster-key-slot';
import { after, before, describe, it } from 'node:test';
import type { RedisClient } from '../../src/adapters/redis/createRedisClient';
import { RedisSyncQueue } from '../../src/sync/RedisSyncQueue';
import { partitionOf } from '../../src/sync/SyncPartitions';
import { MemorySyncQueue, type SyncQueue } from '../../src/sync/SyncQueue';
import type { SyncEvent } from '../../src/sync/pipeline/types';
import { cleanup, connectRedis, keysUnder, uniquePrefix } from '../support/redis';
import { useRedisCluster } from '../support/redisCluster';
import { FakeClock } from '../support/FakeClock';

const ev = (agentId: string, i: number): SyncEvent => ({
    agentId,
    state: `S${i}`,
    reasonCode: 'R',
    startAt: i,
    target: `t${i}`
});

function contract(name: string, make: () => Promise<SyncQueue>): void {
    describe(`SyncQueue contract: ${name}`, () => {
        it("reads appended events in each agent's order, once, until acknowledged", async () => {
            const q = await make();
            const ids = await q.append([ev('a', 1), ev('b', 2), ev('a', 3)]);
            assert.equal(ids.length, 3);
            const first = await q.read(2);
            assert.deepEqual(first.map((e) => e.event.state).sort(), ['S1', 'S2']);
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
        const make = (prefix = uniquePrefix('syncq'), consumer = 'c1', clock = new FakeClock()) => {
            prefixes.push(prefix);
            return new RedisSyncQueue({ redis, keyPrefix: prefix, consumer, clock });
        };
        contract(name, async () => make());
        it('re-reads its own pending entries after a restart (crash between read and ack)', async () => {
            const prefix = uniquePrefix('syncq');
            const clock = new FakeClock();
            const before = make(prefix, 'worker-1', clock);
            await before.append([ev('a', 1), ev('b', 2)]);
            assert.equal((await before.read(10)).length, 2); // then "crash": never acknowledged
            const afterRestart = make(prefix, 'worker-1', clock);
            const again = await afterRestart.read(10);
            assert.deepEqual(again.map((e) => e.event.state).sort(), ['S1', 'S2']);
            await afterRestart.ack(again.map((e) => e.id));
            assert.deepEqual(await make(prefix, 'worker-1', clock).read(10), []);
        });

        it("takes over a dead consumer's partitions once its leases expire: its pending entries first, in order", async () => {
            const prefix = uniquePrefix('syncq');
            const deadClock = new FakeClock();
            const dead = make(prefix, 'dead', deadClock);
            await dead.append([ev('a', 1), ev('b', 2)]);
            assert.equal((await dead.read(10)).length, 2);
            await dead.append([ev('a', 3), ev('b', 4)]);
            const clock = new FakeClock(deadClock.now());
            const other = make(prefix, 'alive', clock);
            assert.deepEqual(await other.read(10), [], 'the dead consumer still holds every partition');
            clock.advance(10_001);
            await other.partitions.refresh();
            const taken = await other.read(100);
            for (const agent of ['a', 'b']) {
                assert.deepEqual(
                    taken.filter((q) => q.event.agentId === agent).map((q) => q.event.state),
                    agent === 'a' ? ['S1', 'S3'] : ['S2', 'S4']
                );
            }
            assert.equal(other.partitions.owned().length, 16);
        });

        it('shares the partitions between live consumers, one reader per partition, and hands them back on close', async () => {
            const prefix = uniquePrefix('syncq');
            const clock = new FakeClock();
            const one = make(prefix, 'one', clock);
            const two = make(prefix, 'two', clock);
            await one.partitions.ready();
            await two.partitions.ready();
            assert.equal(one.partitions.owned().length, 16, 'alone at first: every partition');
            await one.partitions.refresh(); // sees two members: hands back down to its share
            await two.partitions.refresh(); // takes the partitions handed back
            const a = one.partitions.owned();
            const b = two.partitions.owned();
            assert.equal(a.length, 8);
            assert.equal(b.length, 8);
            assert.equal(new Set([...a, ...b]).size, 16, 'no partition owned twice');
            const agents = Array.from({ length: 40 }, (_, i) => `agent-${i}`);
            await one.append(agents.map((agent, i) => ev(agent, i)));
            const readA = await one.read(100);
            const readB = await two.read(100);
            assert.equal(readA.length + readB.length, 40);
            const byA = new Set(readA.map((q) => q.event.agentId));
            assert.ok(
                readB.every((q) => !byA.has(q.event.agentId)),
                'each agent read by one consumer'
            );
            await one.ack(readA.map((q) => q.id));
            await one.close();
            await two.partitions.refresh();
            assert.equal(two.partitions.owned().length, 16, 'the closed consumer handed its partitions over');
        });

        it('keeps, of entries kept for a retry, only those of partitions it still owns', async () => {
            const prefix = uniquePrefix('syncq');
            const clock = new FakeClock();
            const q = make(prefix, 'w', clock);
            await q.append([ev('a', 1)]);
            const read = await q.read(10);
            assert.deepEqual(q.retain(read), read);
            clock.advance(7_000); // two thirds of the lease without a renewal (Redis cut): stop using it
            assert.deepEqual(q.retain(read), []);
            assert.deepEqual(await q.read(10), []);
        });

        it('drains the stream of the queue before partitions, in order, then forgets it', async () => {
            const prefix = uniquePrefix('syncq');
            await redis.xgroup('CREATE', `${prefix}events`, 'sync', '0', 'MKSTREAM');
            for (const i of [1, 2]) await redis.xadd(`${prefix}events`, '*', 'e', JSON.stringify(ev('a', i)));
            const q = make(prefix, 'w', new FakeClock());
            await q.append([ev('a', 3)]);
            assert.equal(await q.depth(), 3);
            const first = await q.read(100);
            assert.deepEqual(first.map((e) => e.event.state).sort(), ['S1', 'S2', 'S3']);
            await q.ack(first.map((e) => e.id));
            assert.equal(await q.depth(), 0);
            await q.partitions.refresh();
            assert.ok(!q.partitions.owned().includes('legacy'));
        });

        it('keeps every key under its prefix', async () => {
            const prefix = uniquePrefix('syncq');
            const q = make(prefix);
            await q.append([ev('a', 1)]);
            await q.deadLetter([{ at: 1, rejection: { code: 'BAD_TIME', reason: 'r' }, item: 1 }]);
            await q.setLastAcked(
                new Map([['a', { state: 'S', target: 't', startAt: 1, payloadHash: 'h', ackedAt: 1 }]])
            );
            const events = await q.read(1);
            const keys = await keysUnder(prefix);
            const partitionKeys = Array.from({ length: 16 }, (_, n) => [
                `${prefix}{p${n}}:events`,
                `${prefix}{p${n}}:owner`
            ]);
            assert.deepEqual(
                keys.sort(),
                [`${prefix}dead`, `${prefix}last`, `${prefix}members`, ...partitionKeys.flat()].sort()
            );
            for (const pair of partitionKeys) assert.equal(calculateSlot(pair[0]), calculateSlot(pair[1]), 'one slot');
            assert.equal(events[0].id.split('/')[0], String(partitionOf('a', 16)), 'the entry id names its partition');
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
