import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeDriftReport } from '../../src/analytics/computeDriftReport';
import type { EpisodeSpec } from '../support/episodeLog';
import { DAY, HOUR, MIN, episodeLog, logOf } from '../support/episodeLog';

const utc = () => 'UTC';
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

const WEEK = { fromAt: at(2026, 11, 16), toAt: at(2026, 11, 23) };
const names: Record<string, string> = { alice: 'Alice Smith-Jones', bob: 'Bob Ng', dave: 'Dave Ortiz' };
const nameOf = (id: string) => names[id];

const currentWeek: EpisodeSpec[] = [
    { id: 'e1', userId: 'alice', startedAt: at(2026, 11, 16, 9), nudge: 6, resolve: 8 },
    {
        id: 'e2',
        userId: 'alice',
        startedAt: at(2026, 11, 17, 9, 10),
        category: 'Break',
        nudge: 6,
        alert: 10,
        ack: 13,
        exception: 15,
        resolve: 20
    },
    {
        id: 'e3',
        userId: 'bob',
        startedAt: at(2026, 11, 18, 14),
        category: 'Meal',
        nudge: 6,
        alert: 10,
        ack: 11,
        resolve: 12
    },
    { id: 'e4', userId: 'carol', startedAt: at(2026, 11, 19, 14, 30), nudge: 6, alert: 10, ack: 20, resolve: 25 },
    {
        id: 'e5',
        userId: 'bob',
        startedAt: at(2026, 11, 20, 14, 50),
        category: 'Meeting',
        resolve: 30,
        suppressed: [
            { stage: 'nudge', reason: 'excluded', at: 6 },
            { stage: 'alert', reason: 'excluded', at: 10 }
        ]
    },
    { id: 'e6', userId: 'dave', startedAt: at(2026, 11, 22, 23), nudge: 6 },
    {
        id: 'e7',
        userId: 'dave',
        startedAt: at(2026, 11, 21, 10),
        impact: 'Positive',
        resolve: 12,
        suppressed: [
            { stage: 'nudge', reason: 'positive-impact', at: 6 },
            { stage: 'alert', reason: 'positive-impact', at: 10 },
            { stage: 'alert', reason: 'positive-impact', at: 11 }
        ]
    }
];
const previousWeek: EpisodeSpec[] = [
    { id: 'p1', userId: 'alice', startedAt: at(2026, 11, 10, 9), nudge: 6, resolve: 7 },
    { id: 'p2', userId: 'bob', startedAt: at(2026, 11, 12, 9), nudge: 6, alert: 10, ack: 12, resolve: 16 },
    { id: 'p0', userId: 'carol', startedAt: at(2026, 11, 15, 23, 50), resolve: 20 }
];
const older: EpisodeSpec[] = [{ id: 'o1', userId: 'alice', startedAt: at(2026, 11, 2, 9), nudge: 6, resolve: 7 }];

