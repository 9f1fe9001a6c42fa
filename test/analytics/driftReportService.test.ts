import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAnalyticsError } from '../../src/analytics/AnalyticsError';
import { createDriftReportService } from '../../src/analytics/driftReportService';
import type { LogQuery } from '../../src/engine/ports';
import type { EpisodeLogEntry } from '../../src/domain/adherence/types';
import { FakeClock } from '../support/FakeClock';
import { DAY, HOUR, logOf } from '../support/episodeLog';

/** A small in-test readLog with the port's semantics (fromAt inclusive, toAt exclusive, optional unit). */
function fakeStore(entries: EpisodeLogEntry[]) {
    const queries: LogQuery[] = [];
    return {
        queries,
        async readLog(q: LogQuery) {
            queries.push(q);
            return entries.filter(
                (e) =>
                    e.at >= q.fromAt &&
                    e.at < q.toAt &&
                    (q.managementUnitId === undefined || e.managementUnitId === q.managementUnitId)
            );
        }
    };
}

describe('createDriftReportService', () => {
    it('reads the current and previous period once and reports the days ending now', async () => {
        const clock = new FakeClock();
        const now = clock.now();
        const store = fakeStore(
            logOf(
                { id: 'a', userId: 'u1', startedAt: now - 2 * DAY, resolve: 10 },
                { id: 'b', userId: 'u1', unit: 'mu2', startedAt: now - 3 * DAY, resolve: 5 },
                { id: 'c', userId: 'u2', startedAt: now - 10 * DAY, resolve: 20 },
                { id: 'd', userId: 'u2', startedAt: now - 20 * DAY, resolve: 40 }
            )
        );
        const service = createDriftReportService({ store, clock, timeZoneOf: () => 'UTC', retentionDays: 35 });
        const r = await service.report({ days: 7 });
        assert.deepEqual(store.queries, [{ fromAt: now - 14 * DAY, toAt: now }]);
        assert.equal(r.totals.driftMinutes, 15);
        assert.equal(r.previous.driftMinutes, 20);
        assert.deepEqual(r.period, { fromAt: now - 7 * DAY, toAt: now, days: 7 });

        const unit = await service.report({ days: 7, managementUnitId: 'mu2' });
        assert.equal(store.queries[1].managementUnitId, 'mu2');
        assert.equal(unit.totals.driftMinutes, 5);

        const long = await service.report({ days: 30 });
        assert.equal(long.previousPeriod.complete, false, '60 days exceed the 35 days retained');
        assert.equal(long.totals.driftMinutes, 75);
    });

    it('names the listed agents through the async directory, by id when unknown or when the look-up fails', async () => {
        const clock = new FakeClock();
        const now = clock.now();
        const store = fakeStore(
            logOf(
                { id: 'a', userId: 'u1', startedAt: now - 2 * DAY, resolve: 10 },
                { id: 'b', userId: 'gone', startedAt: now - 3 * DAY, resolve: 5 }
            )
        );
        const asked: string[][] = [];
        const service = createDriftReportService({
            store,
            clock,
            timeZoneOf: () => 'UTC',
            namesOf: async (ids) => {
                asked.push(ids);
                return new Map([['u1', 'Ana Agent']]);
            }
        });
        const r = await service.report({ days: 7 });
        assert.deepEqual(asked, [['u1', 'gone']]);
        assert.deepEqual(
            r.topAgents.map((a) => [a.userId, a.name, a.known]),
            [
                ['u1', 'Ana Agent', true],
                ['gone', 'gone', false]
            ]
        );
        const failing = createDriftReportService({
            store,
            clock,
            timeZoneOf: () => 'UTC',
            namesOf: async () => {
                throw new Error('directory down');
            }
        });
        assert.deepEqual(
            (await failing.report({ days: 7 })).topAgents.map((a) => a.name),
            ['u1', 'gone']
        );
    });

    it('measures open episodes up to now', async () => {
        const clock = new FakeClock();
        const store = fakeStore(logOf({ id: 'o', userId: 'u', startedAt: clock.now() - 2 * HOUR }));
        const service = createDriftReportService({ store, clock, timeZoneOf: () => 'UTC' });
        clock.advance(HOUR);
        const r = await service.report({ days: 1 });
        assert.equal(r.totals.openEpisodes, 1);
        assert.equal(r.totals.driftMinutes, 180);
    });

    it('turns a store failure into a retryable REPORT_STORE_FAILED', async () => {
        const service = createDriftReportService({
            store: {
                readLog: async () => {
                    throw new Error('ECONNREFUSED');
                }
            },
            clock: new FakeClock(),
            timeZoneOf: () => 'UTC'
        });
        await assert.rejects(service.report({ days: 7 }), (err: unknown) => {
            assert.ok(isAnalyticsError(err));
            assert.equal(err.code, 'REPORT_STORE_FAILED');
            assert.equal(err.retryable, true);
            return true;
        });
    });
});

describe('createDriftReportService sharing and caching', () => {
    it('shares one store read between identical requests in flight, not between different ones', async () => {
        const clock = new FakeClock();
        const store = fakeStore(logOf({ id: 'a', userId: 'u1', startedAt: clock.now() - DAY, resolve: 10 }));
        const service = createDriftReportService({ store, clock, timeZoneOf: () => 'UTC' });
        const [a, b, c] = await Promise.all([
            service.report({ days: 7 }),
            service.report({ days: 7 }),
            service.report({ days: 7, managementUnitId: 'mu1' })
        ]);
        assert.equal(store.queries.length, 2);
        assert.equal(a, b);
        assert.equal(c.totals.driftMinutes, 10);
        await service.report({ days: 7 });
        assert.equal(store.queries.length, 3, 'without cacheMs a finished report is not reused');
    });

    it('serves a report again within cacheMs and recomputes after it', async () => {
        const clock = new FakeClock();
        const entries = logOf({ id: 'a', userId: 'u1', startedAt: clock.now() - DAY, resolve: 10 });
        const store = fakeStore(entries);
        const service = createDriftReportService({ store, clock, timeZoneOf: () => 'UTC', cacheMs: 30_000 });
        const first = await service.report({ days: 7 });
        entries.push(...logOf({ id: 'b', userId: 'u2', startedAt: clock.now() - HOUR, resolve: 5 }));
        clock.advance(29_999);
        assert.equal(await service.report({ days: 7 }), first);
        assert.equal(store.queries.length, 1);
        clock.advance(1);
        const fresh = await service.report({ days: 7 });
        assert.equal(store.queries.length, 2);
        assert.equal(fresh.totals.driftMinutes, 15);
    });

    it('does not cache a failure', async () => {
        const clock = new FakeClock();
        let fail = true;
        const service = createDriftReportService({
            store: {
                readLog: async () => {
                    if (fail) throw new Error('down');
                    return [];
                }
            },
            clock,
            timeZoneOf: () => 'UTC',
            cacheMs: 60_000
        });
        await assert.rejects(service.report({ days: 7 }));
        fail = false;
        assert.equal((await service.report({ days: 7 })).totals.episodes, 0);
    });
});
