import type { EpisodeLogEntry } from '../../domain/adherence/types';
import type { LogQuery } from '../../engine/ports';
import type { ShardKeys } from './keys';
import { assertEpochMs } from '../store/validateStoreInput';
import { parseJson, type ShardedRedis } from './ShardedRedis';

/**
 * The log entries with `fromAt <= at < toAt` (of one unit when asked), in time order. Each shard's stream is read in
 * pages over `[fromAt, toAt - 1 + maxLag]`: a late entry's stream id is at most `maxLag` after its `at`.
 */
export async function readLog(r: ShardedRedis, query: LogQuery): Promise<EpisodeLogEntry[]> {
    r.assertOpen();
    assertEpochMs('readLog', 'fromAt', query?.fromAt);
    assertEpochMs('readLog', 'toAt', query.toAt);
    const { fromAt, toAt } = query;
    if (toAt <= fromAt) return [];
    const meta = await r.execShards('readLog', r.shards.keys(), (pipe, shard) =>
        pipe.hget(r.shards[shard].logMeta, 'maxLag')
    );
    const lags = meta.map(([v]) => Number(v ?? 0));
    const perShard = await Promise.all(r.shards.map((k, shard) => readShardLog(r, k, query, lags[shard])));
    return perShard.flat().sort((a, b) => a.at - b.at);
}

/** One shard's entries of the query, read in pages of `pageSize`. */
async function readShardLog(
    r: ShardedRedis,
    k: ShardKeys,
    { fromAt, toAt, managementUnitId }: LogQuery,
    maxLag: number
): Promise<EpisodeLogEntry[]> {
    // Stream ids are max(entry.at, previous id): an entry's id is >= its `at`, and at most `maxLag` later.
    const end = String(toAt - 1 + maxLag);
    const entries: EpisodeLogEntry[] = [];
    let start = String(fromAt);
    for (;;) {
        const page = await r.call('readLog', () => r.redis.xrange(k.log, start, end, 'COUNT', r.settings.pageSize));
        for (const [, fields] of page) {
            const f = fieldMap(fields);
            const at = Number(f.at);
            if (at < fromAt || at >= toAt) continue;
            if (managementUnitId !== undefined && f.mu !== managementUnitId) continue;
            entries.push(parseJson<EpisodeLogEntry>(f.e ?? '', 'episode-log entry'));
        }
        if (page.length < r.settings.pageSize) break;
        start = `(${page[page.length - 1][0]}`;
    }
    return entries;
}

/** Drops the entries whose stream id is older than `beforeAt` (`XTRIM MINID`) on every shard; how many. */
export async function trimLog(r: ShardedRedis, beforeAt: number): Promise<number> {
    r.assertOpen();
    assertEpochMs('trimLog', 'beforeAt', beforeAt);
    const results = await r.execShards('trimLog', r.shards.keys(), (pipe, shard) =>
        pipe.xtrim(r.shards[shard].log, 'MINID', String(beforeAt))
    );
    return results.reduce<number>((sum, [n]) => sum + Number(n), 0);
}

/** A stream entry's fields by name. */
function fieldMap(fields: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) out[fields[i]] = fields[i + 1];
    return out;
}
