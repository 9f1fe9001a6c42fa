import type { Notification } from '../../domain/adherence/types';
import type { OutboxEntry } from '../../engine/ports';
import { StoreError } from '../store/StoreError';
import { assertEpochMs, assertInteger } from '../store/validateStoreInput';
import { pairsOf, parseJson, type ShardedRedis } from './ShardedRedis';

/** Most outbox keys whose shard is remembered from `dueOutbox` so ack/retry touch one shard. */
const SHARD_HINT_LIMIT = 50_000;

/**
 * The durable notification outbox of the Redis store (entries are enqueued by the commit script). Outbox keys are not
 * derived from the agent id, so ack and retry go to the shard remembered from `due`, or to every shard (one pipeline).
 */
export class RedisOutbox {
    private readonly shardHint = new Map<string, number>();

    constructor(private readonly r: ShardedRedis) {}

    /** Up to `limit` entries with `notBefore <= now`, oldest first. */
    async due(now: number, limit: number): Promise<OutboxEntry[]> {
        const r = this.r;
        r.assertOpen();
        assertEpochMs('dueOutbox', 'now', now);
        assertInteger('dueOutbox', 'limit', limit, 0);
        if (limit === 0) return [];
        const dueByShard = new Map<number, Array<{ key: string; notBefore: number }>>();
        (
            await r.execShards('dueOutbox', r.shards.keys(), (pipe, shard) =>
                pipe.zrangebyscore(r.shards[shard].outboxDue, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
            )
        ).forEach(([flat], shard) => {
            const keys = pairsOf(flat as string[]).map(([key, score]) => ({ key, notBefore: Number(score) }));
            if (keys.length > 0) dueByShard.set(shard, keys);
        });
        if (dueByShard.size === 0) return [];
        const values = await r.execShards('dueOutbox', dueByShard.keys(), (pipe, shard) => {
            for (const d of dueByShard.get(shard)!) {
                pipe.hget(r.shards[shard].outbox, d.key);
                pipe.hget(r.shards[shard].outboxAttempts, d.key);
            }
        });
        const entries: OutboxEntry[] = [];
        const due = [...dueByShard].flatMap(([shard, keys], s) =>
            keys.map((d, i) => ({
                ...d,
                shard,
                raw: values[s][2 * i] as string | null,
                attempts: values[s][2 * i + 1]
            }))
        );
        due.forEach((d) => {
            const raw = d.raw;
            if (raw === null) return;
            const body = parseJson<{ notification: Notification; enqueuedAt: number }>(raw, `outbox entry ${d.key}`);
            this.rememberShard(d.key, d.shard);
            entries.push({
                key: d.key,
                notification: body.notification,
                enqueuedAt: body.enqueuedAt,
                attempts: Number(d.attempts ?? 0),
                notBefore: d.notBefore
            });
        });
        entries.sort((a, b) => a.notBefore - b.notBefore || a.enqueuedAt - b.enqueuedAt || (a.key < b.key ? -1 : 1));
        return entries.slice(0, limit);
    }

    /** Deletes the entry; its key stays in `obseen`, so it is never enqueued again within the TTL. */
    async ack(key: string): Promise<void> {
        const r = this.r;
        r.assertOpen();
        assertKey('ackOutbox', key);
        await r.execShards('ackOutbox', this.shardsOf(key), (pipe, shard) => {
            const k = r.shards[shard];
            pipe.hdel(k.outbox, key).zrem(k.outboxDue, key).hdel(k.outboxAttempts, key);
        });
        this.shardHint.delete(key);
    }

    /** Sets `notBefore` and adds one to the attempts, if the entry still exists (`RETRY_LUA`). */
    async retry(key: string, notBefore: number): Promise<void> {
        const r = this.r;
        r.assertOpen();
        assertKey('retryOutbox', key);
        assertEpochMs('retryOutbox', 'notBefore', notBefore);
        await r.execShards('retryOutbox', this.shardsOf(key), (pipe, shard) => {
            const k = r.shards[shard];
            pipe.adbRetry(k.outbox, k.outboxDue, k.outboxAttempts, key, notBefore);
        });
    }

    /** The shard remembered for an outbox key, or every shard. */
    private shardsOf(key: string): number[] {
        const hint = this.shardHint.get(key);
        return hint === undefined ? this.r.shards.map((_, n) => n) : [hint];
    }

    private rememberShard(key: string, shard: number): void {
        if (this.shardHint.size >= SHARD_HINT_LIMIT) this.shardHint.clear();
        this.shardHint.set(key, shard);
    }
}

function assertKey(method: string, key: unknown): void {
    if (typeof key !== 'string' || key.length === 0) {
        throw new StoreError('STORE_INVALID_ARGUMENT', `${method}: key must be a non-empty string`);
    }
}