describe('computeDriftReport', () => {
    const report = computeDriftReport({
        entries: logOf(...older, ...previousWeek, ...currentWeek),
        current: WEEK,
        timeZoneOf: utc,
        nameOf
    });

    it('computes the headline figures of the period from a hand-built log', () => {
        const t = report.totals;
        assert.equal(t.episodes, 7);
        assert.equal(t.openEpisodes, 1);
        assert.equal(t.agents, 4);
        assert.equal(t.driftMinutes, 8 + 20 + 12 + 25 + 30 + 60 + 12);
        assert.equal(t.nudgesSent, 5);
        assert.equal(t.alertsSent, 3);
        assert.equal(t.exceptions, 1);
        assert.deepEqual(report.period, { ...WEEK, days: 7 });
    });

    it('counts a nudge as self-corrected only when the episode ended after it and before any alert', () => {
        assert.equal(report.totals.selfCorrected, 1);
        assert.equal(report.totals.nudgeOutcomes, 4, 'the open, not yet alerted episode has no outcome yet');
        assert.equal(report.totals.selfCorrectionRate, 0.25);
    });

    it('gives the median and nearest-rank p90 of the time to acknowledge', () => {
        assert.equal(report.totals.acknowledged, 3);
        assert.equal(report.totals.unacknowledged, 0);
        assert.equal(report.totals.ackMedianMs, 3 * MIN);
        assert.equal(report.totals.ackP90Ms, 10 * MIN);
    });

    it('counts suppressed nudges and alerts by reason, once per episode, stage and reason', () => {
        assert.equal(report.totals.suppressed.excluded, 2);
        assert.equal(report.totals.suppressed['positive-impact'], 2);
        assert.equal(report.totals.suppressed.snoozed, 0);
        assert.equal(report.totals.suppressedTotal, 4);
    });

    it('counts escalated alerts and their levels, each level once per episode', () => {
        const report = computeDriftReport({
            entries: logOf(
                { id: 'x1', userId: 'a', startedAt: at(2026, 11, 17, 9), alert: 10, escalate: [{ level: 1, at: 15 }] },
                {
                    id: 'x2',
                    userId: 'b',
                    startedAt: at(2026, 11, 17, 10),
                    alert: 10,
                    escalate: [
                        { level: 1, at: 15 },
                        { level: 1, at: 15 },
                        { level: 2, at: 20 }
                    ]
                },
                { id: 'x3', userId: 'c', startedAt: at(2026, 11, 17, 11), alert: 10, ack: 12 }
            ),
            current: WEEK,
            timeZoneOf: utc
        });
        assert.equal(report.totals.escalated, 2);
        assert.deepEqual(report.totals.escalationsByLevel, [
            { level: 1, escalations: 2 },
            { level: 2, escalations: 1 }
        ]);
        assert.equal(report.previous.escalated, 0);
    });

    it('counts explanations by reason and outcome, not recorded by Genesys, and the time to decision', () => {
        const customer = 'Still with a customer';
        const tool = 'System or tool problem';
        const report = computeDriftReport({
            entries: logOf(
                {
                    id: 'y1',
                    userId: 'a',
                    startedAt: at(2026, 11, 17, 9),
                    alert: 10,
                    explain: { at: 7, reason: customer, recorded: 7, decided: { at: 9, outcome: 'Approved' } }
                },
                {
                    id: 'y2',
                    userId: 'b',
                    startedAt: at(2026, 11, 17, 10),
                    explain: { at: 6, reason: customer, recorded: 6, decided: { at: 16, outcome: 'Denied' } }
                },
                {
                    id: 'y3',
                    userId: 'c',
                    startedAt: at(2026, 11, 18, 10),
                    explain: { at: 6, reason: customer, recorded: 7, error: 'forbidden' }
                },
                {
                    id: 'y4',
                    userId: 'a',
                    startedAt: at(2026, 11, 19, 10),
                    explain: {
                        at: 8,
                        reason: tool,
                        recorded: 8,
                        error: 'unreachable',
                        decided: { at: 12, outcome: 'Approved' }
                    }
                },
                { id: 'y5', userId: 'd', startedAt: at(2026, 11, 19, 11), nudge: 6 },
                {
                    id: 'yp',
                    userId: 'a',
                    startedAt: at(2026, 11, 12, 9),
                    explain: { at: 6, reason: tool, recorded: 6, decided: { at: 36, outcome: 'Denied' } }
                }
            ),
            current: WEEK,
            timeZoneOf: utc
        });
        const t = report.totals;
        assert.equal(t.explanations, 4);
        assert.deepEqual(t.explanationsByReason, [
            { reason: customer, explanations: 3, approved: 1, denied: 1, undecided: 1, notRecorded: 1 },
            { reason: tool, explanations: 1, approved: 1, denied: 0, undecided: 0, notRecorded: 1 }
        ]);
        assert.equal(t.decided, 3);
        // Decisions after 2, 4 and 10 minutes.
        assert.equal(t.decisionMedianMs, 4 * MIN);
        assert.equal(t.decisionP90Ms, 10 * MIN);
        // The previous period has its own explanation, by the episode's start.
        assert.equal(report.previous.explanations, 1);
        assert.deepEqual(report.previous.explanationsByReason, [
            { reason: tool, explanations: 1, approved: 0, denied: 1, undecided: 0, notRecorded: 0 }
        ]);
        assert.equal(report.previous.decisionMedianMs, 30 * MIN);
        // A period without explanations says so with nulls, not zeros.
        assert.equal(computeDriftReport({ entries: [], current: WEEK, timeZoneOf: utc }).totals.decisionMedianMs, null);
    });

    it('ranks agents by drift minutes, names them now and still counts a removed agent by id', () => {
        assert.deepEqual(
            report.topAgents.map((a) => [a.userId, a.name, a.known, a.episodes, a.driftMinutes, a.exceptions]),
            [
                ['dave', 'Dave Ortiz', true, 2, 72, 0],
                ['bob', 'Bob Ng', true, 2, 42, 0],
                ['alice', 'Alice Smith-Jones', true, 2, 28, 1],
                ['carol', 'carol', false, 1, 25, 0]
            ]
        );
    });

    it('limits the agent list to topAgents', () => {
        const r = computeDriftReport({ entries: logOf(...currentWeek), current: WEEK, timeZoneOf: utc, topAgents: 2 });
        assert.deepEqual(
            r.topAgents.map((a) => a.userId),
            ['dave', 'bob']
        );
    });

    it('groups drift by scheduled activity category', () => {
        assert.deepEqual(report.byActivity, [
            { category: 'OnQueueWork', episodes: 4, driftMinutes: 8 + 25 + 60 + 12 },
            { category: 'Meeting', episodes: 1, driftMinutes: 30 },
            { category: 'Break', episodes: 1, driftMinutes: 20 },
            { category: 'Meal', episodes: 1, driftMinutes: 12 }
        ]);
    });

    it('spreads drift minutes over the clock hours they fell in', () => {
        const hours = Object.fromEntries(
            report.byHour
                .filter((h) => h.episodes > 0 || h.driftMinutes > 0)
                .map((h) => [h.hour, [h.episodes, h.driftMinutes]])
        );
        assert.deepEqual(hours, { 9: [2, 28], 10: [1, 12], 14: [3, 47], 15: [0, 20], 23: [1, 60] });
        assert.equal(report.byHour.length, 24);
    });

    it('compares with the previous period, attributing an episode to the period it started in', () => {
        assert.equal(report.previous.episodes, 3);
        assert.equal(report.previous.driftMinutes, 7 + 16 + 20);
        assert.equal(report.previous.selfCorrectionRate, 0.5);
        assert.deepEqual(report.change.episodes, { current: 7, previous: 3, delta: 4, deltaPct: 133.3 });
        assert.deepEqual(report.change.driftMinutes, { current: 167, previous: 43, delta: 124, deltaPct: 288.4 });
        assert.deepEqual(report.change.selfCorrectionRate, {
            current: 0.25,
            previous: 0.5,
            delta: -0.25,
            deltaPct: -50
        });
        assert.deepEqual(report.change.ackMedianMs, { current: 3 * MIN, previous: 2 * MIN, delta: MIN, deltaPct: 50 });
        assert.equal(report.previousPeriod.fromAt, at(2026, 11, 9));
        assert.equal(report.previousPeriod.complete, true);
    });

    it('reports null changes when there is nothing to compare with', () => {
        const r = computeDriftReport({ entries: logOf(...currentWeek), current: WEEK, timeZoneOf: utc });
        assert.deepEqual(r.change.episodes, { current: 7, previous: 0, delta: 7, deltaPct: null });
        assert.deepEqual(r.change.ackMedianMs, { current: 3 * MIN, previous: null, delta: null, deltaPct: null });
    });

    it('marks the previous period as partial when retention already removed part of it', () => {
        const r = computeDriftReport({
            entries: logOf(...currentWeek),
            current: WEEK,
            timeZoneOf: utc,
            retainedFromAt: at(2026, 11, 12)
        });
        assert.equal(r.previousPeriod.complete, false);
    });

    it('filters by management unit and by team', () => {
        const entries = logOf(
            { id: 'a', userId: 'u1', unit: 'mu1', team: 't1', startedAt: at(2026, 11, 17, 8), resolve: 5 },
            { id: 'b', userId: 'u2', unit: 'mu1', team: 't2', startedAt: at(2026, 11, 17, 8), resolve: 7 },
            { id: 'c', userId: 'u3', unit: 'mu2', team: 't1', startedAt: at(2026, 11, 17, 8), resolve: 11 }
        );
        const byUnit = computeDriftReport({ entries, current: WEEK, timeZoneOf: utc, managementUnitId: 'mu1' });
        assert.equal(byUnit.totals.driftMinutes, 12);
        assert.deepEqual(byUnit.filter, { managementUnitId: 'mu1' });
        const byTeam = computeDriftReport({ entries, current: WEEK, timeZoneOf: utc, teamId: 't1' });
        assert.equal(byTeam.totals.driftMinutes, 16);
        const both = computeDriftReport({
            entries,
            current: WEEK,
            timeZoneOf: utc,
            managementUnitId: 'mu1',
            teamId: 't1'
        });
        assert.equal(both.totals.driftMinutes, 5);
    });

    it('ignores lines of episodes that started before the read window and entries without an episode id', () => {
        const entries = [
            {
                type: 'resolve' as const,
                at: at(2026, 11, 16, 1),
                userId: 'x',
                managementUnitId: 'mu1',
                episodeId: 'old',
                durationMs: 5 * HOUR
            },
            {
                type: 'approve' as const,
                at: at(2026, 11, 16, 2),
                userId: 'x',
                managementUnitId: 'mu1',
                until: at(2026, 11, 16, 4)
            },
            ...episodeLog({ id: 'n', userId: 'x', startedAt: at(2026, 11, 16, 3), resolve: 9 })
        ];
        const r = computeDriftReport({ entries, current: WEEK, timeZoneOf: utc });
        assert.equal(r.totals.episodes, 1);
        assert.equal(r.totals.driftMinutes, 9);
    });

    it('counts dampened observations logged outside any episode by their own time, unit and team', () => {
        const dampened = (userId: string, atMs: number, unit = 'mu1', team?: string) => ({
            type: 'suppressed' as const,
            at: atMs,
            userId,
            managementUnitId: unit,
            reason: 'dampened' as const,
            impact: 'Negative' as const,
            ...(team === undefined ? {} : { teamId: team })
        });
        const entries = [
            dampened('u1', at(2026, 11, 17, 8), 'mu1', 't1'),
            dampened('u1', at(2026, 11, 17, 8), 'mu1', 't1'),
            dampened('u2', at(2026, 11, 17, 8), 'mu1', 't2'),
            dampened('u3', at(2026, 11, 17, 8), 'mu2'),
            dampened('u1', at(2026, 11, 11, 8), 'mu1', 't1')
        ];
        const all = computeDriftReport({ entries, current: WEEK, timeZoneOf: utc });
        assert.equal(all.totals.suppressed.dampened, 3);
        assert.equal(all.totals.suppressedTotal, 3);
        assert.equal(all.previous.suppressed.dampened, 1);
        assert.equal(all.totals.episodes, 0);
        const unit = computeDriftReport({
            entries,
            current: WEEK,
            timeZoneOf: utc,
            managementUnitId: 'mu1',
            teamId: 't1'
        });
        assert.equal(unit.totals.suppressed.dampened, 1);
    });

    it('does not depend on the order of the entries', () => {
        const shuffled = logOf(...previousWeek, ...currentWeek).reverse();
        const r = computeDriftReport({ entries: shuffled, current: WEEK, timeZoneOf: utc, nameOf });
        const again = computeDriftReport({
            entries: logOf(...previousWeek, ...currentWeek),
            current: WEEK,
            timeZoneOf: utc,
            nameOf
        });
        assert.deepEqual(r, again);
    });

    it('rejects an empty period', () => {
        assert.throws(
            () => computeDriftReport({ entries: [], current: { fromAt: 5, toAt: 5 }, timeZoneOf: utc }),
            RangeError
        );
    });
});

