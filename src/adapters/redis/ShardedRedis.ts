import type { ChainableCommander } from 'ioredis';
import { isCluster, type RedisClient } from './createRedisClient';
import { StoreError, isStoreError } from '../store/StoreError';
import { shardKeys, shardOf } from './keys';
import type { ShardKeys } from './keys';
import { CLAIM_LUA, COMMIT_LUA, RETRY_LUA } from './luaScripts';
import type { RedisStoreSettings } from './redisStoreSettings';

type Arg = string | number;

/** The store's Lua scripts, defined on the client (`defineCommand`). */
interface StoreCommands {
    adbCommit(...args: Arg[]): Promise<number[]>;
    adbClaim(...args: Arg[]): Promise<string[]>;
    adbRetry(...args: Arg[]): Promise<number>;
}

/** A pipeline that also queues the store's Lua scripts. */
export type StorePipeline = ChainableCommander & {
    adbCommit(...args: Arg[]): StorePipeline;
    adbClaim(...args: Arg[]): StorePipeline;
    adbRetry(...args: Arg[]): StorePipeline;
};

type PipelineResult = Array<[Error | null, unknown]> | null;

/**
 * What every part of the Redis store shares: the client with the store's Lua scripts, the settings, the keys of each
 * shard, the open/closed state, and the mapping of every Redis failure to a `StoreError`
 * (`STORE_UNAVAILABLE`, or `STORE_CLOSED` after `close()`).
 *
 * The client is one Redis server or a Redis Cluster: each command and script touches the keys of one shard (one hash
 * slot); commands of several shards go through {@link execShards}, one pipeline on a server, one per shard on a Cluster.
 */
export class ShardedRedis {
    readonly redis: RedisClient & StoreCommands;
    /** The keys of shard N at index N. */
    readonly shards: readonly ShardKeys[];
    private closed = false;
    /** Once per connection: the server must run Redis 7 or newer (the commit script's XADD `<ms>-*` ids). */
    private serverChecked: Promise<void> | undefined;

    constructor(
        redis: RedisClient,
        readonly settings: Readonly<Required<RedisStoreSettings>>
    ) {
        redis.defineCommand('adbCommit', { numberOfKeys: 9, lua: COMMIT_LUA });
        redis.defineCommand('adbClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
        redis.defineCommand('adbRetry', { numberOfKeys: 3, lua: RETRY_LUA });
        this.redis = redis as RedisClient & StoreCommands;
        this.shards = Array.from({ length: settings.shardCount }, (_, n) => shardKeys(settings.keyPrefix, n));
    }

    /** Shard of an agent. */
    shardOf(userId: string): number {
        return shardOf(userId, this.settings.shardCount);
    }

    /** The ids grouped by shard, in first-seen order. */
    groupByShard(userIds: readonly string[]): Map<number, string[]> {
        const groups = new Map<number, string[]>();
        for (const id of userIds) {
            const shard = this.shardOf(id);
            const ids = groups.get(shard);
            if (ids) ids.push(id);
            else groups.set(shard, [id]);
        }
        return groups;
    }

    pipeline(): StorePipeline {
        return this.redis.pipeline() as StorePipeline;
    }

    /** Throws `STORE_CLOSED` after {@link markClosed}. */
    assertOpen(): void {
        if (this.closed) throw new StoreError('STORE_CLOSED', 'the store is closed');
    }

    /** From now on every call fails with `STORE_CLOSED`. Returns false when it was closed already. */
    markClosed(): boolean {
        if (this.closed) return false;
        this.closed = true;
        return true;
    }

    /**
     * Runs the commands `queue` puts in a pipeline for each shard of `shards`: one pipeline on one server; on a Cluster
     * one pipeline per shard (a pipeline must stay on one node), all in flight at once. The replies of each shard, in
     * the order of `shards`; any failed command fails the call (`STORE_UNAVAILABLE`).
     */
    async execShards(
        method: string,
        shards: Iterable<number>,
        queue: (pipe: StorePipeline, shard: number) => void
    ): Promise<unknown[][]> {
        const list = [...shards];
        if (isCluster(this.redis)) {
            return Promise.all(
                list.map((shard) => {
                    const pipe = this.pipeline();
                    queue(pipe, shard);
                    return this.exec(method, pipe);
                })
            );
        }
        const pipe = this.pipeline();
        const ends: number[] = [];
        for (const shard of list) {
            queue(pipe, shard);
            ends.push(pipe.length);
        }
        const replies = await this.exec(method, pipe);
        return ends.map((end, i) => replies.slice(i === 0 ? 0 : ends[i - 1], end));
    }

    /**
     * Checks the server version once per store (again after a failure to reach it): of the server, or of every master
     * of a Cluster.
     */
    checkServer(): Promise<void> {
        this.serverChecked ??= this.call('checkServer', () => serverInfos(this.redis)).then(
            (infos) => infos.forEach(assertRedisVersion),
            (error: unknown) => {
                this.serverChecked = undefined; // not reachable yet: ask again next time
                throw error;
            }
        );
        return this.serverChecked;
    }

    /** Runs a pipeline; the reply of each command in order. Any failed command fails the call (`STORE_UNAVAILABLE`). */
    async exec(method: string, pipe: ChainableCommander): Promise<unknown[]> {
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

    /** Runs one Redis call, turning its failure into a `StoreError` named after `method`. */
    async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
        try {
            return await fn();
        } catch (error) {
            if (isStoreError(error)) throw error;
            if (this.closed) throw new StoreError('STORE_CLOSED', `${method}: the store is closed`);
            const message = error instanceof Error ? error.message : String(error);
            throw new StoreError('STORE_UNAVAILABLE', `${method}: redis failed: ${message}`);
        }
    }
}

/** `INFO server` of the server, or of every master of a Cluster (after the first command connected it). */
export async function serverInfos(redis: RedisClient): Promise<string[]> {
    const first = await redis.info('server');
    if (!isCluster(redis)) return [first];
    const masters = redis.nodes('master');
    return masters.length === 0 ? [first] : Promise.all(masters.map((node) => node.info('server')));
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

/** The value of flat `[key, value, key, value…]` pairs (HSCAN, ZRANGE WITHSCORES, stream fields) at each key. */
export function pairsOf(flat: readonly string[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
    return out;
}

/** Parses a stored JSON value; `STORE_CORRUPT_DATA` names `what`, never the content. */
export function parseJson<T>(raw: string, what: string): T {
    try {
        return JSON.parse(raw) as T;
    } catch {
        throw new StoreError('STORE_CORRUPT_DATA', `stored ${what} is not valid JSON`);
    }
}
