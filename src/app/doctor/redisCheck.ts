import { randomUUID } from 'node:crypto';
import { assertRedisVersion, serverInfos } from '../../adapters/redis/ShardedRedis';
import { createRedisClient } from '../../adapters/redis/createRedisClient';
import type { StoreConfig } from '../../adapters/store/storeConfig';
import { redactUrl } from '../../kit/env';
import { result, type CheckResult } from './doctorTypes';

const TITLE = 'Redis reachable, version 7 or later, key prefix writable';

/** Redis answers, is recent enough, and takes a write under the configured key prefix (removed at once). */
export async function redisCheck(store: StoreConfig, options: { timeoutMs: number }): Promise<CheckResult> {
    if (store.kind !== 'redis')
        return result('redis', TITLE, 'skip', 'REDIS_URL is unset: state in memory (sandbox and tests only)');
    const where = redactUrl(store.url.reveal());
    const client = createRedisClient(store, {
        keyPrefix: store.keyPrefix,
        connectTimeout: options.timeoutMs,
        maxRetriesPerRequest: 0,
        reconnect: false,
        enableOfflineQueue: false,
        onError: () => undefined
    });
    try {
        try {
            await client.connect();
        } catch (error) {
            return result(
                'redis',
                TITLE,
                'fail',
                `cannot connect to ${where}: ${(error as Error).message}`,
                `REDIS_URL: ${where} must be reachable from this host (host, port, TLS with rediss://, password)`
            );
        }
        const infos = await serverInfos(client);
        const version = [...new Set(infos.map((info) => /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown'))].join(
            ', '
        );
        try {
            infos.forEach(assertRedisVersion);
        } catch (error) {
            return result('redis', TITLE, 'fail', `${(error as Error).message} (${where})`, 'use Redis 7.0 or later');
        }
        const key = `doctor:probe:${randomUUID()}`;
        try {
            await client.set(key, '1', 'PX', 10_000);
            const back = await client.get(key);
            await client.del(key);
            if (back !== '1') throw new Error('the value written was not read back');
        } catch (error) {
            return result(
                'redis',
                TITLE,
                'fail',
                `cannot write under "${store.keyPrefix}": ${(error as Error).message}`,
                `the Redis user needs read and write access to keys under REDIS_KEY_PREFIX (${store.keyPrefix})`
            );
        }
        return result('redis', TITLE, 'pass', `Redis ${version} at ${where}, "${store.keyPrefix}" writable`);
    } finally {
        client.disconnect();
    }
}
