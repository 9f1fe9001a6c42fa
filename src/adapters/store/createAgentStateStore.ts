import type { AgentStateStore } from '../../engine/ports';
import { MemoryAgentStateStore } from '../memory/MemoryAgentStateStore';
import { RedisAgentStateStore } from '../redis/RedisAgentStateStore';
import { createRedisClient } from '../redis/createRedisClient';
import type { RedisStoreConfig, StoreConfig } from './storeConfig';

/** Builds the configured store: Redis (own lazily connecting client, closed by `close()`) or the embedded memory store. */
export function createAgentStateStore(config: StoreConfig): AgentStateStore {
    if (config.kind === 'memory') {
        return new MemoryAgentStateStore({ logMaxLen: config.logMaxLen, outboxKeyTtlMs: config.outboxKeyTtlMs });
    }
    return redisStoreOf(config);
}

/**
 * The configured store when another process can read it too (Redis, own lazily connecting client, closed by
 * `close()`), else `undefined`: the embedded memory store lives only inside the running bot. `npm run report` reads it.
 */
export function openSharedStore(config: StoreConfig): AgentStateStore | undefined {
    return config.kind === 'redis' ? redisStoreOf(config) : undefined;
}

/** The Redis store on its own lazily connecting client (a server or a Cluster), closed by the store's `close()`. */
function redisStoreOf(config: RedisStoreConfig): AgentStateStore {
    const settings = {
        keyPrefix: config.keyPrefix,
        shardCount: config.shardCount,
        logMaxLen: config.logMaxLen,
        outboxKeyTtlMs: config.outboxKeyTtlMs
    };
    return new RedisAgentStateStore(createRedisClient(config), settings, { owned: true });
}
