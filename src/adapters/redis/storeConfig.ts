import { ConfigError } from '../../engine/engineConfig';
import { keyPrefixProblem } from './keys';

/** Which `AgentStateStore` to build, parsed from the environment by {@link parseStoreConfig}. */
export type StoreConfig =
    | {
          /** No `REDIS_URL`: the embedded in-memory store (one instance only, lost on restart). */
          kind: 'memory';
          /** `STORE_LOG_MAX_LEN`: most episode-log entries kept. @default 1000000 */
          logMaxLen: number;
          /** `STORE_OUTBOX_KEY_TTL_MS`: how long an outbox key is remembered against re-enqueueing, ms. @default 604800000 */
          outboxKeyTtlMs: number;
      }
    | {
          kind: 'redis';
          /** `REDIS_URL`: `redis://` or `rediss://`; may hold a password, never serialised. */
          url: string;
          /** `REDIS_KEY_PREFIX`: prepended to every key, should name the environment. @default 'adb:' */
          keyPrefix: string;
          /** `REDIS_SHARD_COUNT`: hash-tag shards; never change it on a live data set. @default 16 */
          shardCount: number;
          /** `STORE_LOG_MAX_LEN`: approximate cap of each shard's episode-log stream. @default 200000 */
          logMaxLen: number;
          /** `STORE_OUTBOX_KEY_TTL_MS`: how long an outbox key is remembered against re-enqueueing, ms. @default 604800000 */
          outboxKeyTtlMs: number;
      };

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, problems: string[]): number {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min) {
        problems.push(`${name} must be a whole number >= ${min} (got "${raw}")`);
        return fallback;
    }
    return value;
}

/**
 * Redacts the credentials of a Redis URL for messages: everything between `//` and the LAST `@` (a password may hold
 * `@` or `/` unencoded; hiding too much of a path is better than showing part of a password).
 */
export function redactUrl(url: string): string {
    return url.replace(/\/\/.*@/s, '//***@');
}

/**
 * Parses the store settings: `REDIS_URL` (absent = memory), `REDIS_KEY_PREFIX`, `REDIS_SHARD_COUNT`,
 * `STORE_LOG_MAX_LEN`, `STORE_OUTBOX_KEY_TTL_MS`. Returns a frozen config or throws one `ConfigError` listing
 * every problem. Pure: the caller passes the environment.
 */
export function parseStoreConfig(env: Env): StoreConfig {
    const problems: string[] = [];
    const url = env.REDIS_URL?.trim();
    const outboxKeyTtlMs = integer(env, 'STORE_OUTBOX_KEY_TTL_MS', 7 * 24 * 3_600_000, 60_000, problems);
    if (!url) {
        const logMaxLen = integer(env, 'STORE_LOG_MAX_LEN', 1_000_000, 1, problems);
        if (problems.length > 0) throw new ConfigError(problems);
        return Object.freeze({ kind: 'memory', logMaxLen, outboxKeyTtlMs });
    }
    if (!/^rediss?:\/\/[^\s]+$/.test(url)) {
        problems.push(`REDIS_URL must be redis://[:password@]host:port[/db] or rediss://... (got "${redactUrl(url)}")`);
    }
    const keyPrefix = env.REDIS_KEY_PREFIX ?? 'adb:';
    const prefixProblem = keyPrefixProblem(keyPrefix);
    if (prefixProblem) problems.push(`REDIS_KEY_PREFIX: ${prefixProblem}`);
    const shardCount = integer(env, 'REDIS_SHARD_COUNT', 16, 1, problems);
    if (shardCount > 16384) problems.push(`REDIS_SHARD_COUNT must be <= 16384 (got ${shardCount})`);
    const logMaxLen = integer(env, 'STORE_LOG_MAX_LEN', 200_000, 1, problems);
    if (problems.length > 0) throw new ConfigError(problems);
    const config = { kind: 'redis' as const, url, keyPrefix, shardCount, logMaxLen, outboxKeyTtlMs };
    Object.defineProperty(config, 'toJSON', {
        enumerable: false,
        value: () => ({ ...config, url: redactUrl(url) })
    });
    return Object.freeze(config);
}
