import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique key prefix per test (no braces: the Redis store uses hash tags). */
export function uniquePrefix(name: string): string {
    return `test:${name}:${randomBytes(6).toString('hex')}:`;
}

/** Delete every key under `prefix` with SCAN + DEL (never FLUSHALL/FLUSHDB). */
export async function cleanPrefix(prefix: string): Promise<void> {
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    try {
        let cursor = '0';
        do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
            cursor = next;
            if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
    } finally {
        redis.disconnect();
    }
}
