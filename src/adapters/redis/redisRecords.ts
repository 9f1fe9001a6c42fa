import type { AgentRecord } from '../../domain/adherence/types';
import type { CommitResult, StateChange } from '../../engine/ports';
import { assertIds, validateChanges } from '../store/validateStoreInput';
import { pairsOf, parseJson, type ShardedRedis } from './ShardedRedis';

/** The records of these agents (absent ones left out): one HMGET per shard, one pipeline. */
export async function getRecords(r: ShardedRedis, userIds: readonly string[]): Promise<Map<string, AgentRecord>> {
    r.assertOpen();
    assertIds('getMany', 'userIds', userIds);
    const out = new Map<string, AgentRecord>();
    if (userIds.length === 0) return out;
    const groups = r.groupByShard(userIds);
    const results = await r.execShards('getMany', groups.keys(), (pipe, shard) =>
        pipe.hmget(r.shards[shard].records, ...groups.get(shard)!)
    );
    let g = 0;
    for (const [, ids] of groups) {
        const values = results[g++][0] as Array<string | null>;
        ids.forEach((id, i) => {
            const raw = values[i];
            if (raw !== null) out.set(id, parseJson<AgentRecord>(raw, `record of ${id}`));
        });
    }
    return out;
}

/** Every record, a page at a time: HSCAN of all shards in parallel, duplicates HSCAN may return dropped. */
export async function loadAllRecords(r: ShardedRedis, onPage: (records: AgentRecord[]) => void): Promise<void> {
    r.assertOpen();
    await r.checkServer();
    await Promise.all(
        r.shards.map(async (keys) => {
            const seen = new Set<string>();
            let cursor = '0';
            do {
                const [next, flat] = await r.call('loadAll', () =>
                    r.redis.hscan(keys.records, cursor, 'COUNT', r.settings.pageSize)
                );
                cursor = next;
                const page: AgentRecord[] = [];
                for (const [userId, raw] of pairsOf(flat)) {
                    if (seen.has(userId)) continue;
                    seen.add(userId);
                    page.push(parseJson<AgentRecord>(raw, `record of ${userId}`));
                }
                if (page.length > 0) onPage(page);
            } while (cursor !== '0');
        })
    );
}

/**
 * Commits the changes, each its own compare-and-set on the agent's version (`COMMIT_LUA`): record, version, deadline,
 * log entries and new outbox keys together, or nothing on a version conflict. One script call per shard, every call in
 * one pipeline. Malformed input is refused before anything is written.
 */
export async function commitChanges(r: ShardedRedis, changes: readonly StateChange[]): Promise<CommitResult[]> {
    r.assertOpen();
    validateChanges(changes);
    if (changes.length === 0) return [];
    await r.checkServer();
    const byShard = new Map<number, number[]>();
    changes.forEach((change, i) => {
        const shard = r.shardOf(change.userId);
        const list = byShard.get(shard);
        if (list) list.push(i);
        else byShard.set(shard, [i]);
    });
    const replies = await r.execShards('commit', byShard.keys(), (pipe, shard) =>
        pipe.adbCommit(
            ...commitArgs(
                r,
                shard,
                byShard.get(shard)!.map((i) => changes[i])
            )
        )
    );
    const applied = new Array<boolean>(changes.length);
    [...byShard.values()].forEach((indexes, call) =>
        indexes.forEach((i, c) => (applied[i] = (replies[call][0] as number[])[c] === 1))
    );
    return changes.map((change, i) =>
        applied[i]
            ? { userId: change.userId, ok: true }
            : { userId: change.userId, ok: false, reason: 'version-conflict' }
    );
}

/** The keys and arguments of one `COMMIT_LUA` call: the shard's keys, the settings, then each change flattened. */
function commitArgs(r: ShardedRedis, shard: number, changes: readonly StateChange[]): Array<string | number> {
    const k = r.shards[shard];
    const args: Array<string | number> = [
        k.records,
        k.versions,
        k.deadlines,
        k.log,
        k.logMeta,
        k.outbox,
        k.outboxDue,
        k.outboxAttempts,
        k.outboxSeen,
        r.settings.logMaxLen,
        r.settings.outboxKeyTtlMs,
        changes.length
    ];
    for (const change of changes) {
        args.push(
            change.userId,
            change.expectedVersion,
            JSON.stringify(change.record),
            change.dueAt === null ? '' : change.dueAt,
            change.log.length
        );
        for (const entry of change.log) args.push(entry.at, entry.managementUnitId, JSON.stringify(entry));
        args.push(change.outbox.length);
        for (const n of change.outbox) args.push(n.key, n.at, JSON.stringify({ notification: n, enqueuedAt: n.at }));
    }
    return args;
}
