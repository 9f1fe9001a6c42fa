import Redis from 'ioredis';
import type { AgentRecord, EpisodeLogEntry } from '../../domain/adherence/types';
import type {
    AgentStateStore,
    CommitResult,
    ExclusionOverrides,
    LogQuery,
    OutboxEntry,
    StateChange
} from '../../engine/ports';
import { closeRedisClient, isRedisClient, type RedisClient } from './createRedisClient';
import { RedisOutbox } from './RedisOutbox';
import { ShardedRedis } from './ShardedRedis';
import { claimDeadlines, claimOverdue, listDeadlines } from './redisDeadlines';
import { readLog, trimLog } from './redisEpisodeLog';
import { getExclusions, setExclusion } from './redisExclusions';
import { commitChanges, getRecords, loadAllRecords } from './redisRecords';
import { resolveRedisStoreSettings, type RedisStoreOptions, type RedisStoreSettings } from './redisStoreSettings';

/**
 * `AgentStateStore` on Redis, safe for several bot instances sharing one Redis: per-agent CAS in Lua,
 * leased deadline claims, a de-duplicated outbox and a time-ordered episode-log stream per shard.
 * Key layout: see `keys.ts`. One `commit()` call is one pipeline round trip.
 *
 * Takes an ioredis client, standalone or Cluster (created by the caller, ideally with `lazyConnect`; the caller closes
 * it unless `owned`), or builds its own standalone one from `createRedisStore({ url })` (closed by `close()`).
 */
export class RedisAgentStateStore implements AgentStateStore {
    private readonly r: ShardedRedis;
    private readonly ownsClient: boolean;
    private readonly outbox: RedisOutbox;

    /** With `owned`, `close()` closes the client too. */
    constructor(client: RedisClient, settings?: RedisStoreSettings, owned?: { owned: boolean });
    constructor(options: RedisStoreOptions);
    constructor(
        clientOrOptions: RedisClient | RedisStoreOptions,
        settings: RedisStoreSettings = {},
        { owned = false }: { owned: boolean } = { owned: false }
    ) {
        const isClient = isRedisClient(clientOrOptions);
        const resolved = resolveRedisStoreSettings(isClient ? settings : clientOrOptions, !isClient);
        this.ownsClient = !isClient || owned;
        const redis = isClient ? clientOrOptions : new Redis(clientOrOptions.url, { lazyConnect: true });
        this.r = new ShardedRedis(redis, resolved);
        this.outbox = new RedisOutbox(this.r);
    }

    /**
     * Listens to the connection errors of the store's own client (a given client is its owner's to listen to): without
     * a listener ioredis prints each failed reconnect to stderr.
     */
    onConnectionError(listener: (error: Error) => void): void {
        if (this.ownsClient) this.r.redis.on('error', listener);
    }

    /** The settings in force; never includes the URL. */
    toJSON(): Readonly<Required<RedisStoreSettings>> {
        return this.r.settings;
    }

    /** Shard of an agent (exposed for tests and diagnostics). */
    shardOf(userId: string): number {
        return this.r.shardOf(userId);
    }

    getMany(userIds: readonly string[]): Promise<Map<string, AgentRecord>> {
        return getRecords(this.r, userIds);
    }

    loadAll(onPage: (records: AgentRecord[]) => void): Promise<void> {
        return loadAllRecords(this.r, onPage);
    }

    commit(changes: readonly StateChange[]): Promise<CommitResult[]> {
        return commitChanges(this.r, changes);
    }

    claimDeadlines(userIds: readonly string[], now: number, leaseMs: number): Promise<string[]> {
        return claimDeadlines(this.r, userIds, now, leaseMs);
    }

    claimOverdue(dueBefore: number, now: number, leaseMs: number, limit: number): Promise<string[]> {
        return claimOverdue(this.r, dueBefore, now, leaseMs, limit);
    }

    listDeadlines(): Promise<Array<{ userId: string; dueAt: number }>> {
        return listDeadlines(this.r);
    }

    getExclusions(): Promise<ExclusionOverrides> {
        return getExclusions(this.r);
    }

    setExclusion(category: string, excluded: boolean): Promise<void> {
        return setExclusion(this.r, category, excluded);
    }

    readLog(query: LogQuery): Promise<EpisodeLogEntry[]> {
        return readLog(this.r, query);
    }

    trimLog(beforeAt: number): Promise<number> {
        return trimLog(this.r, beforeAt);
    }

    dueOutbox(now: number, limit: number): Promise<OutboxEntry[]> {
        return this.outbox.due(now, limit);
    }

    ackOutbox(key: string): Promise<void> {
        return this.outbox.ack(key);
    }

    retryOutbox(key: string, notBefore: number): Promise<void> {
        return this.outbox.retry(key, notBefore);
    }

    /** Marks the store closed; quits the client only when the store built it. */
    async close(): Promise<void> {
        if (!this.r.markClosed() || !this.ownsClient) return;
        await closeRedisClient(this.r.redis);
    }
}

/** Builds a store with its own lazily connecting client (closed by `store.close()`). */
export function createRedisStore(options: RedisStoreOptions): RedisAgentStateStore {
    return new RedisAgentStateStore(options);
}
