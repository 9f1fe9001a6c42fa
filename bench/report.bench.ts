/**
 * Drift report benchmark: 30 days of a 1,500-agent unit (about 50,000 episodes) plus the retained part of the
 * previous period, computed by the pure `computeDriftReport`, then rendered as the Teams card.
 * Run: npx tsx bench/report.bench.ts    (one JSON line per result; target: compute <= 1000 ms)
 *      npx tsx bench/report.bench.ts --redis   also loads the log into a real Redis (REDIS_URL, default
 *      127.0.0.1:6379, under a unique prefix deleted afterwards) and measures readLog + compute end to end.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { createRedisStore } from '../src/adapters/redis/RedisAgentStateStore';
import { computeDriftReport } from '../src/analytics/computeDriftReport';
import { renderReportCard } from '../src/cards/renderReportCard';
import type { ActivityCategory, AgentRecord, EpisodeLogEntry, SuppressReason } from '../src/domain/adherence/types';
import type { StateChange } from '../src/engine/ports';
import { seededRandom } from '../src/emulator/seededRandom';

const MIN = 60_000;
const DAY = 86_400_000;
const AGENTS = 1_500;
const DAYS = 30;
const RETAINED_DAYS = 35;
const EPISODES_PER_DAY = Math.round(50_000 / DAYS);
const TARGET_MS = 1_000;

function buildLog(toAt: number): { entries: EpisodeLogEntry[]; episodes: number } {
    const random = seededRandom(42);
    const categories: ActivityCategory[] = [
        'OnQueueWork',
        'OnQueueWork',
        'OnQueueWork',
        'Break',
        'Meal',
        'Meeting',
        'Training'
    ];
    const reasons: SuppressReason[] = [
        'excluded',
        'snoozed',
        'approved-overtime',
        'schedule-exception',
        'positive-impact'
    ];
    const entries: EpisodeLogEntry[] = [];
    const fromAt = toAt - RETAINED_DAYS * DAY;
    const total = EPISODES_PER_DAY * RETAINED_DAYS;
    for (let i = 0; i < total; i++) {
        const userId = `agent-${String(Math.floor(random() * AGENTS)).padStart(5, '0')}`;
        const startedAt = fromAt + Math.floor(random() * RETAINED_DAYS * DAY);
        const lengthMin = 1 + Math.floor(random() ** 2 * 45);
        const base = {
            userId,
            managementUnitId: 'mu-bench',
            teamId: `team-${userId.charCodeAt(userId.length - 1) % 8}`,
            episodeId: `${userId}:${startedAt}`,
            startedAt,
            scheduledCategory: categories[Math.floor(random() * categories.length)],
            actualCategory: 'Unavailable' as const,
            impact: 'Negative' as const
        };
        const endAt = startedAt + lengthMin * MIN;
        entries.push({ ...base, type: 'start', at: startedAt });
        const suppressed = random() < 0.1;
        if (suppressed) {
            const reason = reasons[Math.floor(random() * reasons.length)];
            entries.push({ ...base, type: 'suppressed', at: startedAt + 6 * MIN, stage: 'nudge', reason });
            if (lengthMin > 10)
                entries.push({ ...base, type: 'suppressed', at: startedAt + 10 * MIN, stage: 'alert', reason });
        } else {
            if (lengthMin > 6) entries.push({ ...base, type: 'nudge', at: startedAt + 6 * MIN, stage: 'nudge' });
            if (lengthMin > 10) {
                entries.push({ ...base, type: 'alert', at: startedAt + 10 * MIN, stage: 'alert' });
                if (random() < 0.7) {
                    const ackAt = startedAt + (10 + random() * Math.max(1, lengthMin - 10)) * MIN;
                    entries.push({ ...base, type: 'acknowledge', at: Math.floor(ackAt), by: 'sup-1' });
                }
            }
            if (lengthMin > 15)
                entries.push({ ...base, type: 'exception', at: startedAt + 15 * MIN, stage: 'exception' });
        }
        if (endAt < toAt) entries.push({ ...base, type: 'resolve', at: endAt, durationMs: lengthMin * MIN });
    }
    entries.sort((a, b) => a.at - b.at);
    // Shaped as `readLog` returns them: the Redis store JSON-parses every entry. (Objects built with spreads, as
    // above, are dictionary-mode in V8 and several times slower to read; that would measure the generator.)
    return { entries: entries.map((e) => JSON.parse(JSON.stringify(e)) as EpisodeLogEntry), episodes: total };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
    console.log(JSON.stringify({ bench: 'report', metric, value: Math.round(value * 100) / 100, unit, ...extra }));
}

// A window across the US fall-back change, so DST handling is part of the measured path.
const toAt = Date.UTC(2026, 10, 20);
const { entries, episodes } = buildLog(toAt);
const names = new Map<string, string>();
for (let i = 0; i < AGENTS; i++)
    if (i % 50 !== 0) names.set(`agent-${String(i).padStart(5, '0')}`, `Agent Number ${i}`);
const input = {
    entries,
    current: { fromAt: toAt - DAYS * DAY, toAt },
    timeZoneOf: () => 'America/Chicago',
    nameOf: (id: string) => names.get(id),
    retainedFromAt: toAt - RETAINED_DAYS * DAY
};

const coldStart = performance.now();
const report = computeDriftReport(input);
const coldMs = performance.now() - coldStart;
const runs: number[] = [];
for (let i = 0; i < 7; i++) {
    const t = performance.now();
    computeDriftReport(input);
    runs.push(performance.now() - t);
}
const renderRuns: number[] = [];
let cardBytes = 0;
for (let i = 0; i < 5; i++) {
    const t = performance.now();
    cardBytes = JSON.stringify(renderReportCard(report)).length;
    renderRuns.push(performance.now() - t);
}

const context = {
    agents: AGENTS,
    days: DAYS,
    episodesInPeriod: report.totals.episodes,
    logEntries: entries.length,
    episodesGenerated: episodes
};
emit('compute_cold_ms', coldMs, 'ms', { target: TARGET_MS, pass: coldMs <= TARGET_MS, ...context });
emit('compute_median_ms', median(runs), 'ms', {
    target: TARGET_MS,
    pass: median(runs) <= TARGET_MS,
    runs: runs.length,
    ...context
});
emit('card_render_median_ms', median(renderRuns), 'ms', { target: 200, pass: median(renderRuns) <= 200 });
emit('card_bytes', cardBytes, 'bytes', { target: 28_000, pass: cardBytes <= 28_000 });
emit('report_json_bytes', JSON.stringify(report).length, 'bytes');

async function redisEndToEnd(): Promise<void> {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = `bench:report:${randomUUID()}:`;
    const store = createRedisStore({ url, keyPrefix: prefix, logMaxLen: 1_000_000 });
    const admin = new Redis(url);
    try {
        const byUser = new Map<string, EpisodeLogEntry[]>();
        for (const e of entries) {
            const list = byUser.get(e.userId);
            if (list) list.push(e);
            else byUser.set(e.userId, [e]);
        }
        const changes: StateChange[] = [...byUser].map(([userId, log]) => {
            const record: AgentRecord = {
                userId,
                version: 1,
                lastChangeAt: toAt,
                managementUnitId: 'mu-bench',
                state: { status: 'adherent' }
            };
            return { userId, expectedVersion: 0, record, dueAt: null, log, outbox: [] };
        });
        const loadStart = performance.now();
        for (let i = 0; i < changes.length; i += 50) await store.commit(changes.slice(i, i + 50));
        emit('redis_load_ms', performance.now() - loadStart, 'ms', { logEntries: entries.length });
        const runs: number[] = [];
        const reads: number[] = [];
        for (let i = 0; i < 3; i++) {
            const t = performance.now();
            const read = await store.readLog({ fromAt: toAt - 2 * DAYS * DAY, toAt, managementUnitId: 'mu-bench' });
            reads.push(performance.now() - t);
            computeDriftReport({ ...input, entries: read });
            runs.push(performance.now() - t);
        }
        emit('redis_readlog_median_ms', median(reads), 'ms', { logEntries: entries.length });
        emit('redis_read_and_compute_median_ms', median(runs), 'ms', {
            note: 'end to end, not the 1 s compute target'
        });
    } finally {
        await store.close();
        let cursor = '0';
        do {
            const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
            cursor = next;
            if (keys.length > 0) await admin.del(...keys);
        } while (cursor !== '0');
        admin.disconnect();
    }
}

if (process.argv.includes('--redis')) {
    redisEndToEnd().catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    });
}
