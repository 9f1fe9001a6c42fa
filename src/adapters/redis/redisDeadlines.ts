import { assertEpochMs, assertIds, assertInteger } from '../store/validateStoreInput';
import { pairsOf, type ShardedRedis } from './ShardedRedis';

/** Claims the due deadlines of these agents (score `<= now`) until `now + leaseMs`; the claimed ids. */
export async function claimDeadlines(
    r: ShardedRedis,
    userIds: readonly string[],
    now: number,
    leaseMs: number
): Promise<string[]> {
    r.assertOpen();
    assertIds('claimDeadlines', 'userIds', userIds);
    assertEpochMs('claimDeadlines', 'now', now);
    assertInteger('claimDeadlines', 'leaseMs', leaseMs, 1);
    if (userIds.length === 0) return [];
    return claim(r, 'claimDeadlines', r.groupByShard([...new Set(userIds)]), now, now + leaseMs);
}

/**
 * Claims the `limit` oldest deadlines due by `min(dueBefore, now)` across all shards: reads each shard's oldest
 * candidates, then claims the oldest of them with the same atomic check as {@link claimDeadlines}.
 */
export async function claimOverdue(
    r: ShardedRedis,
    dueBefore: number,
    now: number,
    leaseMs: number,
    limit: number
): Promise<string[]> {
    r.assertOpen();
    assertEpochMs('claimOverdue', 'dueBefore', dueBefore);
    assertEpochMs('claimOverdue', 'now', now);
    assertInteger('claimOverdue', 'leaseMs', leaseMs, 1);
    assertInteger('claimOverdue', 'limit', limit, 0);
    if (limit === 0) return [];
    const bound = Math.min(dueBefore, now);
    const results = await r.execShards('claimOverdue', r.shards.keys(), (pipe, shard) =>
        pipe.zrangebyscore(r.shards[shard].deadlines, '-inf', bound, 'WITHSCORES', 'LIMIT', 0, limit)
    );
    const candidates: Array<{ userId: string; dueAt: number; shard: number }> = [];
    results.forEach(([flat], shard) => {
        for (const [userId, score] of pairsOf(flat as string[]))
            candidates.push({ userId, dueAt: Number(score), shard });
    });
    candidates.sort((a, b) => a.dueAt - b.dueAt || (a.userId < b.userId ? -1 : 1));
    const groups = new Map<number, string[]>();
    for (const c of candidates.slice(0, limit)) {
        const ids = groups.get(c.shard);
        if (ids) ids.push(c.userId);
        else groups.set(c.shard, [c.userId]);
    }
    if (groups.size === 0) return [];
    return claim(r, 'claimOverdue', groups, bound, now + leaseMs);
}

/** Every indexed deadline (or lease of a claimed one). */
export async function listDeadlines(r: ShardedRedis): Promise<Array<{ userId: string; dueAt: number }>> {
    r.assertOpen();
    const results = await r.execShards('listDeadlines', r.shards.keys(), (pipe, shard) =>
        pipe.zrange(r.shards[shard].deadlines, '0', '-1', 'WITHSCORES')
    );
    const out: Array<{ userId: string; dueAt: number }> = [];
    for (const [flat] of results) {
        for (const [userId, score] of pairsOf(flat as string[])) out.push({ userId, dueAt: Number(score) });
    }
    return out;
}

/** One `CLAIM_LUA` call per shard: sets the score of each id due by `bound` to `leaseUntil`; the ids it claimed. */
async function claim(
    r: ShardedRedis,
    method: string,
    groups: Map<number, string[]>,
    bound: number,
    leaseUntil: number
): Promise<string[]> {
    const replies = await r.execShards(method, groups.keys(), (pipe, shard) =>
        pipe.adbClaim(r.shards[shard].deadlines, bound, leaseUntil, ...groups.get(shard)!)
    );
    return replies.flatMap(([ids]) => ids as string[]);
}
