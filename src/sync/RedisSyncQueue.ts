import type { RedisClient } from '../adapters/redis/createRedisClient';
import type { AckedState, SyncEvent } from './pipeline/types';
import type { DeadLetter, QueuedEvent, SyncQueue } from './SyncQueue';
import { SyncError } from './SyncError';
import { storableLetter } from './storableItem';
import { SYNC_DEFAULTS } from './syncConfig';

export interface RedisSyncQueueOptions {
    /** A server or a Redis Cluster: every key of the queue is in one hash slot. */
    redis: RedisClient;
    /** Every key lives under this prefix, e.g. `prod:sync:`. */
    keyPrefix: string;
    /** Consumer name in the group; keep it stable per instance so a restart re-reads its own pending entries. */
    consumer: string;
    /** Pending entries idle this long are claimed from other consumers (XAUTOCLAIM). @default 60000 */
    claimIdleMs?: number;
    /** Dead-letter list length cap. @default 10000 */
    deadLetterMax?: number;
    /** Most characters of one refused item kept in its dead letter. @default SYNC_DEFAULTS.deadLetterItemMaxChars */
    deadLetterItemMaxChars?: number;
}

const GROUP = 'sync';

/** Key schema of the sync queue (one place). */
export function syncKeys(prefix: string): { stream: string; deadLetters: string; lastAcked: string } {
    return { stream: `${prefix}events`, deadLetters: `${prefix}dead`, lastAcked: `${prefix}last` };
}

/**
 * Redis stream with a consumer group: XADD on ingest (durable before the 202), XREADGROUP to read, XACK+XDEL on
 * success, own pending re-read on start and XAUTOCLAIM of other consumers' idle entries. Dead letters in a capped
 * list; last acknowledged state per agent in a hash.
 */
export class RedisSyncQueue implements SyncQueue {
    private readonly keys: ReturnType<typeof syncKeys>;
    private groupReady: Promise<void> | undefined;
    private ownPendingDone = false;

    constructor(private readonly options: RedisSyncQueueOptions) {
        this.keys = syncKeys(options.keyPrefix);
    }

    private ensureGroup(): Promise<void> {
        this.groupReady ??= this.options.redis.xgroup('CREATE', this.keys.stream, GROUP, '0', 'MKSTREAM').then(
            () => undefined,
            (e: unknown) => {
                if (!String((e as Error).message).includes('BUSYGROUP')) {
                    this.groupReady = undefined;
                    throw new SyncError('SYNC_QUEUE_FAILED', `cannot create consumer group: ${(e as Error).message}`);
                }
            }
        );
        return this.groupReady;
    }

    async append(events: readonly SyncEvent[]): Promise<string[]> {
        if (events.length === 0) return [];
        await this.ensureGroup();
        const pipe = this.options.redis.multi();
        for (const e of events) pipe.xadd(this.keys.stream, '*', 'e', JSON.stringify(e));
        const res = await pipe.exec();
        if (!res) throw new SyncError('SYNC_QUEUE_FAILED', 'append transaction aborted');
        return res.map(([err, id]) => {
            if (err) throw new SyncError('SYNC_QUEUE_FAILED', `append failed: ${err.message}`);
            return id as string;
        });
    }

    async read(max: number): Promise<QueuedEvent[]> {
        await this.ensureGroup();
        const r = this.options.redis;
        const out: QueuedEvent[] = [];
        if (!this.ownPendingDone) {
            const own = (await r.xreadgroup(
                'GROUP',
                GROUP,
                this.options.consumer,
                'COUNT',
                max,
                'STREAMS',
                this.keys.stream,
                '0'
            )) as Array<[string, Array<[string, string[]]>]> | null;
            const entries = own?.[0]?.[1] ?? [];
            out.push(...decode(entries));
            if (entries.length < max) this.ownPendingDone = true;
            if (out.length >= max) return out;
        }
        const claimed = (await r.xautoclaim(
            this.keys.stream,
            GROUP,
            this.options.consumer,
            this.options.claimIdleMs ?? SYNC_DEFAULTS.claimIdleMs,
            '0-0',
            'COUNT',
            max - out.length
        )) as [string, Array<[string, string[]] | null>];
        const seen = new Set(out.map((q) => q.id));
        out.push(...decode((claimed[1] ?? []).filter((x): x is [string, string[]] => !!x && !seen.has(x[0]))));
        if (out.length >= max) return out;
        const fresh = (await r.xreadgroup(
            'GROUP',
            GROUP,
            this.options.consumer,
            'COUNT',
            max - out.length,
            'STREAMS',
            this.keys.stream,
            '>'
        )) as Array<[string, Array<[string, string[]]>]> | null;
        out.push(...decode(fresh?.[0]?.[1] ?? []));
        return out;
    }

    async ack(ids: readonly string[]): Promise<void> {
        if (ids.length === 0) return;
        await this.options.redis
            .multi()
            .xack(this.keys.stream, GROUP, ...ids)
            .xdel(this.keys.stream, ...ids)
            .exec();
    }

    async deadLetter(letters: readonly DeadLetter[]): Promise<void> {
        if (letters.length === 0) return;
        const max = this.options.deadLetterMax ?? 10_000;
        const itemMax = this.options.deadLetterItemMaxChars ?? SYNC_DEFAULTS.deadLetterItemMaxChars;
        await this.options.redis
            .multi()
            .lpush(this.keys.deadLetters, ...letters.map((l) => JSON.stringify(storableLetter(l, itemMax))))
            .ltrim(this.keys.deadLetters, 0, max - 1)
            .exec();
    }

    async deadLetters(limit = 100, offset = 0): Promise<DeadLetter[]> {
        if (limit <= 0) return [];
        const raw = await this.options.redis.lrange(this.keys.deadLetters, offset, offset + limit - 1);
        return raw.map((s) => JSON.parse(s) as DeadLetter);
    }

    async deadLetterCount(): Promise<number> {
        return this.options.redis.llen(this.keys.deadLetters);
    }

    async depth(): Promise<number> {
        return this.options.redis.xlen(this.keys.stream);
    }

    async lastAcked(agentIds: readonly string[]): Promise<Map<string, AckedState>> {
        const out = new Map<string, AckedState>();
        if (agentIds.length === 0) return out;
        const vals = await this.options.redis.hmget(this.keys.lastAcked, ...agentIds);
        agentIds.forEach((id, i) => {
            const v = vals[i];
            if (v) out.set(id, JSON.parse(v) as AckedState);
        });
        return out;
    }

    async setLastAcked(states: ReadonlyMap<string, AckedState>): Promise<void> {
        if (states.size === 0) return;
        const flat: string[] = [];
        for (const [id, s] of states) flat.push(id, JSON.stringify(s));
        await this.options.redis.hset(this.keys.lastAcked, ...flat);
    }

    async close(): Promise<void> {}
}

function decode(entries: Array<[string, string[]]>): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    for (const [id, fields] of entries) {
        const i = fields.indexOf('e');
        if (i < 0) continue;
        out.push({ id, event: JSON.parse(fields[i + 1]) as SyncEvent });
    }
    return out;
}
