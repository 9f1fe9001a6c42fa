import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import Redis from 'ioredis';
import { isStoreError } from '../../../src/adapters/store/StoreError';
import { RedisAgentStateStore, createRedisStore } from '../../../src/adapters/redis/RedisAgentStateStore';
import { assertRedisVersion } from '../../../src/adapters/redis/ShardedRedis';
import { exclusionsKey, fnv1a32, shardKeys, shardOf } from '../../../src/adapters/redis/keys';
import { change, logEntry, nudge, record, runStoreContract } from '../storeContract';
import type { StoreFixture } from '../storeContract';
import { cleanup, connectRedis, keysUnder, redisUrl, uniquePrefix } from '../../support/redis';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const PAGE = 500;

async function openFixture(): Promise<StoreFixture & { prefix: string; client: Redis }> {
    const prefix = uniquePrefix('store');
    const client = connectRedis();
    const peerClient = connectRedis();
    const store = new RedisAgentStateStore(client, { keyPrefix: prefix, pageSize: PAGE });
    let peer: RedisAgentStateStore | undefined;
    return {
        prefix,
        client,
        store,
        peer: () => (peer ??= new RedisAgentStateStore(peerClient, { keyPrefix: prefix, pageSize: PAGE })),
        cleanup: async () => {
            await store.close();
            await peer?.close();
            await cleanup(prefix, client);
            client.disconnect();
            peerClient.disconnect();
        }
    };
}

runStoreContract('RedisAgentStateStore', openFixture, { pageSize: PAGE });

