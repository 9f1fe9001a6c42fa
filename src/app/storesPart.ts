import type { RedisClient } from '../adapters/redis/createRedisClient';
import type { AgentStateStore } from '../engine/ports';
import { RedisAgentStateStore } from '../adapters/redis/RedisAgentStateStore';
import { logRedisErrors } from '../adapters/redis/redisErrors';
import { createAgentStateStore } from '../adapters/store/createAgentStateStore';
import type { StoreConfig } from '../adapters/store/storeConfig';
import type { BotStore } from '../adapters/teams/BotStore';
import { MemoryBotStore } from '../adapters/teams/MemoryBotStore';
import { RedisBotStore } from '../adapters/teams/RedisBotStore';
import type { AppContext } from './appContext';
import { sharedRedis } from './sharedRedis';

export interface StoresPart {
    agentStore: AgentStateStore;
    botStore: BotStore;
    /** The shared Redis connection (bot data, sync queue), opened on first use; `undefined` with the memory store. */
    redis: () => Promise<RedisClient | undefined>;
}

/**
 * The stores of the app from the store configuration: the agent state store (closed on shutdown unless given) and
 * the bot store on the shared Redis connection, or in memory. Given stores are used as they are.
 */
export async function createStoresPart(
    config: StoreConfig,
    ctx: AppContext,
    given: { agentStore?: AgentStateStore; botStore?: BotStore }
): Promise<StoresPart> {
    const redis = sharedRedis(config, (client) => {
        logRedisErrors(client, ctx.logger, 'shared', ctx.clock);
        ctx.onClose(() => void client.disconnect());
    });
    let agentStore = given.agentStore;
    if (!agentStore) {
        const owned = createAgentStateStore(config);
        if (owned instanceof RedisAgentStateStore)
            logRedisErrors(
                { on: (_event, listener) => owned.onConnectionError(listener) },
                ctx.logger,
                'agent-store',
                ctx.clock
            );
        ctx.onClose(() => owned.close());
        agentStore = owned;
    }
    let botStore = given.botStore;
    if (!botStore) {
        const client = await redis();
        if (client) {
            const redisBotStore = new RedisBotStore(client);
            await redisBotStore.migrateLegacyKeys();
            botStore = redisBotStore;
        } else botStore = new MemoryBotStore(ctx.clock);
    }
    return { agentStore, botStore, redis };
}
