import type { Clock, TimerHandle } from '../domain/clock';
import type { RedisClient } from '../adapters/redis/createRedisClient';
import { shardOf } from '../adapters/redis/keys';
import { silentLogger, type Logger } from '../kit/Logger';

/**
 * One lease of one partition (KEYS[1], value `owner|untilMs`). ARGV: owner, now, leaseMs, mode.
 * `acquire`: takes the lease when it is free, expired (by `now`) or already this owner's; `renew`: only when it is
 * this owner's (a lease another instance took in between stays lost); `release`: drops it when it is this owner's.
 * The key itself expires after three leases (garbage only: expiry is judged by the owners' clocks).
 * Returns 1 when the owner holds the lease after the call.
 */
const LEASE_LUA = `
local v = redis.call('GET', KEYS[1])
local owner = nil
local untilMs = 0
if v then
  local o, u = string.match(v, '^(.*)|(%d+)$')
  owner = o
  untilMs = tonumber(u or '0')
end
local now = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local mode = ARGV[4]
if mode == 'release' then
  if owner == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 0
end
if owner ~= ARGV[1] and (mode == 'renew' or (owner and untilMs > now)) then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. string.format('%d', now + lease), 'PX', 3 * lease)
return 1
`;

/** The keys of the sync queue, in one place: every key of a partition carries its hash tag `{p<N>}` (one slot). */
export function syncPartitionKeys(prefix: string, partition: number | 'legacy'): { stream: string; lease: string } {
    // The stream of the queue before partitions: drained by whoever holds its lease, never appended to again.
    if (partition === 'legacy') return { stream: `${prefix}events`, lease: `${prefix}events:owner` };
    return { stream: `${prefix}{p${partition}}:events`, lease: `${prefix}{p${partition}}:owner` };
}

/** Partition of an agent: FNV-1a of its id modulo the partition count (the same hash as the store's shards). */
export function partitionOf(agentId: string, partitions: number): number {
    return shardOf(agentId, partitions);
}

export interface SyncPartitionsOptions {
    redis: RedisClient;
    keyPrefix: string;
    /** This instance's consumer name: the owner written into its leases. */
    consumer: string;
    clock: Clock;
    /** Number of partitions. */
    partitions: number;
    /** How long a lease lasts without renewal, ms; renewed every third of it. */
    leaseMs: number;
    /** Whether this consumer still has entries of the partition pending (it keeps the partition until it has none). */
    hasPending(partition: number | 'legacy'): Promise<boolean>;
    /** Whether the pre-partition stream still holds entries (then it is leased and drained like a partition). */
    legacyLeft(): Promise<boolean>;
    logger?: Logger;
}

/**
 * The partitions this instance owns. Every instance registers itself in a members set (score: when it is presumed
 * dead), and takes its fair share, ceil(partitions / live instances), of the free or expired leases; an instance over
 * its share hands back partitions it has nothing pending in. A lease is renewed every third of `leaseMs`; a partition
 * counts as owned only while at least a third of its lease is left by this instance's last successful renewal, so an
 * instance cut from Redis stops reading it before another may take it. A dead instance's partitions are taken over
 * once its leases expire.
 */
export class SyncPartitions {
    /** Partition → until when (this clock) the last successful renewal holds it. */
    private readonly held = new Map<number | 'legacy', number>();
    /** Partition → how many times this instance acquired it (a reader catches up once per acquisition). */
    private readonly acquisitions = new Map<number | 'legacy', number>();
    private timer: TimerHandle | undefined;
    private refreshing: Promise<void> | undefined;
    /** The last round started: the next one waits for it. */
    private rounds: Promise<void> = Promise.resolve();
    private stopped = false;
    private legacy = true;
    private readonly membersKey: string;
    private readonly logger: Logger;

    constructor(private readonly options: SyncPartitionsOptions) {
        this.membersKey = `${options.keyPrefix}members`;
        this.logger = options.logger ?? silentLogger();
    }

    /** The partitions this instance may read now (the legacy stream first while it holds entries). */
    owned(): Array<number | 'legacy'> {
        const now = this.options.clock.now();
        const margin = this.options.leaseMs / 3;
        return [...this.held].filter(([, until]) => until - now > margin).map(([p]) => p);
    }

    /** Whether this instance may still process entries of `partition`. */
    owns(partition: number | 'legacy'): boolean {
        const until = this.held.get(partition);
        return until !== undefined && until - this.options.clock.now() > this.options.leaseMs / 3;
    }

