import { parseEnv, redactUrl, type Env, type EnvReader } from '../../kit/env';
import { Secret } from '../../kit/Secret';
import { keyPrefixProblem } from '../redis/keys';

/** The Redis settings of {@link StoreConfig}: every Redis client of the app (agent store, bot data, sync queue) uses them. */
export interface RedisStoreConfig {
    kind: 'redis';
    /**
     * `REDIS_URL`: `redis://` or `rediss://` (one server), or `redis+cluster://` / `rediss+cluster://` (a Redis
     * Cluster, see {@link RedisClusterConfig}); may hold a password: serialises without it.
     */
    url: Secret;
    /** Set when `REDIS_URL` names a Redis Cluster: its seed nodes and credentials, parsed from the URL. */
    cluster?: RedisClusterConfig;
    /** `REDIS_KEY_PREFIX`: prepended to every key of every part; should name the environment. @default 'adb:' */
    keyPrefix: string;
    /** `REDIS_SHARD_COUNT`: hash-tag shards of the agent store; never change it on a live data set. @default 16 */
    shardCount: number;
    /** `STORE_LOG_MAX_LEN`: approximate cap of each shard's episode-log stream. @default 200000 */
    logMaxLen: number;
    /** `STORE_OUTBOX_KEY_TTL_MS`: how long an outbox key is remembered against re-enqueueing, ms. @default 604800000 */
    outboxKeyTtlMs: number;
}

/**
 * A Redis Cluster named by `REDIS_URL=redis+cluster://[[user]:password@]host:port[,host:port…]` (`rediss+cluster://`
 * for TLS): a few seed nodes (the client discovers the rest), one user and password for every node, database 0 only.
 */
export interface RedisClusterConfig {
    nodes: ReadonlyArray<{ host: string; port: number }>;
    tls: boolean;
    username?: string;
    password?: Secret;
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
        pattern: /^rediss?(\+cluster)?:\/\/\S+$/,
        form:
            'redis://[:password@]host:port[/db], rediss://..., or for a Redis Cluster ' +
            'redis+cluster://[:password@]host:port,host:port… (rediss+cluster:// for TLS)',
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
    const cluster = url && CLUSTER_SCHEME.test(url.reveal()) ? readClusterUrl(env, url.reveal()) : undefined;
    return Object.freeze({
        kind: 'redis',
        url: url ?? new Secret(''),
        ...(cluster ? { cluster } : {}),
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

const CLUSTER_SCHEME = /^rediss?\+cluster:\/\//;

/**
 * The nodes and credentials of a `redis+cluster://` URL: credentials before the last `@` (`user:password`, URL-encoded
 * as in `redis://`), then comma-separated `host:port` seeds (`[v6]:port` for IPv6). Problems go to `env`, without the
 * password.
 */
function readClusterUrl(env: EnvReader, url: string): RedisClusterConfig | undefined {
    const tls = url.startsWith('rediss+');
    const rest = url.slice(url.indexOf('://') + 3);
    const at = rest.lastIndexOf('@');
    const [credentials, hosts] = at < 0 ? ['', rest] : [rest.slice(0, at), rest.slice(at + 1)];
    const nodes: Array<{ host: string; port: number }> = [];
    const bad: string[] = [];
    for (const item of hosts.split(',').map((h) => h.trim())) {
        const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(item);
        const port = Number(match?.[2]);
        if (!match || port < 1 || port > 65_535) bad.push(item);
        else nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
    }
    if (bad.length > 0 || nodes.length === 0) {
        env.problem(
            `REDIS_URL: a Redis Cluster URL lists its nodes as host:port,host:port… (no database, no path); ` +
                `got "${redactUrl(url)}"`
        );
        return undefined;
    }
    const colon = credentials.indexOf(':');
    let username: string;
    let password: string;
    try {
        username = decodeURIComponent(colon < 0 ? credentials : credentials.slice(0, colon));
        password = colon < 0 ? '' : decodeURIComponent(credentials.slice(colon + 1));
    } catch {
        env.problem('REDIS_URL: the user or password of the Redis Cluster URL is not valid URL encoding');
        return undefined;
    }
    return Object.freeze({
        nodes: Object.freeze(nodes),
        tls,
        ...(username ? { username } : {}),
        ...(password ? { password: new Secret(password) } : {})
    });
}
