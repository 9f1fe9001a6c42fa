import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

/** Redis used by the tests: `REDIS_URL` or the local default. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or run) uses. */
export function uniquePrefix(label = 't'): string {
    return `test:${label}:${process.pid}:${randomUUID().slice(0, 8)}:`;
}

/** A new connection to the test Redis (the caller closes it). */
export function connectRedis(): Redis {
    return new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
}

/** Every key under `prefix` (SCAN, never KEYS). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const found: string[] = [];
    let cursor = '0';
    do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        found.push(...keys);
    } while (cursor !== '0');
    return [...new Set(found)];
}

/** Deletes every key under `prefix` (SCAN + DEL); never FLUSHALL/FLUSHDB. Uses its own connection when none is given. */
export async function cleanup(prefix: string, redis?: Redis): Promise<number> {
    const client = redis ?? connectRedis();
    try {
        const keys = await keysUnder(client, prefix);
        for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
        return keys.length;
    } finally {
        if (!redis) client.disconnect();
    }
}
