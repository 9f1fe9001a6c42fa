import type { RedisClient } from '../adapters/redis/createRedisClient';
import type { AckedState, SyncEvent } from './pipeline/types';
import type { DeadLetter, QueuedEvent, SyncQueue } from './SyncQueue';
import { SyncError } from './SyncError';
import { storableLetter } from './storableItem';
import { SYNC_DEFAULTS } from './syncConfig';
import { SyncPartitions, partitionOf, syncPartitionKeys } from './SyncPartitions';
import type { Clock } from '../domain/clock';
import { systemClock } from '../kit/systemClock';
import type { Logger } from '../kit/Logger';

export interface RedisSyncQueueOptions {
    /** A server or a Redis Cluster: the keys of one partition share a hash tag (one slot). */
    redis: RedisClient;
    /** Every key lives under this prefix, e.g. `prod:sync:`. No braces. */
    keyPrefix: string;
    /** Consumer name in the group and owner of its leases; stable per instance, unique within the fleet. */
    consumer: string;
    /** Times the partition leases. @default the system clock */
    clock?: Clock;
    /** Partitions of the stream (by agent); change it only while the queue is empty. @default 16 */
    partitions?: number;
    /** How long a partition lease lasts without renewal, ms. @default 10000 */
    partitionLeaseMs?: number;
    /** Dead-letter list length cap. @default 10000 */
    deadLetterMax?: number;
    /** Most characters of one refused item kept in its dead letter. @default SYNC_DEFAULTS.deadLetterItemMaxChars */
    deadLetterItemMaxChars?: number;
    logger?: Logger;
}

const GROUP = 'sync';

/** Key schema of the sync queue's shared keys (one place; the partitions' keys: {@link syncPartitionKeys}). */
export function syncKeys(prefix: string): { deadLetters: string; lastAcked: string; members: string } {
    return { deadLetters: `${prefix}dead`, lastAcked: `${prefix}last`, members: `${prefix}members` };
}

type Partition = number | 'legacy';
type StreamEntries = Array<[string, string[]]>;

/**
 * Redis streams, one per partition of the agents (so one agent's events stay in one stream, in source order), each with
 * a consumer group. Each partition is read by the one live instance holding its lease ({@link SyncPartitions}): it
 * first takes over every entry still pending in the partition (its own after a restart, a dead owner's: XAUTOCLAIM,
 * oldest first), then reads new ones, so a partition's entries are handled in stream order across instances. XADD on
 * ingest (one MULTI per partition, durable before the 202); XACK+XDEL on success. Dead letters in a capped list; last
 * acknowledged state per agent in a hash. Entry ids are `<partition>/<stream id>`.
 */
export class RedisSyncQueue implements SyncQueue {
    private readonly keys: ReturnType<typeof syncKeys>;
    private readonly groups = new Map<Partition, Promise<void>>();
    private readonly partitionCount: number;
    /** Partition → the acquisition after which every entry pending in it was taken over (then only new ones are read). */
    private readonly caughtUp = new Map<Partition, number>();
    /** Where taking over a partition's pending entries goes on (XAUTOCLAIM cursor), for the acquisition it began in. */
    private readonly claimCursor = new Map<Partition, { generation: number; cursor: string }>();
    private rotation = 0;
    readonly partitions: SyncPartitions;

    constructor(private readonly options: RedisSyncQueueOptions) {
        this.keys = syncKeys(options.keyPrefix);
        this.partitionCount = options.partitions ?? SYNC_DEFAULTS.partitions;
        this.partitions = new SyncPartitions({
            redis: options.redis,
            keyPrefix: options.keyPrefix,
            consumer: options.consumer,
            clock: options.clock ?? systemClock,
            partitions: this.partitionCount,
            leaseMs: options.partitionLeaseMs ?? SYNC_DEFAULTS.partitionLeaseMs,
            hasPending: (p) => this.hasPending(p),
            legacyLeft: () => this.legacyLeft(),
            logger: options.logger
        });
    }

    private stream(partition: Partition): string {
        return syncPartitionKeys(this.options.keyPrefix, partition).stream;
    }

    private ensureGroup(partition: Partition): Promise<void> {
        let ready = this.groups.get(partition);
        if (!ready) {
            ready = this.options.redis.xgroup('CREATE', this.stream(partition), GROUP, '0', 'MKSTREAM').then(
                () => undefined,
                (e: unknown) => {
                    if (!String((e as Error).message).includes('BUSYGROUP')) {
                        this.groups.delete(partition);
                        throw new SyncError(
                            'SYNC_QUEUE_FAILED',
                            `cannot create consumer group: ${(e as Error).message}`
                        );
                    }
                }
            );
            this.groups.set(partition, ready);
        }
        return ready;
    }

    async append(events: readonly SyncEvent[]): Promise<string[]> {
        if (events.length === 0) return [];
        const byPartition = new Map<number, number[]>();
        events.forEach((e, i) => {
            const p = partitionOf(e.agentId, this.partitionCount);
            const list = byPartition.get(p);
            if (list) list.push(i);
            else byPartition.set(p, [i]);
        });
        const ids = new Array<string>(events.length);
        await Promise.all(
            [...byPartition].map(async ([p, indexes]) => {
                await this.ensureGroup(p);
                const tx = this.options.redis.multi();
                for (const i of indexes) tx.xadd(this.stream(p), '*', 'e', JSON.stringify(events[i]));
                const res = await tx.exec();
                if (!res) throw new SyncError('SYNC_QUEUE_FAILED', 'append transaction aborted');
                res.forEach(([err, id], k) => {
                    if (err) throw new SyncError('SYNC_QUEUE_FAILED', `append failed: ${err.message}`);
                    ids[indexes[k]] = `${p}/${id as string}`;
                });
            })
        );
        return ids;
    }

