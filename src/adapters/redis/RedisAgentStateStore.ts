import Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { AgentRecord, EpisodeLogEntry, Notification } from '../../domain/adherence/types';
import type {
    AgentStateStore,
    CommitResult,
    ExclusionOverrides,
    LogQuery,
    OutboxEntry,
    StateChange
} from '../../engine/ports';
import { StoreError, isStoreError } from '../memory/StoreError';
import { assertEpochMs, assertIds, assertInteger, validateChanges } from '../memory/validateStoreInput';
import { exclusionsKey, inclusionsKey, keyPrefixProblem, shardKeys, shardOf } from './keys';
import type { ShardKeys } from './keys';
import { CLAIM_LUA, COMMIT_LUA, RETRY_LUA } from './luaScripts';
import { STORE_DEFAULTS } from './storeConfig';

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

/** Most outbox keys whose shard is remembered from `dueOutbox` so ack/retry touch one shard. */
const SHARD_HINT_LIMIT = 50_000;

type Arg = string | number;
interface StoreCommands {
    adbCommit(...args: Arg[]): Promise<number[]>;
    adbClaim(...args: Arg[]): Promise<string[]>;
    adbRetry(...args: Arg[]): Promise<number>;
}
type StorePipeline = ChainableCommander & {
    adbCommit(...args: Arg[]): StorePipeline;
    adbClaim(...args: Arg[]): StorePipeline;
    adbRetry(...args: Arg[]): StorePipeline;
};
type PipelineResult = Array<[Error | null, unknown]> | null;

/**
 * `AgentStateStore` on Redis, safe for several bot instances sharing one Redis: per-agent CAS in Lua,
 * leased deadline claims, a de-duplicated outbox and a time-ordered episode-log stream per shard.
 * Key layout: see `keys.ts`. One `commit()` call is one pipeline round trip.
 *
 * Takes a standalone ioredis client (created by the caller, ideally with `lazyConnect`; the caller closes it)
 * or builds its own from `createRedisStore({ url })` (closed by `close()`).
 */
export class RedisAgentStateStore implements AgentStateStore {
    private readonly redis: Redis & StoreCommands;
    private readonly ownsClient: boolean;
    private readonly settings: Readonly<Required<RedisStoreSettings>>;
    private readonly shards: ShardKeys[];
    private readonly outboxShardHint = new Map<string, number>();
    private closed = false;
    /** Once per connection: the server must run Redis 7 or newer (the commit script's XADD `<ms>-*` ids). */
    private serverChecked: Promise<void> | undefined;

