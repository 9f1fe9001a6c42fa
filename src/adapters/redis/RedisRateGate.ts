import type { Cluster, Redis } from 'ioredis';
import type { RateGate, RateGateLimits, RateWait } from '../../kit/RateGate';
import type { WindowLimit } from '../../kit/SlidingWindowLimiter';

/**
 * One atomic sliding-window-log check over the per-key log (KEYS[1]), the overall log (KEYS[2]) and the key's pause
 * (KEYS[3], absolute epoch ms). ARGV: now, a unique member, the per-key windows `limit:ms,…`, the overall windows,
 * the time the member is recorded at (now, or later for a slot counted as in flight until settled).
 * A window of `limit` is full while its `limit`-th most recent entry is younger than the window: the wait is until
 * that entry leaves it (the same rule as the in-process SlidingWindowLimiter). Returns 0 after recording `now` in both
 * logs (each expires after its longest window); else, recording nothing, the wait in ms for the key (or its pause),
 * or minus the wait when the overall budget is spent.
 */
const ACQUIRE_LUA = `
local now = tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then return paused - now end
local wait = 0
local horizons = {}
for i = 2, 1, -1 do
    local horizon = 0
    for limit, ms in string.gmatch(ARGV[2 + i], '(%d+):(%d+)') do
        limit = tonumber(limit)
        ms = tonumber(ms)
        if ms > horizon then horizon = ms end
        local nth = redis.call('ZREVRANGE', KEYS[i], limit - 1, limit - 1, 'WITHSCORES')
        if nth[2] then
            local free = tonumber(nth[2]) + ms - now
            if free > wait then wait = free end
        end
    end
    horizons[i] = horizon
    if i == 2 and wait > 0 then return -wait end
end
if wait > 0 then return wait end
for i = 1, 2 do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - horizons[i])
    redis.call('ZADD', KEYS[i], ARGV[5], ARGV[2])
    redis.call('PEXPIRE', KEYS[i], horizons[i] + tonumber(ARGV[5]) - now)
end
return 0
`;

/** Sets the pause (KEYS[1]) to ARGV[1] (absolute ms) unless it already ends later; expires with it. ARGV[2] = now. */
const PAUSE_LUA = `
local untilMs = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs <= now or untilMs <= current then return 0 end
redis.call('SET', KEYS[1], untilMs, 'PX', untilMs - now)
return 1
`;

/**
 * Moves the entry ARGV[1] of the per-key log (KEYS[1]) and of the overall log (KEYS[2]) to ARGV[2] (epoch ms), when
 * still there, and keeps each log for its longest window (ARGV[3], ARGV[4]) from then.
 */
const SETTLE_LUA = `
for i = 1, 2 do
    if redis.call('ZADD', KEYS[i], 'XX', 'CH', ARGV[2], ARGV[1]) == 1 then
        local horizon = tonumber(ARGV[2 + i])
        if redis.call('PTTL', KEYS[i]) < horizon then redis.call('PEXPIRE', KEYS[i], horizon) end
    end
end
return 1
`;

export interface RedisRateGateOptions {
    /** A standalone or Cluster client; its own ioredis `keyPrefix` (if any) goes in front of `keyPrefix`. */
    redis: Redis | Cluster;
    limits: RateGateLimits;
    /** In front of every key. No braces. @default '' */
    keyPrefix?: string;
    /** Names this gate's entries in the logs (with a counter), so two instances' entries never collide. */
    owner: string;
}

type GateCommands = {
    adbRateAcquire(
        k1: string,
        k2: string,
        k3: string,
        now: number,
        member: string,
        a: string,
        b: string,
        at: number
    ): Promise<number>;
    adbRatePause(k: string, until: number, now: number): Promise<number>;
    adbRateSettle(k1: string, k2: string, member: string, at: number, h1: number, h2: number): Promise<number>;
};

/**
 * A {@link RateGate} shared by every instance on one Redis (standalone or Cluster): each acquire is one Lua call. All
 * of the gate's keys carry the hash tag `{teams-rate}`, so they sit in one Cluster slot and the overall log and a
 * key's log are checked and written atomically together. Times come from the callers' clocks, so instances whose
 * clocks differ by `d` ms may stray from a window by up to `d`.
 */
export class RedisRateGate implements RateGate {
    private readonly redis: Redis & GateCommands;
    private readonly prefix: string;
    private readonly perKey: string;
    private readonly overall: string;
    /** The longest window per key and overall, ms: how long a log lives after its last entry. */
    private readonly horizons: [number, number];
    private readonly owner: string;
    private readonly inFlightMs: number;
    private seq = 0;

    constructor(options: RedisRateGateOptions) {
        const prefix = options.keyPrefix ?? '';
        if (/[{}\s]/.test(prefix)) throw new Error('RedisRateGate keyPrefix must not contain braces or whitespace');
        this.prefix = `${prefix}{teams-rate}:`;
        this.perKey = windowsArg(options.limits.perKey);
        this.overall = windowsArg(options.limits.overall);
        this.horizons = [longest(options.limits.perKey), longest(options.limits.overall)];
        this.owner = options.owner;
        this.inFlightMs = options.limits.inFlightMs ?? 0;
        const redis = options.redis as Redis & Partial<GateCommands>;
        if (!redis.adbRateAcquire) {
            redis.defineCommand('adbRateAcquire', { numberOfKeys: 3, lua: ACQUIRE_LUA });
            redis.defineCommand('adbRatePause', { numberOfKeys: 1, lua: PAUSE_LUA });
            redis.defineCommand('adbRateSettle', { numberOfKeys: 2, lua: SETTLE_LUA });
        }
        this.redis = redis as Redis & GateCommands;
    }

    async acquire(key: string, now: number): Promise<RateWait> {
        const member = `${now}:${this.owner}:${this.seq++}`;
        const wait = await this.redis.adbRateAcquire(
            `${this.prefix}key:${key}`,
            `${this.prefix}all`,
            `${this.prefix}pause:${key}`,
            now,
            member,
            this.perKey,
            this.overall,
            now + this.inFlightMs
        );
        const ms = Number(wait);
        return ms === 0 ? { waitMs: 0, overall: false, slot: member } : { waitMs: Math.abs(ms), overall: ms < 0 };
    }

    async settle(key: string, slot: string, at: number): Promise<void> {
        await this.redis.adbRateSettle(
            `${this.prefix}key:${key}`,
            `${this.prefix}all`,
            slot,
            Math.ceil(at),
            ...this.horizons
        );
    }

    async pause(key: string, until: number, now: number): Promise<void> {
        await this.redis.adbRatePause(`${this.prefix}pause:${key}`, Math.ceil(until), now);
    }
}

function longest(windows: readonly WindowLimit[]): number {
    return Math.max(...windows.map((w) => w.windowMs));
}

function windowsArg(windows: readonly WindowLimit[]): string {
    if (windows.length === 0) throw new Error('a rate gate needs at least one window per scope');
    return windows.map((w) => `${w.limit}:${w.windowMs}`).join(',');
}