    /** How many times this instance acquired `partition` so far: changes when it was lost and taken again. */
    generation(partition: number | 'legacy'): number {
        return this.acquisitions.get(partition) ?? 0;
    }

    private acquired(partition: number | 'legacy', until: number): void {
        this.held.set(partition, until);
        this.acquisitions.set(partition, this.generation(partition) + 1);
    }

    /** The first refresh (once), then one every third of the lease until {@link stop}. */
    ready(): Promise<void> {
        if (this.stopped) return Promise.resolve();
        if (this.refreshing) return this.refreshing;
        this.refreshing = this.refresh().finally(() => this.schedule());
        return this.refreshing;
    }

    /** Hands every lease back and leaves the members set, so the others take over at once. */
    async stop(): Promise<void> {
        this.stopped = true;
        if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
        await this.refreshing?.catch(() => undefined);
        const { redis, consumer } = this.options;
        await Promise.all([...this.held.keys()].map((p) => this.lease(p, 'release')));
        this.held.clear();
        await redis.zrem(this.membersKey, consumer);
    }

    private schedule(): void {
        if (this.stopped) return;
        this.timer = this.options.clock.setTimeout(() => {
            this.refreshing = this.refresh()
                .catch((error: unknown) =>
                    this.logger.warn({ err: (error as Error).message }, 'sync: partition lease renewal failed')
                )
                .finally(() => this.schedule());
        }, this.options.leaseMs / 3);
    }

    /**
     * One round: register, renew what is held, give back above the fair share, take free partitions up to it. Rounds run
     * one at a time: each reads the clock when it starts, so a round still in flight from an earlier timer would
     * otherwise write its older lease ends over a newer round's (the partition then looks lost before its lease is).
     */
    refresh(): Promise<void> {
        const round = this.rounds.catch(() => undefined).then(() => this.round());
        this.rounds = round;
        return round;
    }

    private async round(): Promise<void> {
        const { redis, consumer, clock, leaseMs, partitions } = this.options;
        const now = clock.now();
        await redis.zadd(this.membersKey, now + leaseMs, consumer);
        await redis.zremrangebyscore(this.membersKey, '-inf', now);
        const live = Math.max(1, await redis.zcard(this.membersKey));
        const fair = Math.ceil(partitions / live);
        const renewed = await Promise.all([...this.held.keys()].map(async (p) => [p, await this.lease(p, 'renew')]));
        for (const [p, ok] of renewed) {
            if (ok) this.held.set(p as number | 'legacy', now + leaseMs);
            else {
                this.held.delete(p as number | 'legacy');
                this.logger.warn({ partition: p }, 'sync: lost the lease of a partition to another instance');
            }
        }
        const mine = [...this.held.keys()].filter((p): p is number => p !== 'legacy').sort((a, b) => b - a);
        for (const p of mine.slice(0, Math.max(0, mine.length - fair))) {
            if (await this.options.hasPending(p)) continue;
            await this.lease(p, 'release');
            this.held.delete(p);
        }
        let count = [...this.held.keys()].filter((p) => p !== 'legacy').length;
        const start = partitionOf(consumer, partitions);
        for (let i = 0; i < partitions && count < fair; i++) {
            const p = (start + i) % partitions;
            if (this.held.has(p)) continue;
            if (await this.lease(p, 'acquire')) {
                this.acquired(p, now + leaseMs);
                count++;
            }
        }
        await this.refreshLegacy(now);
    }

    /** Leases the pre-partition stream while it holds entries; forgets it for good once it is empty. */
    private async refreshLegacy(now: number): Promise<void> {
        if (!this.legacy) return;
        if (!(await this.options.legacyLeft())) {
            if (this.held.delete('legacy')) await this.lease('legacy', 'release');
            this.legacy = false;
            return;
        }
        if (this.held.has('legacy')) this.held.set('legacy', now + this.options.leaseMs);
        else if (await this.lease('legacy', 'acquire')) this.acquired('legacy', now + this.options.leaseMs);
    }

    private async lease(partition: number | 'legacy', mode: 'acquire' | 'renew' | 'release'): Promise<boolean> {
        const { redis, consumer, clock, leaseMs, keyPrefix } = this.options;
        const key = syncPartitionKeys(keyPrefix, partition).lease;
        const got = await redis.eval(LEASE_LUA, 1, key, consumer, clock.now(), leaseMs, mode);
        return got === 1;
    }
}