    constructor(client: Redis, settings?: RedisStoreSettings);
    constructor(options: RedisStoreOptions);
    constructor(clientOrOptions: Redis | RedisStoreOptions, settings: RedisStoreSettings = {}) {
        const isClient = clientOrOptions instanceof Redis;
        const merged = { ...DEFAULTS, ...definedSettings(isClient ? settings : clientOrOptions) };
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
        if (!isClient && (typeof clientOrOptions.url !== 'string' || !/^rediss?:\/\//.test(clientOrOptions.url))) {
            problems.push('url must start with redis:// or rediss://');
        }
        if (problems.length > 0) {
            throw new StoreError('STORE_INVALID_ARGUMENT', `RedisAgentStateStore: ${problems.join('; ')}`);
        }
        this.settings = Object.freeze(merged);
        this.ownsClient = !isClient;
        const redis = isClient ? clientOrOptions : new Redis(clientOrOptions.url, { lazyConnect: true });
        redis.defineCommand('adbCommit', { numberOfKeys: 9, lua: COMMIT_LUA });
        redis.defineCommand('adbClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
        redis.defineCommand('adbRetry', { numberOfKeys: 3, lua: RETRY_LUA });
        this.redis = redis as Redis & StoreCommands;
        this.shards = Array.from({ length: this.settings.shardCount }, (_, n) => shardKeys(this.settings.keyPrefix, n));
    }

    /** The settings in force; never includes the URL. */
    toJSON(): Readonly<Required<RedisStoreSettings>> {
        return this.settings;
    }

    /** Shard of an agent (exposed for tests and diagnostics). */
    shardOf(userId: string): number {
        return shardOf(userId, this.settings.shardCount);
    }

    async getMany(userIds: readonly string[]): Promise<Map<string, AgentRecord>> {
        this.assertOpen();
        assertIds('getMany', 'userIds', userIds);
        const out = new Map<string, AgentRecord>();
        if (userIds.length === 0) return out;
        const groups = this.groupByShard(userIds);
        const pipe = this.redis.pipeline();
        for (const [shard, ids] of groups) pipe.hmget(this.shards[shard].records, ...ids);
        const results = await this.exec('getMany', pipe);
        let g = 0;
        for (const [, ids] of groups) {
            const values = results[g++] as Array<string | null>;
            ids.forEach((id, i) => {
                const raw = values[i];
                if (raw !== null) out.set(id, parseJson<AgentRecord>(raw, `record of ${id}`));
            });
        }
        return out;
    }

    async loadAll(onPage: (records: AgentRecord[]) => void): Promise<void> {
        this.assertOpen();
        await this.checkServer();
        await Promise.all(
            this.shards.map(async (keys) => {
                const seen = new Set<string>();
                let cursor = '0';
                do {
                    const [next, flat] = await this.call('loadAll', () =>
                        this.redis.hscan(keys.records, cursor, 'COUNT', this.settings.pageSize)
                    );
                    cursor = next;
                    const page: AgentRecord[] = [];
                    for (let i = 0; i < flat.length; i += 2) {
                        if (seen.has(flat[i])) continue;
                        seen.add(flat[i]);
                        page.push(parseJson<AgentRecord>(flat[i + 1], `record of ${flat[i]}`));
                    }
                    if (page.length > 0) onPage(page);
                } while (cursor !== '0');
            })
        );
    }

    async commit(changes: readonly StateChange[]): Promise<CommitResult[]> {
        this.assertOpen();
        validateChanges(changes);
        if (changes.length === 0) return [];
        await this.checkServer();
        // One script call per shard: each change inside it is still its own compare-and-set.
        const byShard = new Map<number, number[]>();
        changes.forEach((change, i) => {
            const shard = this.shardOf(change.userId);
            const list = byShard.get(shard);
            if (list) list.push(i);
            else byShard.set(shard, [i]);
        });
        const pipe = this.redis.pipeline() as StorePipeline;
        const order: number[][] = [];
        for (const [shard, indexes] of byShard) {
            const k = this.shards[shard];
            const args: Arg[] = [
                k.records,
                k.versions,
                k.deadlines,
                k.log,
                k.logMeta,
                k.outbox,
                k.outboxDue,
                k.outboxAttempts,
                k.outboxSeen,
                this.settings.logMaxLen,
                this.settings.outboxKeyTtlMs,
                indexes.length
            ];
            for (const i of indexes) {
                const change = changes[i];
                args.push(
                    change.userId,
                    change.expectedVersion,
                    JSON.stringify(change.record),
                    change.dueAt === null ? '' : change.dueAt,
                    change.log.length
                );
                for (const entry of change.log) args.push(entry.at, entry.managementUnitId, JSON.stringify(entry));
                args.push(change.outbox.length);
                for (const n of change.outbox) {
                    args.push(n.key, n.at, JSON.stringify({ notification: n, enqueuedAt: n.at }));
                }
            }
            pipe.adbCommit(...args);
            order.push(indexes);
        }
        const replies = (await this.exec('commit', pipe)) as unknown as number[][];
        const applied = new Array<boolean>(changes.length);
        order.forEach((indexes, call) => indexes.forEach((i, c) => (applied[i] = replies[call][c] === 1)));
        return changes.map((change, i) =>
            applied[i]
                ? { userId: change.userId, ok: true }
                : { userId: change.userId, ok: false, reason: 'version-conflict' }
        );
    }

    async claimDeadlines(userIds: readonly string[], now: number, leaseMs: number): Promise<string[]> {
        this.assertOpen();
        assertIds('claimDeadlines', 'userIds', userIds);
        assertEpochMs('claimDeadlines', 'now', now);
        assertInteger('claimDeadlines', 'leaseMs', leaseMs, 1);
        if (userIds.length === 0) return [];
        return this.claim('claimDeadlines', this.groupByShard([...new Set(userIds)]), now, now + leaseMs);
    }

    async claimOverdue(dueBefore: number, now: number, leaseMs: number, limit: number): Promise<string[]> {
        this.assertOpen();
        assertEpochMs('claimOverdue', 'dueBefore', dueBefore);
        assertEpochMs('claimOverdue', 'now', now);
        assertInteger('claimOverdue', 'leaseMs', leaseMs, 1);
        assertInteger('claimOverdue', 'limit', limit, 0);
        if (limit === 0) return [];
        const bound = Math.min(dueBefore, now);
        const pipe = this.redis.pipeline();
        for (const k of this.shards) pipe.zrangebyscore(k.deadlines, '-inf', bound, 'WITHSCORES', 'LIMIT', 0, limit);
        const results = await this.exec('claimOverdue', pipe);
        const candidates: Array<{ userId: string; dueAt: number; shard: number }> = [];
        results.forEach((flat, shard) => {
            const list = flat as string[];
            for (let i = 0; i < list.length; i += 2)
                candidates.push({ userId: list[i], dueAt: Number(list[i + 1]), shard });
        });
        candidates.sort((a, b) => a.dueAt - b.dueAt || (a.userId < b.userId ? -1 : 1));
        const groups = new Map<number, string[]>();
        for (const c of candidates.slice(0, limit)) {
            const ids = groups.get(c.shard);
            if (ids) ids.push(c.userId);
            else groups.set(c.shard, [c.userId]);
        }
        if (groups.size === 0) return [];
        return this.claim('claimOverdue', groups, bound, now + leaseMs);
    }

    async listDeadlines(): Promise<Array<{ userId: string; dueAt: number }>> {
        this.assertOpen();
        const pipe = this.redis.pipeline();
        for (const k of this.shards) pipe.zrange(k.deadlines, '0', '-1', 'WITHSCORES');
        const results = await this.exec('listDeadlines', pipe);
        const out: Array<{ userId: string; dueAt: number }> = [];
        for (const flat of results as string[][]) {
            for (let i = 0; i < flat.length; i += 2) out.push({ userId: flat[i], dueAt: Number(flat[i + 1]) });
        }
        return out;
    }

    async getExclusions(): Promise<ExclusionOverrides> {
        this.assertOpen();
        const prefix = this.settings.keyPrefix;
        const [excluded, included] = await this.call('getExclusions', () =>
            Promise.all([this.redis.smembers(exclusionsKey(prefix)), this.redis.smembers(inclusionsKey(prefix))])
        );
        return { excluded: excluded.sort(), included: included.sort() };
    }

    async setExclusion(category: string, excluded: boolean): Promise<void> {
        this.assertOpen();
        if (typeof category !== 'string' || category.length === 0) {
            throw new StoreError('STORE_INVALID_ARGUMENT', 'setExclusion: category must be a non-empty string');
        }
        const [add, remove] = excluded
            ? [exclusionsKey(this.settings.keyPrefix), inclusionsKey(this.settings.keyPrefix)]
            : [inclusionsKey(this.settings.keyPrefix), exclusionsKey(this.settings.keyPrefix)];
        await this.call('setExclusion', () => this.redis.multi().sadd(add, category).srem(remove, category).exec());
    }

    async readLog(query: LogQuery): Promise<EpisodeLogEntry[]> {
        this.assertOpen();
        assertEpochMs('readLog', 'fromAt', query?.fromAt);
        assertEpochMs('readLog', 'toAt', query.toAt);
        const { fromAt, toAt, managementUnitId } = query;
        if (toAt <= fromAt) return [];
        const metaPipe = this.redis.pipeline();
        for (const k of this.shards) metaPipe.hget(k.logMeta, 'maxLag');
        const lags = (await this.exec('readLog', metaPipe)).map((v) => Number(v ?? 0));
        const perShard = await Promise.all(
            this.shards.map(async (k, shard) => {
                // Stream ids are max(entry.at, previous id): an entry's id is >= its `at`, and at most `maxLag` later.
                const end = String(toAt - 1 + lags[shard]);
                const entries: EpisodeLogEntry[] = [];
                let start = String(fromAt);
                for (;;) {
                    const page = await this.call('readLog', () =>
                        this.redis.xrange(k.log, start, end, 'COUNT', this.settings.pageSize)
                    );
                    for (const [, fields] of page) {
                        const f = fieldMap(fields);
                        const at = Number(f.at);
                        if (at < fromAt || at >= toAt) continue;
                        if (managementUnitId !== undefined && f.mu !== managementUnitId) continue;
                        entries.push(parseJson<EpisodeLogEntry>(f.e ?? '', 'episode-log entry'));
                    }
                    if (page.length < this.settings.pageSize) break;
                    start = `(${page[page.length - 1][0]}`;
                }
                return entries;
            })
        );
        return perShard.flat().sort((a, b) => a.at - b.at);
    }

    async trimLog(beforeAt: number): Promise<number> {
        this.assertOpen();
        assertEpochMs('trimLog', 'beforeAt', beforeAt);
        const pipe = this.redis.pipeline();
        for (const k of this.shards) pipe.xtrim(k.log, 'MINID', String(beforeAt));
        const results = await this.exec('trimLog', pipe);
        return results.reduce<number>((sum, n) => sum + Number(n), 0);
    }

    async dueOutbox(now: number, limit: number): Promise<OutboxEntry[]> {
        this.assertOpen();
        assertEpochMs('dueOutbox', 'now', now);
        assertInteger('dueOutbox', 'limit', limit, 0);
        if (limit === 0) return [];
        const pipe = this.redis.pipeline();
        for (const k of this.shards) pipe.zrangebyscore(k.outboxDue, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
        const due: Array<{ key: string; notBefore: number; shard: number }> = [];
        (await this.exec('dueOutbox', pipe)).forEach((flat, shard) => {
            const list = flat as string[];
            for (let i = 0; i < list.length; i += 2) due.push({ key: list[i], notBefore: Number(list[i + 1]), shard });
        });
        if (due.length === 0) return [];
        const read = this.redis.pipeline();
        for (const d of due) {
            read.hget(this.shards[d.shard].outbox, d.key);
            read.hget(this.shards[d.shard].outboxAttempts, d.key);
        }
        const values = await this.exec('dueOutbox', read);
        const entries: OutboxEntry[] = [];
        due.forEach((d, i) => {
            const raw = values[2 * i] as string | null;
            if (raw === null) return;
            const body = parseJson<{ notification: Notification; enqueuedAt: number }>(raw, `outbox entry ${d.key}`);
            this.rememberShard(d.key, d.shard);
            entries.push({
                key: d.key,
                notification: body.notification,
                enqueuedAt: body.enqueuedAt,
                attempts: Number(values[2 * i + 1] ?? 0),
                notBefore: d.notBefore
            });
        });
        entries.sort((a, b) => a.notBefore - b.notBefore || a.enqueuedAt - b.enqueuedAt || (a.key < b.key ? -1 : 1));
        return entries.slice(0, limit);
    }

    async ackOutbox(key: string): Promise<void> {
        this.assertOpen();
        assertKey('ackOutbox', key);
        const pipe = this.redis.pipeline();
        for (const shard of this.shardsOfOutboxKey(key)) {
            const k = this.shards[shard];
            pipe.hdel(k.outbox, key).zrem(k.outboxDue, key).hdel(k.outboxAttempts, key);
        }
        await this.exec('ackOutbox', pipe);
        this.outboxShardHint.delete(key);
    }

    async retryOutbox(key: string, notBefore: number): Promise<void> {
        this.assertOpen();
        assertKey('retryOutbox', key);
        assertEpochMs('retryOutbox', 'notBefore', notBefore);
        const pipe = this.redis.pipeline() as StorePipeline;
        for (const shard of this.shardsOfOutboxKey(key)) {
            const k = this.shards[shard];
            pipe.adbRetry(k.outbox, k.outboxDue, k.outboxAttempts, key, notBefore);
        }
        await this.exec('retryOutbox', pipe);
    }

    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        if (!this.ownsClient) return;
        if (this.redis.status === 'wait' || this.redis.status === 'end') this.redis.disconnect();
        else await this.redis.quit().catch(() => this.redis.disconnect());
    }

    private checkServer(): Promise<void> {
        this.serverChecked ??= this.call('checkServer', () => this.redis.info('server')).then(
            (info) => assertRedisVersion(info),
            (error: unknown) => {
                this.serverChecked = undefined; // not reachable yet: ask again next time
                throw error;
            }
        );
        return this.serverChecked;
    }

    private async claim(
        method: string,
        groups: Map<number, string[]>,
        bound: number,
        leaseUntil: number
    ): Promise<string[]> {
        const pipe = this.redis.pipeline() as StorePipeline;
        for (const [shard, ids] of groups) pipe.adbClaim(this.shards[shard].deadlines, bound, leaseUntil, ...ids);
        return (await this.exec(method, pipe)).flatMap((ids) => ids as string[]);
    }

    private groupByShard(userIds: readonly string[]): Map<number, string[]> {
        const groups = new Map<number, string[]>();
        for (const id of userIds) {
            const shard = this.shardOf(id);
            const ids = groups.get(shard);
            if (ids) ids.push(id);
            else groups.set(shard, [id]);
        }
        return groups;
    }

    /** The shard remembered for an outbox key, or every shard (keys are not derived from the agent id). */
    private shardsOfOutboxKey(key: string): number[] {
        const hint = this.outboxShardHint.get(key);
        return hint === undefined ? this.shards.map((_, n) => n) : [hint];
    }

    private rememberShard(key: string, shard: number): void {
        if (this.outboxShardHint.size >= SHARD_HINT_LIMIT) this.outboxShardHint.clear();
        this.outboxShardHint.set(key, shard);
    }

    private async exec(method: string, pipe: ChainableCommander): Promise<unknown[]> {
        const results = (await this.call(method, () => pipe.exec())) as PipelineResult;
        if (results === null) throw new StoreError('STORE_UNAVAILABLE', `${method}: redis pipeline was discarded`);
        const failed = results.filter(([err]) => err !== null);
        if (failed.length > 0) {
            throw new StoreError(
                'STORE_UNAVAILABLE',
                `${method}: ${failed.length} of ${results.length} redis commands failed: ${failed[0][0]!.message}`
            );
        }
        return results.map(([, value]) => value);
    }

    private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
        try {
            return await fn();
        } catch (error) {
            if (isStoreError(error)) throw error;
            if (this.closed) throw new StoreError('STORE_CLOSED', `${method}: the store is closed`);
            const message = error instanceof Error ? error.message : String(error);
            throw new StoreError('STORE_UNAVAILABLE', `${method}: redis failed: ${message}`);
        }
    }

    private assertOpen(): void {
        if (this.closed) throw new StoreError('STORE_CLOSED', 'the store is closed');
    }
}

/** Throws STORE_UNSUPPORTED_SERVER unless `INFO server` reports Redis 7.0 or newer. */
export function assertRedisVersion(info: string): void {
    const version = /^redis_version:(\d+)\.(\d+)/m.exec(info);
    if (!version) return; // a Redis-compatible server that does not say: let the commands speak for themselves
    if (Number(version[1]) < 7) {
        throw new StoreError(
            'STORE_UNSUPPORTED_SERVER',
            `Redis ${version[1]}.${version[2]} is too old: the agent state store needs Redis 7.0 or newer`
        );
    }
}

/** Builds a store with its own lazily connecting client (closed by `store.close()`). */
export function createRedisStore(options: RedisStoreOptions): RedisAgentStateStore {
    return new RedisAgentStateStore(options);
}

/** The given settings without the URL and without undefined fields (so defaults apply). */
function definedSettings(options: RedisStoreSettings & { url?: string }): RedisStoreSettings {
    const out: Record<string, unknown> = {};
    for (const key of ['keyPrefix', 'shardCount', 'logMaxLen', 'outboxKeyTtlMs', 'pageSize'] as const) {
        if (options[key] !== undefined) out[key] = options[key];
    }
    return out as RedisStoreSettings;
}

function assertKey(method: string, key: unknown): void {
    if (typeof key !== 'string' || key.length === 0) {
        throw new StoreError('STORE_INVALID_ARGUMENT', `${method}: key must be a non-empty string`);
    }
}

function fieldMap(fields: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) out[fields[i]] = fields[i + 1];
    return out;
}

function parseJson<T>(raw: string, what: string): T {
    try {
        return JSON.parse(raw) as T;
    } catch {
        throw new StoreError('STORE_CORRUPT_DATA', `stored ${what} is not valid JSON`);
    }
}
