import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDriftReport } from '../../src/analytics/computeDriftReport';
import { reportCardAttachment, renderReportCard } from '../../src/cards/renderReportCard';
import { logOf } from '../support/episodeLog';

const at = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const WEEK = { fromAt: at(2026, 11, 16), toAt: at(2026, 11, 23) };

type Element = Record<string, unknown> & { type: string };

/** Every element of the card body, depth first, including fallbacks, table cells and their items. */
function elements(card: Record<string, unknown>): Element[] {
    const out: Element[] = [];
    const walk = (value: unknown) => {
        if (Array.isArray(value)) value.forEach(walk);
        else if (value !== null && typeof value === 'object') {
            const obj = value as Record<string, unknown>;
            if (typeof obj.type === 'string') out.push(obj as Element);
            for (const v of Object.values(obj)) walk(v);
        }
    };
    walk(card.body);
    return out;
}

/** The value of a FactSet fact of the card by its title. */
function factOf(card: Record<string, unknown>): (title: string) => string | undefined {
    const facts = elements(card)
        .filter((e) => e.type === 'FactSet')
        .flatMap((e) => e.facts as Array<{ title: string; value: string }>);
    return (title) => facts.find((f) => f.title === title)?.value;
}

function texts(card: Record<string, unknown>): string[] {
    return elements(card)
        .filter((e) => e.type === 'TextBlock')
        .map((e) => String(e.text));
}

const report = computeDriftReport({
    entries: logOf(
        { id: 'p', userId: 'bob', startedAt: at(2026, 11, 10, 9), nudge: 6, resolve: 7 },
        {
            id: 'a',
            userId: 'alice',
            startedAt: at(2026, 11, 17, 9, 10),
            category: 'Break',
            nudge: 6,
            alert: 10,
            ack: 13,
            exception: 15,
            escalate: [{ level: 1, at: 15 }],
            explain: {
                at: 11,
                reason: 'Still with a customer',
                recorded: 11,
                decided: { at: 14, outcome: 'Approved' }
            },
            resolve: 20
        },
        {
            id: 'b',
            userId: 'bob',
            startedAt: at(2026, 11, 18, 14),
            category: 'Meal',
            nudge: 6,
            explain: { at: 7, reason: 'Still with a customer', recorded: 7, error: 'forbidden' },
            resolve: 8
        },
        {
            id: 'c',
            userId: 'gone',
            startedAt: at(2026, 11, 19, 14, 30),
            resolve: 25,
            suppressed: [{ stage: 'alert', reason: 'snoozed', at: 10 }]
        }
    ),
    current: WEEK,
    timeZoneOf: () => 'Europe/Dublin',
    nameOf: (id) => ({ alice: 'Alice [admin](http://x)', bob: 'Bob Ng' })[id]
});

