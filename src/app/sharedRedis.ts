import Redis from 'ioredis';
import type { StoreConfig } from '../adapters/store/storeConfig';

/**
 * The Redis connection of the bot data and the sync queue, built from the store configuration: the URL and
 * `REDIS_KEY_PREFIX` the agent store uses (it builds its own client from the same settings), the prefix applied by
 * the client to every key. Returns a getter that connects on first use (once) and yields `undefined` when the store is
 * in memory; `opened` gets the client to close it.
 */
export function sharedRedis(store: StoreConfig, opened: (client: Redis) => void): () => Promise<Redis | undefined> {
    let connected: Promise<Redis> | undefined;
    return async () => {
        if (store.kind !== 'redis') return undefined;
        connected ??= (async () => {
            const client = new Redis(store.url.reveal(), {
                keyPrefix: store.keyPrefix,
                lazyConnect: true,
                maxRetriesPerRequest: 3
            });
            opened(client);
            await client.connect();
            return client;
        })();
        return connected;
    };
}