describe('RedisAgentStateStore (Redis specifics)', () => {
    let admin: Redis;
    before(async () => {
        admin = connectRedis();
        await admin.connect();
    });
    after(() => admin.disconnect());

    it('computes FNV-1a 32 like the reference vectors', () => {
        assert.equal(fnv1a32(''), 0x811c9dc5);
        assert.equal(fnv1a32('a'), 0xe40c292c);
        assert.equal(fnv1a32('foobar'), 0xbf9cf968);
    });

    it('keeps every key of an agent in its shard hash-tag slot', async () => {
        const f = await openFixture();
        try {
            const ids = Array.from({ length: 40 }, (_, i) => `user-${i}`);
            await f.store.commit(
                ids.map((id) =>
                    change(id, 0, { dueAt: T0, log: [logEntry(id, T0)], outbox: [nudge(id, `${id}:nudge`, T0)] })
                )
            );
            await f.store.claimDeadlines(ids, T0, 1000);
            await f.store.setExclusion('Meeting', true);
            const keys = await keysUnder(admin, f.prefix);
            const agentKeys = keys.filter((k) => k !== exclusionsKey(f.prefix));
            assert.equal(keys.length - agentKeys.length, 1);
            const shardsUsed = new Set(ids.map((id) => shardOf(id, 16)));
            for (const shard of shardsUsed) {
                const expected = Object.values(shardKeys(f.prefix, shard)).sort();
                const present = agentKeys.filter((k) => k.startsWith(`${f.prefix}{s${shard}}:`)).sort();
                assert.deepEqual(present, expected, `every key of shard ${shard} exists under its tag`);
                const slots = new Set(present.map((k) => calculateSlot(k)));
                assert.deepEqual([...slots], [calculateSlot(`{s${shard}}`)]);
            }
            assert.equal(agentKeys.length, shardsUsed.size * Object.keys(shardKeys(f.prefix, 0)).length);
            for (const id of ids) {
                const k = shardKeys(f.prefix, shardOf(id, 16));
                assert.ok(await admin.hexists(k.records, id), `${id} lives in shard ${shardOf(id, 16)}`);
            }
        } finally {
            await f.cleanup();
        }
    });

    it('sends all changes of one commit in a single pipeline write', async () => {
        const f = await openFixture();
        try {
            await f.store.commit([change('warm-up', 0)]);
            const socket = (f.client as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
            const originalWrite = socket.write;
            const originalSend = f.client.sendCommand;
            let writes = 0;
            let unpipelined = 0;
            socket.write = function (this: unknown, ...args: unknown[]) {
                writes++;
                return originalWrite.apply(this, args);
            };
            f.client.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
                if (args[1] === undefined) unpipelined++;
                return originalSend.apply(this, args);
            } as Redis['sendCommand'];
            try {
                const ids = Array.from({ length: 50 }, (_, i) => `pipe-${i}`);
                const results = await f.store.commit(
                    ids.map((id) => change(id, 0, { dueAt: T0, log: [logEntry(id, T0)], outbox: [nudge(id, id, T0)] }))
                );
                assert.ok(results.every((r) => r.ok));
            } finally {
                socket.write = originalWrite;
                f.client.sendCommand = originalSend;
            }
            assert.equal(writes, 1, 'one socket write for 50 changes');
            assert.equal(unpipelined, 0, 'no command outside the pipeline');
        } finally {
            await f.cleanup();
        }
    });

    it('isolates stores with different key prefixes on one Redis', async () => {
        const a = await openFixture();
        const b = await openFixture();
        try {
            await a.store.commit([
                change('same', 0, { record: record('same', 1, { managementUnitId: 'A' }), dueAt: T0 })
            ]);
            await b.store.commit([change('same', 0, { record: record('same', 1, { managementUnitId: 'B' }) })]);
            await a.store.setExclusion('Break', true);
            assert.equal((await a.store.getMany(['same'])).get('same')!.managementUnitId, 'A');
            assert.equal((await b.store.getMany(['same'])).get('same')!.managementUnitId, 'B');
            assert.deepEqual(await b.store.getExclusions(), { excluded: [], included: [] });
            assert.deepEqual(await b.store.listDeadlines(), []);
            const loaded: string[] = [];
            await b.store.loadAll((records) => loaded.push(...records.map((r) => r.managementUnitId)));
            assert.deepEqual(loaded, ['B']);
            assert.ok((await keysUnder(admin, a.prefix)).every((k) => !k.startsWith(b.prefix)));
        } finally {
            await a.cleanup();
            await b.cleanup();
        }
    });

    it('restores records, deadlines, log and outbox in a new instance after a restart', async () => {
        const f = await openFixture();
        try {
            await f.store.commit([
                change('a', 0, { dueAt: T0 + 1000, log: [logEntry('a', T0)], outbox: [nudge('a', 'k', T0)] })
            ]);
            await f.store.close();
            const client = connectRedis();
            const restarted = new RedisAgentStateStore(client, { keyPrefix: f.prefix });
            try {
                const loaded: string[] = [];
                await restarted.loadAll((records) => loaded.push(...records.map((r) => r.userId)));
                assert.deepEqual(loaded, ['a']);
                assert.deepEqual(await restarted.listDeadlines(), [{ userId: 'a', dueAt: T0 + 1000 }]);
                assert.equal((await restarted.readLog({ fromAt: T0, toAt: T0 + 1 })).length, 1);
                assert.deepEqual(
                    (await restarted.dueOutbox(T0, 10)).map((e) => e.key),
                    ['k']
                );
                assert.deepEqual(await restarted.commit([change('a', 1)]), [{ userId: 'a', ok: true }]);
            } finally {
                await restarted.close();
                client.disconnect();
            }
        } finally {
            await f.cleanup();
        }
    });

    it('gives log stream ids the entry time and keeps them monotonic', async () => {
        const f = await openFixture();
        try {
            await f.store.commit([change('a', 0, { log: [logEntry('a', T0 + 5000), logEntry('a', T0 + 1000)] })]);
            await f.store.commit([change('a', 1, { log: [logEntry('a', T0 + 9000)] })]);
            const stream = await admin.xrange(shardKeys(f.prefix, shardOf('a', 16)).log, '-', '+');
            assert.deepEqual(
                stream.map(([id]) => Number(id.split('-')[0]) - T0),
                [5000, 5000, 9000]
            );
        } finally {
            await f.cleanup();
        }
    });

    it("keeps committing when the log metadata is lost: the stream's newest id wins, nothing is half-written", async () => {
        const f = await openFixture();
        try {
            const keys = shardKeys(f.prefix, shardOf('a', 16));
            await f.store.commit([change('a', 0, { log: [logEntry('a', T0 + 5000)] })]);
            await admin.del(keys.logMeta);
            const result = await f.store.commit([
                change('a', 1, { log: [logEntry('a', T0 + 1000)], outbox: [nudge('a', 'a:nudge', T0 + 1000)] })
            ]);
            assert.deepEqual(result, [{ userId: 'a', ok: true }]);
            const stream = await admin.xrange(keys.log, '-', '+');
            assert.deepEqual(
                stream.map(([id]) => Number(id.split('-')[0]) - T0),
                [5000, 5000]
            );
            assert.equal((await f.store.getMany(['a'])).get('a')?.version, 2);
            assert.deepEqual(
                (await f.store.dueOutbox(T0 + 60_000, 10)).map((e) => e.notification.key),
                ['a:nudge']
            );
        } finally {
            await f.cleanup();
        }
    });

    it('refuses Redis older than 7.0 with a clear error', () => {
        assert.doesNotThrow(() => assertRedisVersion('# Server\r\nredis_version:7.0.15\r\n'));
        assert.doesNotThrow(() => assertRedisVersion('# Server\r\nredis_version:7.2.4\r\n'));
        assert.throws(
            () => assertRedisVersion('# Server\r\nredis_version:6.2.14\r\nredis_mode:standalone\r\n'),
            (e: unknown) => isStoreError(e) && e.code === 'STORE_UNSUPPORTED_SERVER' && /7\.0 or newer/.test(e.message)
        );
    });

    it('reports corrupt stored JSON as STORE_CORRUPT_DATA without the content', async () => {
        const f = await openFixture();
        try {
            await admin.hset(shardKeys(f.prefix, shardOf('x', 16)).records, 'x', '{secret-ish');
            await assert.rejects(
                f.store.getMany(['x']),
                (e: unknown) => isStoreError(e) && e.code === 'STORE_CORRUPT_DATA' && !e.message.includes('secret-ish')
            );
        } finally {
            await f.cleanup();
        }
    });

    it('maps an unreachable Redis to a retryable STORE_UNAVAILABLE without the password', async () => {
        const client = new Redis('redis://:hunter2@127.0.0.1:1', {
            lazyConnect: true,
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
            enableOfflineQueue: true
        });
        client.on('error', () => undefined);
        const store = new RedisAgentStateStore(client, { keyPrefix: uniquePrefix('down') });
        try {
            await assert.rejects(
                store.commit([change('a', 0)]),
                (e: unknown) =>
                    isStoreError(e) && e.code === 'STORE_UNAVAILABLE' && e.retryable && !e.message.includes('hunter2')
            );
        } finally {
            await store.close();
            client.disconnect();
        }
    });

    it('builds its own lazy client from a URL, never serialises it, and closes it', async () => {
        const url = new URL(redisUrl);
        url.password = 'not-a-real-secret';
        url.username = '';
        const prefix = uniquePrefix('own');
        const own = createRedisStore({ url: redisUrl, keyPrefix: prefix, shardCount: 4 });
        const withSecret = createRedisStore({ url: url.toString(), keyPrefix: prefix });
        try {
            assert.deepEqual(await own.commit([change('a', 0)]), [{ userId: 'a', ok: true }]);
            assert.equal((await own.getMany(['a'])).get('a')!.version, 1);
            assert.ok(!JSON.stringify(withSecret).includes('not-a-real-secret'));
            assert.deepEqual(JSON.parse(JSON.stringify(own)), {
                keyPrefix: prefix,
                shardCount: 4,
                logMaxLen: 200_000,
                outboxKeyTtlMs: 604_800_000,
                pageSize: 1000
            });
        } finally {
            await own.close();
            await withSecret.close();
            await cleanup(prefix, admin);
        }
        await assert.rejects(own.getMany(['a']), (e: unknown) => isStoreError(e) && e.code === 'STORE_CLOSED');
    });

    it('rejects bad options listing every problem', () => {
        assert.throws(
            () => createRedisStore({ url: 'http://x', keyPrefix: 'a{b}', shardCount: 0, logMaxLen: 1.5 }),
            (e: unknown) =>
                isStoreError(e) &&
                e.code === 'STORE_INVALID_ARGUMENT' &&
                /braces|\{ or \}/.test(e.message) &&
                /shardCount/.test(e.message) &&
                /logMaxLen/.test(e.message) &&
                /url/.test(e.message)
        );
    });
});
