import { createRedisClient, type RedisClient } from '../adapters/redis/createRedisClient';
import type { StoreConfig } from '../adapters/store/storeConfig';

/**
 * The Redis connection of the bot data and the sync queue, built from the store configuration: the URL (a server or a
 * Redis Cluster) and `REDIS_KEY_PREFIX` the agent store uses (it builds its own client from the same settings), the
 * prefix applied by the client to every key. Returns a getter that connects on first use (once) and yields `undefined`
 * when the store is in memory; `opened` gets the client to close it.
 */
export function sharedRedis(
    store: StoreConfig,
    opened: (client: RedisClient) => void
): () => Promise<RedisClient | undefined> {
    let connected: Promise<RedisClient> | undefined;
    return async () => {
        if (store.kind !== 'redis') return undefined;
        connected ??= (async () => {
            const client = createRedisClient(store, { keyPrefix: store.keyPrefix, maxRetriesPerRequest: 3 });
            opened(client);
            await client.connect();
            return client;
        })();
        return connected;
    };
}
