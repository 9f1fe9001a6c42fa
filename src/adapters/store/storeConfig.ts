import { parseEnv, redactUrl, type Env, type EnvReader } from '../../kit/env';
import { Secret } from '../../kit/Secret';
import { keyPrefixProblem } from '../redis/keys';

/** The Redis settings of {@link StoreConfig}: every Redis client of the app (agent store, bot data, sync queue) uses them. */
export interface RedisStoreConfig {
    kind: 'redis';
    /** `REDIS_URL`: `redis://` or `rediss://`; may hold a password: serialises without it. */
    url: Secret;
    /** `REDIS_KEY_PREFIX`: prepended to every key of every part; should name the environment. @default 'adb:' */
    keyPrefix: string;
    /** `REDIS_SHARD_COUNT`: hash-tag shards of the agent store; never change it on a live data set. @default 16 */
    shardCount: number;
    /** `STORE_LOG_MAX_LEN`: approximate cap of each shard's episode-log stream. @default 200000 */
    logMaxLen: number;
    /** `STORE_OUTBOX_KEY_TTL_MS`: how long an outbox key is remembered against re-enqueueing, ms. @default 604800000 */
    outboxKeyTtlMs: number;
}

/** Where the app keeps its state, read from the environment by {@link readStoreConfig}. */
export type StoreConfig =
    | {
          /** No `REDIS_URL`: the embedded in-memory stores (one instance only, lost on restart). */
          kind: 'memory';
          /** `STORE_LOG_MAX_LEN`: most episode-log entries kept. @default 1000000 */
          logMaxLen: number;
          /** `STORE_OUTBOX_KEY_TTL_MS`: how long an outbox key is remembered against re-enqueueing, ms. @default 604800000 */
          outboxKeyTtlMs: number;
      }
    | RedisStoreConfig;

/** The store defaults: the one place they are declared (both agent state stores fall back to them too). */
export const STORE_DEFAULTS = Object.freeze({
    keyPrefix: 'adb:',
    shardCount: 16,
    /** Episode-log cap per shard of the Redis store. */
    redisLogMaxLen: 200_000,
    /** Episode-log cap of the memory store. */
    memoryLogMaxLen: 1_000_000,
    outboxKeyTtlMs: 7 * 24 * 3_600_000
});

/**
 * Reads the store settings: `REDIS_URL` (unset = memory), `REDIS_KEY_PREFIX`, `REDIS_SHARD_COUNT`, `STORE_LOG_MAX_LEN`,
 * `STORE_OUTBOX_KEY_TTL_MS`; problems go to `env`. The only reader of `REDIS_*`. With `redisRequired` (production)
 * an unset `REDIS_URL` is a problem.
 */
export function readStoreConfig(env: EnvReader, options: { redisRequired?: boolean } = {}): StoreConfig {
    const d = STORE_DEFAULTS;
    const url = env.secret('REDIS_URL', {
        pattern: /^rediss?:\/\/\S+$/,
        form: 'redis://[:password@]host:port[/db] or rediss://...',
        shown: redactUrl
    });
    const outboxKeyTtlMs = env.duration('STORE_OUTBOX_KEY_TTL_MS', d.outboxKeyTtlMs, { min: 60_000 });
    if (!env.isSet('REDIS_URL')) {
        if (options.redisRequired)
            env.problem('REDIS_URL is required in production (the in-memory store is for sandbox/test only)');
        const logMaxLen = env.integer('STORE_LOG_MAX_LEN', d.memoryLogMaxLen, { min: 1 });
        return Object.freeze({ kind: 'memory', logMaxLen, outboxKeyTtlMs });
    }
    const keyPrefix = env.text('REDIS_KEY_PREFIX', d.keyPrefix);
    const prefixProblem = keyPrefixProblem(keyPrefix);
    if (prefixProblem) env.problem(`REDIS_KEY_PREFIX: ${prefixProblem} (got "${keyPrefix}")`);
    return Object.freeze({
        kind: 'redis',
        url: url ?? new Secret(''),
        keyPrefix,
        shardCount: env.integer('REDIS_SHARD_COUNT', d.shardCount, { min: 1, max: 16_384 }),
        logMaxLen: env.integer('STORE_LOG_MAX_LEN', d.redisLogMaxLen, { min: 1 }),
        outboxKeyTtlMs
    });
}

/** The store settings of `env` (Redis optional), or one `ConfigError` listing every problem. */
export function parseStoreConfig(env: Env): StoreConfig {
    return parseEnv(env, readStoreConfig);
}
