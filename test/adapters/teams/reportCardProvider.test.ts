import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDriftReportService } from '../../../src/analytics/driftReportService';
import { createReportCardProvider } from '../../../src/adapters/teams/reportCardProvider';
import type { EpisodeLogEntry } from '../../../src/domain/adherence/types';
import type { LogQuery } from '../../../src/engine/ports';
import { FakeClock } from '../../support/FakeClock';
import { DAY, logOf } from '../../support/episodeLog';

function texts(card: Record<string, unknown>): string[] {
    const out: string[] = [];
    const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
            const o = v as Record<string, unknown>;
            if (o.type === 'TextBlock') out.push(String(o.text));
            Object.values(o).forEach(walk);
        }
    };
    walk(card.body);
    return out;
}

describe('createReportCardProvider', () => {
    const clock = new FakeClock();
    const now = clock.now();
    const entries = logOf(
        { id: 'a', userId: 'u1', unit: 'mu1', startedAt: now - DAY, resolve: 10 },
        { id: 'b', userId: 'u2', unit: 'mu2', startedAt: now - DAY, resolve: 20 },
        { id: 'c', userId: 'u3', unit: 'mu3', startedAt: now - DAY, resolve: 40 }
    );
    const queries: LogQuery[] = [];
    let failing = false;
    const store = {
        async readLog(q: LogQuery): Promise<EpisodeLogEntry[]> {
            queries.push(q);
            if (failing) throw new Error('down');
            return entries.filter(
                (e) =>
                    e.at >= q.fromAt &&
                    e.at < q.toAt &&
                    (!q.managementUnitId || e.managementUnitId === q.managementUnitId)
            );
        }
    };
    const provider = createReportCardProvider({
        reports: createDriftReportService({ store, clock, timeZoneOf: () => 'UTC' }),
        limits: { defaultDays: 7, maxDays: 35 }
    });

    it('reports the units of a channel, reading each unit', async () => {
        const card = await provider(7, ['mu1', 'mu2']);
        assert.deepEqual(
            queries.map((q) => q.managementUnitId),
            ['mu1', 'mu2']
        );
        const all = texts(card);
        assert.match(all[1], /units mu1, mu2/);
        assert.ok(all.includes('u2'));
        assert.ok(!all.includes('u3'));
    });

    it('reports every unit when none is given', async () => {
        queries.length = 0;
        const card = await provider(14, []);
        assert.equal(queries.length, 1);
        assert.equal(queries[0].managementUnitId, undefined);
        assert.equal(texts(card)[0], 'Drift report: last 14 days');
        assert.ok(texts(card).includes('u3'));
    });

    it('answers a period outside the limits or a store failure with a notice card', async () => {
        assert.match(texts(await provider(90, []))[1], /days from 1 to 35/);
        failing = true;
        assert.match(texts(await provider(7, []))[1], /unavailable right now/);
        failing = false;
    });
});
