/**
 * The Redis key schema of the agent state store: the ONLY place key names are built.
 *
 * Every key of an agent lives in its shard's hash-tag slot `<prefix>{s<N>}:...`, N = fnv1a32(userId) % shardCount,
 * so one Lua call touches a single Redis Cluster slot. Exclusions are one global key.
 */

/** 32-bit FNV-1a of the UTF-8 bytes of `value`. */
export function fnv1a32(value: string): number {
    let hash = 0x811c9dc5;
    for (const byte of Buffer.from(value, 'utf8')) {
        hash ^= byte;
        hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
}

/** Shard of an agent. */
export function shardOf(userId: string, shardCount: number): number {
    return fnv1a32(userId) % shardCount;
}

/** The keys of one shard, all in the slot of the hash tag `{s<N>}`. */
export interface ShardKeys {
    /** Hash userId -> record JSON. */
    records: string;
    /** Hash userId -> version (CAS). */
    versions: string;
    /** Zset userId, score = dueAt (or lease expiry while claimed). */
    deadlines: string;
    /** Capped stream of episode-log entries; ids track entry time. */
    log: string;
    /** Hash with `lastMs` (newest stream id time) and `maxLag` (largest id time - entry time seen). */
    logMeta: string;
    /** Hash outbox key -> `{ notification, enqueuedAt }` JSON. */
    outbox: string;
    /** Zset outbox key, score = notBefore. */
    outboxDue: string;
    /** Hash outbox key -> attempts. */
    outboxAttempts: string;
    /** Zset of outbox keys ever enqueued, score = enqueue time; pruned after `outboxKeyTtlMs`. */
    outboxSeen: string;
}

/** Builds the keys of one shard. */
export function shardKeys(prefix: string, shard: number): ShardKeys {
    const base = `${prefix}{s${shard}}:`;
    return {
        records: `${base}rec`,
        versions: `${base}ver`,
        deadlines: `${base}due`,
        log: `${base}log`,
        logMeta: `${base}logmeta`,
        outbox: `${base}ob`,
        outboxDue: `${base}obdue`,
        outboxAttempts: `${base}obatt`,
        outboxSeen: `${base}obseen`
    };
}

/** Global set of excluded activity categories. */
/** Categories excluded at run time (a set; one hash tag with {@link inclusionsKey}: they change in one MULTI). */
export function exclusionsKey(prefix: string): string {
    return `${prefix}{exclusions}`;
}

/** Categories included again at run time, over the configured exclusions (a set). */
export function inclusionsKey(prefix: string): string {
    return `${prefix}{exclusions}:included`;
}

/** Why a key prefix is unusable, or `undefined` when it is fine. A brace would break the shard hash tag. */
export function keyPrefixProblem(prefix: string): string | undefined {
    if (typeof prefix !== 'string') return 'keyPrefix must be a string';
    if (/[{}]/.test(prefix)) return 'keyPrefix must not contain { or } (they would break the shard hash tags)';
    if (/\s/.test(prefix)) return 'keyPrefix must not contain whitespace';
    return undefined;
}
