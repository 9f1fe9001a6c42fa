import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { assertRedisVersion } from '../../adapters/redis/ShardedRedis';
import type { StoreConfig } from '../../adapters/store/storeConfig';
import { redactUrl } from '../../kit/env';
import { result, type CheckResult } from './doctorTypes';

const TITLE = 'Redis reachable, version 7 or later, key prefix writable';

/** Redis answers, is recent enough, and takes a write under the configured key prefix (removed at once). */
export async function redisCheck(store: StoreConfig, options: { timeoutMs: number }): Promise<CheckResult> {
    if (store.kind !== 'redis')
        return result('redis', TITLE, 'skip', 'REDIS_URL is unset: state in memory (sandbox and tests only)');
    const where = redactUrl(store.url.reveal());
    const client = new Redis(store.url.reveal(), {
        keyPrefix: store.keyPrefix,
        lazyConnect: true,
        connectTimeout: options.timeoutMs,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableOfflineQueue: false
    });
    client.on('error', () => undefined);
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
        const info = await client.info('server');
        const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
        try {
            assertRedisVersion(info);
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
