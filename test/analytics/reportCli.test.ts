import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { createRedisStore } from '../../src/adapters/redis/RedisAgentStateStore';
import { openSharedStore } from '../../src/adapters/store/createAgentStateStore';
import { parseStoreConfig } from '../../src/adapters/store/storeConfig';
import type { DriftReport } from '../../src/analytics/driftReport';
import { parseReportCliArgs, runReportCli } from '../../src/analytics/reportCli';
import type { AgentRecord, EpisodeLogEntry } from '../../src/domain/adherence/types';
import { FakeClock } from '../support/FakeClock';
import { cleanup, redisUrl as REDIS_URL } from '../support/redis';
import { DAY, logOf } from '../support/episodeLog';

/** As `scripts/report.ts` opens it: the bot's own store configuration. */
const openStore = (env: Record<string, string | undefined>) => openSharedStore(parseStoreConfig(env));

function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, deps: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

describe('parseReportCliArgs', () => {
    it('reads flags in both forms and a bare number of days', () => {
        assert.deepEqual(parseReportCliArgs(['--days', '14', '--unit=mu1', '--team', 't1', '--json']), {
            args: { days: '14', unit: 'mu1', team: 't1', json: true, help: false },
            problems: []
        });
        assert.deepEqual(parseReportCliArgs(['3']).args.days, '3');
    });

    it('lists unknown arguments and missing values', () => {
        assert.deepEqual(parseReportCliArgs(['--days', '--json', '--what', 'x']).problems, [
            '--days needs a value',
            'unknown argument "--what"',
            'unknown argument "x"'
        ]);
    });
});