describe('computeDriftReport in unit time zones', () => {
    const chicago = () => 'America/Chicago';

    it('splits an episode across local midnight between two days and counts it on the day it started', () => {
        // 2026-11-18 23:50 CST = 2026-11-19 05:50Z, 30 min long.
        const entries = logOf({ id: 'm', userId: 'u', startedAt: at(2026, 11, 19, 5, 50), resolve: 30 });
        const r = computeDriftReport({ entries, current: WEEK, timeZoneOf: chicago });
        assert.deepEqual(r.byDay, [
            { day: '2026-11-18', episodes: 1, driftMinutes: 10 },
            { day: '2026-11-19', episodes: 0, driftMinutes: 20 }
        ]);
        assert.deepEqual(r.byHour[23], { hour: 23, episodes: 1, driftMinutes: 10 });
        assert.deepEqual(r.byHour[0], { hour: 0, episodes: 0, driftMinutes: 20 });
        assert.deepEqual(r.timeZones, ['America/Chicago']);
    });

    it('gives the repeated hour of a fall-back night both passes (America/Chicago, 2026-11-01)', () => {
        // 00:30 CDT (05:30Z) for 3 h: 00:30-01:00 CDT, 01:00-02:00 CDT, 01:00-02:00 CST, 02:00-02:30 CST.
        const entries = logOf({ id: 'f', userId: 'u', startedAt: at(2026, 11, 1, 5, 30), resolve: 180 });
        const r = computeDriftReport({
            entries,
            current: { fromAt: at(2026, 10, 27), toAt: at(2026, 11, 3) },
            timeZoneOf: chicago
        });
        assert.equal(r.byHour[0].driftMinutes, 30);
        assert.equal(r.byHour[1].driftMinutes, 120);
        assert.equal(r.byHour[2].driftMinutes, 30);
        assert.deepEqual(r.byDay, [{ day: '2026-11-01', episodes: 1, driftMinutes: 180 }]);
        assert.equal(r.totals.driftMinutes, 180);
    });

    it('gives the skipped hour of a spring-forward night nothing (Europe/Dublin, 2026-03-29)', () => {
        // 00:30 GMT (00:30Z) for 60 min: 00:30-01:00 GMT, then 02:00-02:30 IST.
        const entries = logOf({ id: 's', userId: 'u', startedAt: at(2026, 3, 29, 0, 30), resolve: 60 });
        const r = computeDriftReport({
            entries,
            current: { fromAt: at(2026, 3, 23), toAt: at(2026, 3, 30) },
            timeZoneOf: () => 'Europe/Dublin'
        });
        assert.equal(r.byHour[0].driftMinutes, 30);
        assert.equal(r.byHour[1].driftMinutes, 0);
        assert.equal(r.byHour[2].driftMinutes, 30);
        assert.equal(r.byHour[0].episodes, 1);
    });

    it('buckets the same instant in each unit own local hour', () => {
        const entries = logOf(
            { id: 'a', userId: 'u1', unit: 'dublin', startedAt: at(2026, 7, 15, 15), resolve: 10 },
            { id: 'b', userId: 'u2', unit: 'chicago', startedAt: at(2026, 7, 15, 15), resolve: 10 }
        );
        const zones: Record<string, string> = { dublin: 'Europe/Dublin', chicago: 'America/Chicago' };
        const r = computeDriftReport({
            entries,
            current: { fromAt: at(2026, 7, 13), toAt: at(2026, 7, 20) },
            timeZoneOf: (u) => zones[u]
        });
        assert.equal(r.byHour[16].episodes, 1, 'Dublin is UTC+1 in summer');
        assert.equal(r.byHour[10].episodes, 1, 'Chicago is UTC-5 in summer');
        assert.deepEqual(r.timeZones, ['America/Chicago', 'Europe/Dublin']);
    });

    it('keeps minutes whole: hours, days, activities and agents each add up to the total', () => {
        const zones = ['UTC', 'America/Chicago', 'Europe/Dublin', 'Asia/Kathmandu', 'Australia/Lord_Howe'];
        const from = at(2026, 3, 1);
        fc.assert(
            fc.property(
                fc.array(
                    fc.record({
                        user: fc.integer({ min: 0, max: 5 }),
                        zone: fc.integer({ min: 0, max: zones.length - 1 }),
                        startMin: fc.integer({ min: 0, max: 40 * 24 * 60 - 1 }),
                        lengthMin: fc.integer({ min: 1, max: 600 })
                    }),
                    { maxLength: 40 }
                ),
                (specs) => {
                    const entries = logOf(
                        ...specs.map((s, i) => ({
                            id: `e${i}`,
                            userId: `u${s.user}`,
                            unit: zones[s.zone],
                            startedAt: from + s.startMin * MIN,
                            resolve: s.lengthMin
                        }))
                    );
                    const r = computeDriftReport({
                        entries,
                        current: { fromAt: from, toAt: from + 40 * DAY },
                        timeZoneOf: (u) => u,
                        topAgents: 50
                    });
                    const total = specs.reduce((sum, s) => sum + s.lengthMin, 0);
                    const sum = (xs: { driftMinutes: number }[]) =>
                        Math.round(xs.reduce((a, x) => a + x.driftMinutes, 0));
                    assert.equal(r.totals.driftMinutes, total);
                    assert.equal(sum(r.byHour), total);
                    assert.equal(sum(r.byDay), total);
                    assert.equal(sum(r.byActivity), total);
                    assert.equal(sum(r.topAgents), total);
                    assert.equal(
                        r.byHour.reduce((a, h) => a + h.episodes, 0),
                        specs.length
                    );
                }
            ),
            { numRuns: 60 }
        );
    });
});
