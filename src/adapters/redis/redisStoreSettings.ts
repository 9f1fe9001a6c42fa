import { STORE_DEFAULTS } from '../store/storeConfig';
import { StoreError } from '../store/StoreError';
import { keyPrefixProblem } from './keys';

/** Settings of the Redis store (all optional). */
export interface RedisStoreSettings {
    /** Prepended to every key; should name the environment, e.g. `adb:prod:`. No braces. @default 'adb:' */
    keyPrefix?: string;
    /** Number of shards (hash-tag slots) agents are spread over. Never change it on a live data set. @default 16 */
    shardCount?: number;
    /** Approximate cap of the episode-log stream of each shard (XADD MAXLEN ~). @default 200000 */
    logMaxLen?: number;
    /** How long an enqueued outbox key is remembered so it is never enqueued twice, ms. @default 604800000 (7 days) */
    outboxKeyTtlMs?: number;
    /** HSCAN COUNT of `loadAll` pages and XRANGE COUNT of `readLog` pages. @default 1000 */
    pageSize?: number;
}

/** Options of `createRedisStore`: a Redis URL plus the settings. */
export interface RedisStoreOptions extends RedisStoreSettings {
    /** `redis://[:password@]host:port[/db]`; may hold a secret, never logged. */
    url: string;
}

const DEFAULTS: Required<RedisStoreSettings> = {
    keyPrefix: STORE_DEFAULTS.keyPrefix,
    shardCount: STORE_DEFAULTS.shardCount,
    logMaxLen: STORE_DEFAULTS.redisLogMaxLen,
    outboxKeyTtlMs: STORE_DEFAULTS.outboxKeyTtlMs,
    pageSize: 1000
};

/**
 * The settings in force: the given ones over the defaults, frozen. Throws one `STORE_INVALID_ARGUMENT` listing every
 * bad setting (and a `url` that is not `redis://` or `rediss://`, when one is given).
 */
export function resolveRedisStoreSettings(
    options: RedisStoreSettings & { url?: string },
    expectsUrl: boolean
): Readonly<Required<RedisStoreSettings>> {
    const merged = { ...DEFAULTS, ...definedSettings(options) };
    const problems: string[] = [];
    const prefixProblem = keyPrefixProblem(merged.keyPrefix);
    if (prefixProblem) problems.push(prefixProblem);
    for (const [name, min] of [
        ['shardCount', 1],
        ['logMaxLen', 1],
        ['outboxKeyTtlMs', 1],
        ['pageSize', 1]
    ] as const) {
        const value = merged[name];
        if (!Number.isSafeInteger(value) || value < min) problems.push(`${name} must be an integer >= ${min}`);
    }
    if (expectsUrl && (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url))) {
        problems.push('url must start with redis:// or rediss://');
    }
    if (problems.length > 0) {
        throw new StoreError('STORE_INVALID_ARGUMENT', `RedisAgentStateStore: ${problems.join('; ')}`);
    }
    return Object.freeze(merged);
}

/** The given settings without the URL and without undefined fields (so defaults apply). */
function definedSettings(options: RedisStoreSettings & { url?: string }): RedisStoreSettings {
    const out: Record<string, unknown> = {};
    for (const key of ['keyPrefix', 'shardCount', 'logMaxLen', 'outboxKeyTtlMs', 'pageSize'] as const) {
        if (options[key] !== undefined) out[key] = options[key];
    }
    return out as RedisStoreSettings;
}