describe('renderReportCard', () => {
    const card = renderReportCard(report);

    it('renders an Adaptive Card 1.5 with no unbound template expressions', () => {
        assert.equal(card.type, 'AdaptiveCard');
        assert.equal(card.version, '1.5');
        assert.doesNotMatch(JSON.stringify(card), /\$\{|\$data|\$when/);
        assert.equal(texts(card)[0], 'Drift report: last 7 days');
        assert.match(texts(card)[1], /16 Nov 2026.* to 23 Nov 2026.*\(Europe\/Dublin\)/);
    });

    it('charts drift by local hour with 24 bars and a FactSet fallback of the peak hours', () => {
        const chart = elements(card).find((e) => e.type === 'Chart.VerticalBar')!;
        const data = chart.data as Array<{ x: string; y: number }>;
        assert.equal(data.length, 24);
        assert.deepEqual(data[14], { x: '14', y: 33 });
        assert.deepEqual(data[9], { x: '9', y: 20 });
        assert.deepEqual(
            data.map((d) => d.x),
            Array.from({ length: 24 }, (_, h) => String(h)),
            'bare hours: Teams cuts `00:00` on 24 narrow bars to `0.`'
        );
        assert.equal(chart.xAxisTitle, 'local hour (0-23)');
        assert.equal(chart.yAxisTitle, 'drift minutes');
        const fallback = chart.fallback as { type: string; facts: Array<{ title: string; value: string }> };
        assert.equal(fallback.type, 'FactSet');
        assert.deepEqual(fallback.facts, [
            { title: '14:00', value: '33 min, 2 started' },
            { title: '09:00', value: '20 min, 1 started' }
        ]);
    });

    it('charts drift per scheduled activity with a Table fallback', () => {
        const chart = elements(card).find((e) => e.type === 'Chart.HorizontalBar')!;
        assert.deepEqual(chart.data, [
            { x: 'On queue', y: 25 },
            { x: 'Break', y: 20 },
            { x: 'Meal', y: 8 }
        ]);
        // Horizontal bars: the activities run down the vertical (y) axis, the minutes along the horizontal (x) one.
        assert.equal(chart.xAxisTitle, 'drift minutes');
        assert.equal(chart.yAxisTitle, 'activity');
        const fallback = chart.fallback as { type: string; rows: unknown[] };
        assert.equal(fallback.type, 'Table');
        assert.equal(fallback.rows.length, 4, 'header and one row per activity');
        const rowTexts = texts({ body: fallback.rows });
        assert.ok(rowTexts.includes('On queue'), 'display names in the fallback too');
        assert.ok(!rowTexts.includes('OnQueueWork'));
    });

    it('shows a category none of the known ones as sent, never a prototype member', () => {
        const odd = computeDriftReport({
            entries: logOf(
                { id: 'x', userId: 'a', startedAt: at(2026, 11, 17, 9), category: 'constructor', resolve: 5 },
                { id: 'y', userId: 'a', startedAt: at(2026, 11, 17, 11), category: 'Coaching', resolve: 5 }
            ),
            current: WEEK,
            timeZoneOf: () => 'UTC'
        });
        const chart = elements(renderReportCard(odd)).find((e) => e.type === 'Chart.HorizontalBar')!;
        assert.deepEqual((chart.data as Array<{ x: string }>).map((d) => d.x).sort(), ['Coaching', 'constructor']);
    });

    it('lists top agents in a table, removed agents by id, names with links neutralised', () => {
        const all = texts(card);
        assert.ok(all.includes('gone (unknown agent)'));
        assert.ok(all.includes('Bob Ng'));
        assert.ok(all.includes('Alice \\[admin\\](http://x)'));
    });

    it('shows headline figures with the change against the previous period and suppressions by reason', () => {
        const fact = factOf(card);
        assert.equal(fact('Episodes'), '3 (0 open) · +2 (+200 %)');
        assert.equal(fact('Nudge self-correction'), '50 % (1 of 2) · −50 pts (−50 %)');
        assert.equal(fact('Time to acknowledge'), 'median 3 min, p90 3 min (1 of 1 alerts)');
        assert.equal(fact('Formal exceptions'), '1 · +1');
        assert.equal(fact('Escalated'), '1 of 1 alerts (level 1: 1)');
        assert.equal(fact('Snoozed'), '1');
    });

    it('shows the explanations, the time to decision and a FactSet of explanations by reason and outcome', () => {
        const fact = factOf(card);
        assert.equal(fact('Explanations'), '2 (1 decided)');
        assert.equal(fact('Time to decision'), 'median 3 min, p90 3 min (1 decided)');
        assert.ok(texts(card).includes('Explanations by reason'));
        assert.equal(fact('Still with a customer'), '2: 1 approved, 1 undecided, 1 not recorded by Genesys');
        const empty = renderReportCard(computeDriftReport({ entries: [], current: WEEK, timeZoneOf: () => 'UTC' }));
        assert.ok(!texts(empty).includes('Explanations by reason'));
    });

    it('says so when there is nothing to report and leaves the charts out', () => {
        const empty = renderReportCard(computeDriftReport({ entries: [], current: WEEK, timeZoneOf: () => 'UTC' }));
        assert.ok(texts(empty).includes('No drift episodes in this period.'));
        assert.equal(elements(empty).filter((e) => e.type.startsWith('Chart.')).length, 0);
        assert.equal(elements(empty).filter((e) => e.type === 'Table').length, 0);
    });

    it('stays well under the Teams message size limit for a full report', () => {
        const entries = logOf(
            ...Array.from({ length: 400 }, (_, i) => ({
                id: `e${i}`,
                userId: `agent-with-a-rather-long-identifier-${i % 60}`,
                startedAt: WEEK.fromAt + i * 1_500_000,
                resolve: 5 + (i % 30)
            }))
        );
        const big = computeDriftReport({ entries, current: WEEK, timeZoneOf: () => 'UTC', topAgents: 50 });
        const attachment = reportCardAttachment(big);
        assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
        assert.ok(JSON.stringify(attachment).length < 28_000, `${JSON.stringify(attachment).length} bytes`);
    });
});
