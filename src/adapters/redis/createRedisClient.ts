import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisStoreConfig } from '../store/storeConfig';

/** A connection to the configured Redis: one server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** How a client behaves; every field optional. */
export interface RedisClientOptions {
    /** Put by the client in front of every key (ioredis `keyPrefix`). */
    keyPrefix?: string;
    /** ioredis `maxRetriesPerRequest` (per node on a Cluster). @default ioredis' default (20) */
    maxRetriesPerRequest?: number | null;
    /** ioredis `connectTimeout`, ms. */
    connectTimeout?: number;
    /** Keep reconnecting (`true`, ioredis' default backoff) or give up after the first failure (`false`). @default true */
    reconnect?: boolean;
    /** ioredis `enableOfflineQueue`. @default true */
    enableOfflineQueue?: boolean;
    /** Gets every connection error of the client (ioredis emits them as 'error' events; unhandled they would throw). */
    onError?: (error: Error) => void;
}

/**
 * The ONE place Redis clients of the app are built from the store configuration: a standalone `Redis` for
 * `redis://` / `rediss://`, an ioredis `Cluster` on the seed nodes for `redis+cluster://` / `rediss+cluster://`.
 * Always `lazyConnect`: nothing connects before the first command (or `connect()`).
 */
export function createRedisClient(config: RedisStoreConfig, options: RedisClientOptions = {}): RedisClient {
    const common: RedisOptions = {
        lazyConnect: true,
        ...(options.maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest: options.maxRetriesPerRequest } : {}),
        ...(options.connectTimeout !== undefined ? { connectTimeout: options.connectTimeout } : {}),
        ...(options.enableOfflineQueue !== undefined ? { enableOfflineQueue: options.enableOfflineQueue } : {}),
        ...(options.reconnect === false ? { retryStrategy: () => null } : {})
    };
    let client: RedisClient;
    const cluster = config.cluster;
    if (cluster) {
        const clusterOptions: ClusterOptions = {
            lazyConnect: true,
            ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
            ...(options.enableOfflineQueue !== undefined ? { enableOfflineQueue: options.enableOfflineQueue } : {}),
            ...(options.reconnect === false ? { clusterRetryStrategy: () => null } : {}),
            redisOptions: {
                ...common,
                ...(cluster.username !== undefined ? { username: cluster.username } : {}),
                ...(cluster.password !== undefined ? { password: cluster.password.reveal() } : {}),
                ...(cluster.tls ? { tls: {} } : {})
            }
        };
        client = new Cluster(
            cluster.nodes.map((n) => ({ ...n })),
            clusterOptions
        );
    } else {
        client = new Redis(config.url.reveal(), {
            ...common,
            ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {})
        });
    }
    if (options.onError) client.on('error', options.onError);
    return client;
}

/** Whether the client talks to a Redis Cluster. */
export function isCluster(client: RedisClient): client is Cluster {
    return client.isCluster;
}

/** Whether `value` is an ioredis client (standalone or Cluster). */
export function isRedisClient(value: unknown): value is RedisClient {
    return value instanceof Redis || value instanceof Cluster;
}

/** Closes a client: QUIT when connected (pending replies first), else drops it at once. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
    if (client.status === 'wait' || client.status === 'end') client.disconnect();
    else
        await client.quit().then(
            () => undefined,
            () => client.disconnect()
        );
}
