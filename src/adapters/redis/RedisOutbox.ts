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
        const pipe = r.pipeline();
        for (const k of r.shards) pipe.zrangebyscore(k.outboxDue, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
        const due: Array<{ key: string; notBefore: number; shard: number }> = [];
        (await r.exec('dueOutbox', pipe)).forEach((flat, shard) => {
            for (const [key, score] of pairsOf(flat as string[])) due.push({ key, notBefore: Number(score), shard });
        });
        if (due.length === 0) return [];
        const read = r.pipeline();
        for (const d of due) {
            read.hget(r.shards[d.shard].outbox, d.key);
            read.hget(r.shards[d.shard].outboxAttempts, d.key);
        }
        const values = await r.exec('dueOutbox', read);
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

    /** Deletes the entry; its key stays in `obseen`, so it is never enqueued again within the TTL. */
    async ack(key: string): Promise<void> {
        const r = this.r;
        r.assertOpen();
        assertKey('ackOutbox', key);
        const pipe = r.pipeline();
        for (const shard of this.shardsOf(key)) {
            const k = r.shards[shard];
            pipe.hdel(k.outbox, key).zrem(k.outboxDue, key).hdel(k.outboxAttempts, key);
        }
        await r.exec('ackOutbox', pipe);
        this.shardHint.delete(key);
    }

    /** Sets `notBefore` and adds one to the attempts, if the entry still exists (`RETRY_LUA`). */
    async retry(key: string, notBefore: number): Promise<void> {
        const r = this.r;
        r.assertOpen();
        assertKey('retryOutbox', key);
        assertEpochMs('retryOutbox', 'notBefore', notBefore);
        const pipe = r.pipeline();
        for (const shard of this.shardsOf(key)) {
            const k = r.shards[shard];
            pipe.adbRetry(k.outbox, k.outboxDue, k.outboxAttempts, key, notBefore);
        }
        await r.exec('retryOutbox', pipe);
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
