import type { AgentStateStore } from '../../engine/ports';
import { MemoryAgentStateStore } from '../memory/MemoryAgentStateStore';
import { createRedisStore } from '../redis/RedisAgentStateStore';
import type { StoreConfig } from './storeConfig';

/** Builds the configured store: Redis (own lazily connecting client, closed by `close()`) or the embedded memory store. */
export function createAgentStateStore(config: StoreConfig): AgentStateStore {
    if (config.kind === 'memory') {
        return new MemoryAgentStateStore({ logMaxLen: config.logMaxLen, outboxKeyTtlMs: config.outboxKeyTtlMs });
    }
    return createRedisStore({
        url: config.url.reveal(),
        keyPrefix: config.keyPrefix,
        shardCount: config.shardCount,
        logMaxLen: config.logMaxLen,
        outboxKeyTtlMs: config.outboxKeyTtlMs
    });
}