    /**
     * About `max` entries (up to one more per owned partition) of the partitions this instance owns: in each, the
     * entries still pending when it was acquired first, then new ones.
     */
    async read(max: number): Promise<QueuedEvent[]> {
        await this.partitions.ready();
        const owned = this.partitions.owned();
        if (owned.length === 0 || max <= 0) return [];
        // Every owned partition at once, `max` shared out between them (so up to one more per partition in all),
        // starting one further each time.
        const start = this.rotation++ % owned.length;
        const order = [...owned.slice(start), ...owned.slice(0, start)];
        const read = await Promise.all(order.map((p) => this.readPartition(p, Math.ceil(max / owned.length))));
        return read.flat();
    }

    private async readPartition(partition: Partition, max: number): Promise<QueuedEvent[]> {
        await this.ensureGroup(partition);
        const r = this.options.redis;
        const stream = this.stream(partition);
        const generation = this.partitions.generation(partition);
        const out: QueuedEvent[] = [];
        if (this.caughtUp.get(partition) !== generation) {
            // Newly acquired: whatever is still pending in it (this consumer's from before a restart, a dead or former
            // owner's) goes first, oldest first. Only the lease holder reads the partition: nobody else works on it.
            const resume = this.claimCursor.get(partition);
            const from = resume?.generation === generation ? resume.cursor : '0-0';
            const [cursor, claimed] = (await r.xautoclaim(
                stream,
                GROUP,
                this.options.consumer,
                0,
                from,
                'COUNT',
                max
            )) as [string, Array<[string, string[]] | null>];
            out.push(
                ...decode(
                    partition,
                    claimed.filter((x): x is [string, string[]] => !!x)
                )
            );
            if (cursor !== '0-0') {
                this.claimCursor.set(partition, { generation, cursor });
                return out;
            }
            this.claimCursor.delete(partition);
            this.caughtUp.set(partition, generation);
            if (out.length >= max) return out;
        }
        const fresh = (await r.xreadgroup(
            'GROUP',
            GROUP,
            this.options.consumer,
            'COUNT',
            max - out.length,
            'STREAMS',
            stream,
            '>'
        )) as Array<[string, StreamEntries]> | null;
        out.push(...decode(partition, fresh?.[0]?.[1] ?? []));
        return out;
    }

    /** The entries of partitions this instance still owns (those of a lost partition are its new owner's now). */
    retain(entries: readonly QueuedEvent[]): QueuedEvent[] {
        return entries.filter((q) => this.partitions.owns(parseId(q.id).partition));
    }

    async ack(ids: readonly string[]): Promise<void> {
        if (ids.length === 0) return;
        const byPartition = new Map<Partition, string[]>();
        for (const id of ids) {
            const { partition, streamId } = parseId(id);
            const list = byPartition.get(partition);
            if (list) list.push(streamId);
            else byPartition.set(partition, [streamId]);
        }
        await Promise.all(
            [...byPartition].map(([p, streamIds]) =>
                this.options.redis
                    .multi()
                    .xack(this.stream(p), GROUP, ...streamIds)
                    .xdel(this.stream(p), ...streamIds)
                    .exec()
            )
        );
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

    /** Entries appended and not yet acknowledged, over every partition (and the pre-partition stream). */
    async depth(): Promise<number> {
        const all: Partition[] = [...Array.from({ length: this.partitionCount }, (_, p) => p), 'legacy'];
        const lengths = await Promise.all(all.map((p) => this.options.redis.xlen(this.stream(p))));
        return lengths.reduce((a, b) => a + b, 0);
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

    /** Hands the partitions back (call after the worker stopped): the other instances take them over at once. */
    async close(): Promise<void> {
        await this.partitions.stop();
    }

    /** Whether this consumer has entries of the partition pending (read, not yet acknowledged). */
    private async hasPending(partition: Partition): Promise<boolean> {
        const pending = await this.options.redis
            .xpending(this.stream(partition), GROUP, '-', '+', 1, this.options.consumer)
            .catch((e: unknown) => {
                if (String((e as Error).message).includes('NOGROUP')) return []; // never appended to: nothing pending
                throw e;
            });
        return (pending as unknown[]).length > 0;
    }

    /** Whether the stream of the queue before partitions still holds entries. */
    private async legacyLeft(): Promise<boolean> {
        return (await this.options.redis.xlen(this.stream('legacy'))) > 0;
    }
}

/** The partition and stream id of an entry id `<partition>/<stream id>`. */
function parseId(id: string): { partition: Partition; streamId: string } {
    const slash = id.indexOf('/');
    const head = id.slice(0, slash);
    return { partition: head === 'legacy' ? 'legacy' : Number(head), streamId: id.slice(slash + 1) };
}

function decode(partition: Partition, entries: StreamEntries): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    for (const [id, fields] of entries) {
        const i = fields.indexOf('e');
        if (i < 0) continue;
        out.push({ id: `${partition}/${id}`, event: JSON.parse(fields[i + 1]) as SyncEvent });
    }
    return out;
}