describe('runReportCli', () => {
    const clock = new FakeClock();
    const now = clock.now();
    const prefix = `test:analytics:${randomUUID()}:`;
    const admin = new Redis(REDIS_URL, { lazyConnect: true });
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, REDIS_SHARD_COUNT: '4', REPORT_TIME_ZONE: 'Europe/Dublin' };

    before(async () => {
        const store = createRedisStore({ url: REDIS_URL, keyPrefix: prefix, shardCount: 4 });
        const log: EpisodeLogEntry[] = logOf(
            { id: 'a', userId: 'u1', unit: 'mu1', startedAt: now - DAY, nudge: 6, resolve: 8 },
            {
                id: 'b',
                userId: 'u2',
                unit: 'mu1',
                startedAt: now - 2 * DAY,
                nudge: 6,
                alert: 10,
                ack: 12,
                explain: {
                    at: 7,
                    reason: 'System or tool problem',
                    recorded: 7,
                    decided: { at: 13, outcome: 'Denied' }
                },
                resolve: 30
            },
            { id: 'c', userId: 'u3', unit: 'mu2', startedAt: now - 3 * DAY, resolve: 12 },
            { id: 'p', userId: 'u3', unit: 'mu2', startedAt: now - 9 * DAY, resolve: 4 }
        );
        const byUser = new Map<string, EpisodeLogEntry[]>();
        for (const e of log) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
        const results = await store.commit(
            [...byUser].map(([userId, entries]) => {
                const record: AgentRecord = {
                    userId,
                    version: 1,
                    lastChangeAt: now - DAY,
                    managementUnitId: entries[0].managementUnitId,
                    state: { status: 'adherent' }
                };
                return { userId, expectedVersion: 0, record, dueAt: null, log: entries, outbox: [] };
            })
        );
        assert.ok(results.every((r) => r.ok));
        await store.close();
    });
    after(async () => {
        await cleanup(prefix, admin);
        admin.disconnect();
    });

    it('prints the figures of the configured Redis store as JSON', async () => {
        const c = capture();
        const code = await runReportCli(['--days', '7', '--json'], env, {
            ...c.deps,
            clock,
            openStore
        });
        assert.equal(code, 0, c.err.join('\n'));
        const report = JSON.parse(c.out.join('\n')) as DriftReport;
        assert.equal(report.totals.episodes, 3);
        assert.equal(report.totals.driftMinutes, 50);
        assert.equal(report.totals.selfCorrectionRate, 0.5);
        assert.equal(report.totals.ackMedianMs, 120_000);
        assert.equal(report.previous.driftMinutes, 4);
        assert.deepEqual(report.timeZones, ['Europe/Dublin']);
        assert.deepEqual(report.totals.explanationsByReason, [
            { reason: 'System or tool problem', explanations: 1, approved: 0, denied: 1, undecided: 0, notRecorded: 0 }
        ]);
        assert.equal(report.totals.decisionMedianMs, 6 * 60_000);
    });

    it('prints a readable text report for one unit', async () => {
        const c = capture();
        const code = await runReportCli(['--days', '7', '--unit', 'mu1'], env, {
            ...c.deps,
            clock,
            openStore
        });
        assert.equal(code, 0, c.err.join('\n'));
        const text = c.out.join('\n');
        assert.match(text, /Drift report, 7 days \(unit mu1\)/);
        assert.match(text, /Episodes\s+2 \(0 open\)/);
        assert.match(text, /Drift\s+38 min/);
        assert.match(text, /Nudge self-correction\s+50 % \(1\/2\)/);
        assert.match(text, /u2\s+1 episodes\s+30 min/);
        assert.match(text, /Drift by scheduled activity\n {2}On queue\s+2 episodes/, 'display names, not OnQueueWork');
        assert.match(text, /Explanations\s+1 \(1 decided\)/);
        assert.match(text, /Time to decision\s+median 6 min, p90 6 min/);
        assert.match(text, /Explanations by reason\n {2}System or tool problem\s+1: 1 denied/);
        assert.doesNotMatch(text, /u3/);
    });

    it('says the in-memory store has nothing to report when REDIS_URL is unset', async () => {
        const c = capture();
        let opened = false;
        const code = await runReportCli(
            ['--days', '7'],
            {},
            {
                ...c.deps,
                clock,
                openStore: (e) => {
                    const store = openStore(e);
                    opened = store !== undefined;
                    return store;
                }
            }
        );
        assert.equal(code, 1);
        assert.equal(opened, false);
        assert.match(c.err.join('\n'), /in-memory store.*nothing to report/);
    });

    it('rejects bad arguments and configuration with exit code 2 and every problem', async () => {
        const c = capture();
        assert.equal(await runReportCli(['--days', '0', '--nope'], env, { ...c.deps, clock, openStore }), 2);
        assert.match(c.err[0], /unknown argument "--nope"; days must be a whole number from 1 to 35/);
        const d = capture();
        assert.equal(
            await runReportCli([], { ...env, REPORT_TIME_ZONE: 'Nowhere' }, { ...d.deps, clock, openStore }),
            2
        );
        assert.match(d.err[0], /REPORT_TIME_ZONE/);
    });

    it('refuses a bad store configuration with exit code 2', async () => {
        const c = capture();
        const code = await runReportCli([], { ...env, REDIS_SHARD_COUNT: 'many' }, { ...c.deps, clock, openStore });
        assert.equal(code, 2);
        assert.match(c.err.join('\n'), /Invalid store configuration: [^]*REDIS_SHARD_COUNT/);
    });

    it('reports an unreachable store without printing the URL password', async () => {
        const c = capture();
        const code = await runReportCli([], env, {
            ...c.deps,
            clock,
            openStore: () => ({
                readLog: async () => {
                    throw Object.assign(new Error('connect ECONNREFUSED redis://user:hunter2@10.0.0.1'), {
                        code: 'ECONNREFUSED'
                    });
                },
                close: async () => undefined
            })
        });
        assert.equal(code, 1);
        assert.match(c.err.join('\n'), /REPORT_STORE_FAILED, ECONNREFUSED/);
        assert.doesNotMatch(c.err.join('\n'), /hunter2/);
    });
});
