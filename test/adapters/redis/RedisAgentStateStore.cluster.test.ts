import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import { RedisAgentStateStore } from '../../../src/adapters/redis/RedisAgentStateStore';
import { serverInfos } from '../../../src/adapters/redis/ShardedRedis';
import { createRedisClient, isCluster } from '../../../src/adapters/redis/createRedisClient';
import { shardKeys } from '../../../src/adapters/redis/keys';
import { createAgentStateStore } from '../../../src/adapters/store/createAgentStateStore';
import { parseStoreConfig, type RedisStoreConfig } from '../../../src/adapters/store/storeConfig';
import { change, logEntry, nudge, runStoreContract, type StoreFixture } from '../storeContract';
import { uniquePrefix } from '../../support/redis';
import { useRedisCluster } from '../../support/redisCluster';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const PAGE = 500;

describe('RedisAgentStateStore on a real three-master Redis Cluster', () => {
    const cluster = useRedisCluster();
    const config = (): RedisStoreConfig => {
        const parsed = parseStoreConfig({ REDIS_URL: cluster().url });
        assert.equal(parsed.kind, 'redis');
        return parsed as RedisStoreConfig;
    };

    /** Each store on its own Cluster client from the app's factory (the data goes with the cluster after the file). */
    async function openFixture(): Promise<StoreFixture> {
        const keyPrefix = uniquePrefix('cstore');
        const open = (): RedisAgentStateStore =>
            new RedisAgentStateStore(createRedisClient(config()), { keyPrefix, pageSize: PAGE }, { owned: true });
        const store = open();
        let peer: RedisAgentStateStore | undefined;
        return {
            store,
            peer: () => (peer ??= open()),
            cleanup: async () => {
                await store.close();
                await peer?.close();
            }
        };
    }

    runStoreContract('RedisAgentStateStore (Redis Cluster)', openFixture, { pageSize: PAGE });

    it('spreads the shards over the three masters and works through every one of them', async () => {
        const admin = cluster().connect();
        try {
            await admin.connect();
            const prefix = uniquePrefix('spread');
            const owners = new Set(
                Array.from({ length: 16 }, (_, n) => {
                    const slot = calculateSlot(shardKeys(prefix, n).records);
                    return (admin.slots[slot] ?? [])[0];
                })
            );
            assert.equal(owners.size, 3, 'the 16 shard tags live on all three masters');
            const store = createAgentStateStore(config());
            try {
                const ids = Array.from({ length: 64 }, (_, i) => `agent-${i}`);
                const results = await store.commit(
                    ids.map((id) =>
                        change(id, 0, { dueAt: T0, log: [logEntry(id, T0)], outbox: [nudge(id, `${id}:n`, T0)] })
                    )
                );
                assert.ok(results.every((r) => r.ok));
                assert.equal((await store.getMany(ids)).size, 64);
                assert.equal((await store.claimOverdue(T0, T0, 1000, 100)).length, 64);
                assert.equal((await store.dueOutbox(T0, 100)).length, 64);
                assert.equal((await store.readLog({ fromAt: T0, toAt: T0 + 1 })).length, 64);
            } finally {
                await store.close();
            }
        } finally {
            admin.disconnect();
        }
    });

    it('checks the version of every master (STORE_UNSUPPORTED_SERVER applies to each)', async () => {
        const client = createRedisClient(config());
        try {
            assert.ok(isCluster(client));
            const infos = await serverInfos(client);
            const ports = infos.map((info) => Number(/^tcp_port:(\d+)/m.exec(info)?.[1])).sort();
            assert.deepEqual(ports, [...cluster().ports].sort());
        } finally {
            client.disconnect();
        }
    });
});
