import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as restify from 'restify';
import type { DriftReport } from '../../../src/analytics/driftReport';
import { createDriftReportService } from '../../../src/analytics/driftReportService';
import type { EpisodeLogEntry } from '../../../src/domain/adherence/types';
import type { LogQuery } from '../../../src/engine/ports';
import { DRIFT_REPORT_PATH, registerReportRoutes } from '../../../src/adapters/http/reportRoutes';
import { silentLogger } from '../../../src/kit/Logger';
import { FakeClock } from '../../support/FakeClock';
import { DAY, logOf } from '../../support/episodeLog';

const errorBody = async (res: Response) => (await res.json()) as { code: string; problems: string[] };

const TOKEN = 'report-token-0123456789abcdef';

async function listen(server: restify.Server): Promise<string> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function fakeStore(entries: EpisodeLogEntry[]) {
    const queries: LogQuery[] = [];
    let failing = false;
    return {
        queries,
        fail(on: boolean) {
            failing = on;
        },
        async readLog(q: LogQuery) {
            queries.push(q);
            if (failing) throw new Error('connect ECONNREFUSED 10.0.0.7:6379');
            return entries.filter(
                (e) =>
                    e.at >= q.fromAt &&
                    e.at < q.toAt &&
                    (q.managementUnitId === undefined || e.managementUnitId === q.managementUnitId)
            );
        }
    };
}

describe('registerReportRoutes', () => {
    const clock = new FakeClock();
    const now = clock.now();
    const store = fakeStore(
        logOf(
            { id: 'a', userId: 'u1', unit: 'mu1', team: 't1', startedAt: now - DAY, nudge: 6, resolve: 8 },
            { id: 'b', userId: 'u2', unit: 'mu1', team: 't2', startedAt: now - 2 * DAY, resolve: 30 },
            { id: 'c', userId: 'u3', unit: 'mu2', startedAt: now - 3 * DAY, resolve: 12 },
            { id: 'p', userId: 'u3', unit: 'mu2', startedAt: now - 10 * DAY, resolve: 4 }
        )
    );
    const service = createDriftReportService({
        store,
        clock,
        timeZoneOf: () => 'UTC',
        nameOf: (id) => (id === 'u1' ? 'Una' : undefined)
    });
    const logged: string[] = [];
    const logger = {
        ...silentLogger(),
        warn: (obj: object, msg: string) => logged.push(JSON.stringify({ ...obj, msg })),
        error: (obj: object, msg: string) => logged.push(JSON.stringify({ ...obj, msg }))
    };
    const server = restify.createServer();
    const disabled = restify.createServer();
    let base = '';
    let disabledBase = '';
    let registered: { enabled: boolean };

    before(async () => {
        registered = registerReportRoutes(server, {
            token: TOKEN,
            reports: service,
            limits: { defaultDays: 7, maxDays: 35 },
            logger
        });
        assert.deepEqual(
            registerReportRoutes(disabled, {
                token: undefined,
                reports: service,
                limits: { defaultDays: 7, maxDays: 35 }
            }),
            {
                enabled: false
            }
        );
        base = await listen(server);
        disabledBase = await listen(disabled);
    });
    after(() => {
        server.close();
        disabled.close();
    });

    const get = (query = '', auth: string | null = `Bearer ${TOKEN}`, at = base) =>
        fetch(`${at}${DRIFT_REPORT_PATH}${query}`, { headers: auth === null ? {} : { authorization: auth } });

    it('returns the drift report as JSON for a valid token', async () => {
        assert.equal(registered.enabled, true);
        const res = await get('?days=7');
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /application\/json/);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        const body = (await res.json()) as DriftReport;
        assert.deepEqual(body, JSON.parse(JSON.stringify(await service.report({ days: 7 }))));
        assert.equal(body.totals.episodes, 3);
        assert.equal(body.totals.driftMinutes, 50);
        assert.equal(body.previous.driftMinutes, 4);
        assert.deepEqual(
            body.topAgents.map((a) => a.name),
            ['u2', 'u3', 'Una']
        );
    });

    it('defaults to 7 days and filters by unit and team', async () => {
        const before = store.queries.length;
        const res = await get('?unit=mu1&team=t1');
        assert.equal(res.status, 200);
        const body = (await res.json()) as DriftReport;
        assert.equal(body.period.days, 7);
        assert.deepEqual(body.filter, { managementUnitId: 'mu1', teamId: 't1' });
        assert.equal(body.totals.driftMinutes, 8);
        assert.deepEqual(store.queries[before], { fromAt: now - 14 * DAY, toAt: now, managementUnitId: 'mu1' });
    });

    it('refuses a missing, malformed or wrong token with 401 and reads nothing', async () => {
        const before = store.queries.length;
        for (const auth of [
            null,
            TOKEN,
            `Basic ${TOKEN}`,
            'Bearer wrong',
            `Bearer ${TOKEN}x`,
            `Bearer ${TOKEN.slice(0, -1)}`,
            'Bearer '
        ]) {
            const res = await get('?days=7', auth);
            assert.equal(res.status, 401, String(auth));
            assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="reports"');
            assert.equal((await errorBody(res)).code, 'UNAUTHORIZED');
        }
        assert.equal(store.queries.length, before);
        assert.ok(logged.every((line) => !line.includes(TOKEN)));
    });

    it('answers 400 with every problem on bad parameters', async () => {
        const before = store.queries.length;
        for (const query of [
            '?days=0',
            '?days=36',
            '?days=abc',
            '?days=',
            '?day=7',
            '?days=7&days=8',
            '?unit=a%20b',
            '?team='
        ]) {
            const res = await get(query);
            assert.equal(res.status, 400, query);
            const body = await errorBody(res);
            assert.equal(body.code, 'REPORT_QUERY_INVALID');
            assert.ok(body.problems.length >= 1);
        }
        const res = await get('?days=x&unit=%24bad');
        assert.equal((await errorBody(res)).problems.length, 2);
        assert.equal(store.queries.length, before);
    });

    it('answers 503 without internals when the store fails, and recovers', async () => {
        store.fail(true);
        const res = await get();
        assert.equal(res.status, 503);
        assert.equal(res.headers.get('retry-after'), '5');
        const text = await res.text();
        assert.match(text, /REPORT_STORE_FAILED/);
        assert.doesNotMatch(text, /ECONNREFUSED|10\.0\.0\.7/);
        store.fail(false);
        assert.equal((await get()).status, 200);
    });

    it('is off (404) when no token is configured', async () => {
        const res = await get('?days=7', `Bearer ${TOKEN}`, disabledBase);
        assert.equal(res.status, 404);
        await res.text();
    });
});
