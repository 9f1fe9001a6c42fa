import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
    ACTIVITY_CATEGORIES,
    ADHERENCE_STATES,
    IMPACTS,
    type AgentRecord,
    type Coverage,
    type Effect,
    type EngineEvent,
    type Observation
} from '../../../src/domain/adherence/types';
import { parseAdherenceBody } from '../../../src/domain/adherence/parseObservation';
import { supersedes, transition } from '../../../src/domain/adherence/transition';
import { Agent, MIN, obs, policy, T0 } from '../../support/adherence';

type Step =
    | {
          kind: 'observe';
          dt: number;
          state: (typeof ADHERENCE_STATES)[number];
          age: number;
          category: string;
          impact: string;
      }
    | { kind: 'tick'; dt: number; covered: number }
    | { kind: 'ack' | 'nudgeAck'; dt: number; stale: boolean }
    | { kind: 'snooze' | 'approve'; dt: number; forMs: number; stale: boolean };

const dt = fc.integer({ min: 0, max: 4 * MIN });
const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
        kind: fc.constant('observe' as const),
        dt,
        state: fc.constantFrom(...ADHERENCE_STATES),
        age: fc.integer({ min: -3 * MIN, max: 10 * MIN }), // negative: a change time in the future
        category: fc.constantFrom(...ACTIVITY_CATEGORIES),
        impact: fc.constantFrom(...IMPACTS)
    }),
    fc.record({ kind: fc.constant('tick' as const), dt, covered: fc.integer({ min: -1, max: 20 }) }),
    fc.record({ kind: fc.constantFrom('ack' as const, 'nudgeAck' as const), dt, stale: fc.boolean() }),
    fc.record({
        kind: fc.constantFrom('snooze' as const, 'approve' as const),
        dt,
        forMs: fc.integer({ min: -MIN, max: 40 * MIN }),
        stale: fc.boolean()
    })
);

describe('transition: properties over random and hostile event sequences', () => {
    it('keeps every invariant: no stage twice, no nudge/alert while excluded/snoozed/approved/covered, t0 fixed, versions +1', () => {
        fc.assert(
            fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
                const a = new Agent(policy());
                const startOf = new Map<string, number>();
                const stagesSeen = new Set<string>();
                /** Open periods so far: stages are counted per period, whatever its episode id says. */
                let period = 0;
                const keys = new Set<string>();
                let lastEpisodeId = 'none@0';
                for (const s of steps) {
                    a.now += s.dt;
                    const before = a.record;
                    let coverage: Coverage = { covered: false };
                    let event: EngineEvent;
                    if (s.kind === 'observe') {
                        event = {
                            type: 'AdherenceObserved',
                            observation: obs({
                                changedAt: a.now - s.age,
                                adherenceState: s.state,
                                scheduledCategory: s.category as never,
                                impact: s.impact as never
                            })
                        };
                    } else if (s.kind === 'tick') {
                        coverage =
                            s.covered < 0
                                ? { covered: 'unknown' }
                                : s.covered === 0
                                  ? { covered: false }
                                  : { covered: true, until: a.now + s.covered * MIN, reason: 'schedule-exception' };
                        event = { type: 'DeadlineReached', coverage };
                    } else {
                        const episodeId = s.stale ? lastEpisodeId : (a.episodeIdOrUndefined ?? lastEpisodeId);
                        if (s.kind === 'ack') event = { type: 'AlertAcknowledged', episodeId, by: 'sup' };
                        else if (s.kind === 'nudgeAck') event = { type: 'NudgeAcknowledged', episodeId };
                        else if (s.kind === 'snooze')
                            event = {
                                type: 'AlertSnoozed',
                                episodeId,
                                until: a.now + ('forMs' in s ? s.forMs : 0),
                                by: 'sup'
                            };
                        else
                            event = {
                                type: 'OvertimeApproved',
                                episodeId,
                                until: a.now + ('forMs' in s ? s.forMs : 0),
                                by: 'sup'
                            };
                    }
                    const effects = a.apply(event);
                    const after = a.record;
                    const openBefore = before && before.state.status !== 'adherent' ? before.state : undefined;
                    const openAfter = after && after.state.status !== 'adherent' ? after.state : undefined;
                    if (openBefore && openAfter) {
                        // Still the same drift: neither its identity nor its start may change.
                        assert.equal(openAfter.episode.id, openBefore.episode.id, 'episode id changed while open');
                        assert.equal(openAfter.episode.startedAt, openBefore.episode.startedAt, 't0 moved');
                    }
                    if (!openBefore && openAfter) period++;

                    // Versions: +1 on change, same object otherwise.
                    if (after !== before) assert.equal(after!.version, (before?.version ?? 0) + 1);
                    else assert.ok(effects.every((e) => e.type === 'CommandRefused'));

                    for (const e of effects) {
                        if (
                            e.type === 'LogEpisode' &&
                            e.entry.episodeId &&
                            ['nudge', 'alert', 'exception'].includes(e.entry.type)
                        ) {
                            const k = `${period}:${e.entry.type}`;
                            assert.ok(!stagesSeen.has(k), `stage twice: ${k}`);
                            stagesSeen.add(k);
                        }
                        if (e.type !== 'Notify') continue;
                        const n = e.notification;
                        assert.ok(!keys.has(n.key), `notification key twice: ${n.key}`);
                        keys.add(n.key);
                        if (n.kind === 'nudge' || n.kind === 'alert') {
                            const r = after!;
                            assert.ok(!(r.snooze && r.snooze.until > a.now), 'sent while snoozed');
                            assert.ok(!(r.approval && r.approval.until > a.now), 'sent while approved');
                            assert.ok(!(coverage.covered === true && coverage.until > a.now), 'sent while covered');
                            if (!n.kind.startsWith('alert') || !('reminder' in n && n.reminder)) {
                                assert.ok(!policyExcluded(n.episode.scheduledCategory), 'sent while excluded');
                                assert.notEqual(n.episode.impact, 'Positive', 'sent with positive impact');
                            }
                        }
                    }
                    const state = after?.state;
                    if (state && state.status !== 'adherent') {
                        lastEpisodeId = state.episode.id;
                        const first = startOf.get(state.episode.id);
                        if (first === undefined) startOf.set(state.episode.id, state.episode.startedAt);
                        else assert.equal(state.episode.startedAt, first, 't0 moved');
                        assert.ok(state.episode.startedAt <= a.now, 't0 in the future');
                    }
                }
            }),
            { numRuns: 400 }
        );
    });

    it('supersedes(later, earlier): applying earlier then later leaves what later alone leaves', () => {
        const rare = <T>(value: fc.Arbitrary<T>) =>
            fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
        const adherenceState = fc.oneof(
            { weight: 3, arbitrary: fc.constant('OutOfAdherence' as const) },
            { weight: 2, arbitrary: fc.constantFrom(...ADHERENCE_STATES) }
        );
        const observation = fc.record({
            adherenceState,
            age: fc.constantFrom(0, MIN, 7 * MIN, -MIN),
            impact: fc.constantFrom(...IMPACTS),
            scheduledCategory: fc.constantFrom('OnQueueWork', 'Meal'),
            actualCategory: fc.constantFrom('OffQueueWork', 'Break'),
            teamName: fc.constantFrom(undefined, 'Team A', 'Team B'),
            systemPresence: fc.constantFrom(undefined, 'Away', 'Busy')
        });
        // `later` repeats `earlier` with other details, and now and then a field an episode depends on.
        const change = fc.record({
            adherenceState: rare(adherenceState),
            teamName: fc.constantFrom(undefined, 'Team A', 'Team B'),
            systemPresence: fc.constantFrom(undefined, 'Away', 'Busy'),
            age: rare(fc.constantFrom(0, MIN, -MIN)),
            impact: rare(fc.constantFrom(...IMPACTS)),
            unit: rare(fc.constant('mu-2')),
            teamId: rare(fc.constant('team-b')),
            scheduledCategory: rare(fc.constantFrom('OnQueueWork', 'Meal')),
            activityCode: rare(fc.constant('code-1')),
            actualCategory: rare(fc.constantFrom('OffQueueWork', 'Break'))
        });
        const prefix = fc.array(fc.record({ o: observation, dt: fc.integer({ min: 0, max: 8 * MIN }) }), {
            maxLength: 4
        });
        const gaps = fc.tuple(fc.integer({ min: 0, max: 3 * MIN }), fc.integer({ min: 0, max: 3 * MIN }));
        let folded = 0;
        fc.assert(
            fc.property(prefix, observation, change, gaps, (before, e, c, [d1, d2]) => {
                // Meal and code-1 have thresholds of their own: the scheduled activity decides when the stages are due.
                const pol = policy({
                    overrides: {
                        Meal: { nudgeAfterMs: 3 * MIN, alertAfterMs: 5 * MIN },
                        'code-1': { nudgeAfterMs: 2 * MIN }
                    }
                });
                let record: AgentRecord | undefined;
                let now = T0;
                const toObservation = (o: typeof e, at: number) =>
                    obs({
                        changedAt: at - o.age,
                        adherenceState: o.adherenceState,
                        impact: o.impact,
                        scheduledCategory: o.scheduledCategory as never,
                        actualCategory: o.actualCategory as never,
                        teamName: o.teamName,
                        systemPresence: o.systemPresence
                    });
                for (const step of before) {
                    now += step.dt;
                    record = transition(
                        record,
                        { type: 'AdherenceObserved', observation: toObservation(step.o, now) },
                        now,
                        pol
                    ).record;
                }
                const foldAt = now;
                const earlier = toObservation(e, foldAt);
                const later: Observation = {
                    ...earlier,
                    adherenceState: c.adherenceState ?? earlier.adherenceState,
                    teamName: c.teamName,
                    systemPresence: c.systemPresence,
                    changedAt: c.age === undefined ? earlier.changedAt : foldAt - c.age,
                    impact: c.impact ?? earlier.impact,
                    managementUnitId: c.unit ?? earlier.managementUnitId,
                    teamId: c.teamId ?? earlier.teamId,
                    scheduledCategory: (c.scheduledCategory ?? earlier.scheduledCategory) as never,
                    scheduledActivityCodeId: c.activityCode ?? earlier.scheduledActivityCodeId,
                    actualCategory: (c.actualCategory ?? earlier.actualCategory) as never
                };
                if (!supersedes(later, earlier, foldAt)) return;
                folded++;
                const first = transition(record, { type: 'AdherenceObserved', observation: earlier }, foldAt + d1, pol);
                const both = transition(
                    first.record,
                    { type: 'AdherenceObserved', observation: later },
                    foldAt + d1 + d2,
                    pol
                );
                const alone = transition(
                    record,
                    { type: 'AdherenceObserved', observation: later },
                    foldAt + d1 + d2,
                    pol
                );
                const withoutVersion = (r: AgentRecord | undefined) => r && { ...r, version: 0 };
                assert.deepEqual(withoutVersion(both.record), withoutVersion(alone.record));
                const logOf = (effects: Effect[]) => effects.flatMap((x) => (x.type === 'LogEpisode' ? [x.entry] : []));
                assert.deepEqual([...logOf(first.effects), ...logOf(both.effects)], logOf(alone.effects));
                // Notifications say when they were decided (`at`): that is the only thing allowed to differ.
                const notesOf = (effects: Effect[]) =>
                    effects.flatMap((x) => (x.type === 'Notify' ? [{ ...x.notification, at: 0 }] : []));
                assert.deepEqual([...notesOf(first.effects), ...notesOf(both.effects)], notesOf(alone.effects));
            }),
            { numRuns: 3000 }
        );
        assert.ok(folded > 300, `only ${folded} pairs were foldable: the generator no longer exercises the rule`);
    });

    it('parses any hostile body without throwing, accepting only valid observations', () => {
        const hostile = fc.oneof(
            fc.anything(),
            fc.record(
                {
                    user: fc.oneof(
                        fc.record({ id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
                        fc.string(),
                        fc.constant(null)
                    ),
                    managementUnitId: fc.oneof(fc.string(), fc.integer()),
                    adherenceState: fc.oneof(fc.constantFrom(...ADHERENCE_STATES), fc.string(), fc.integer()),
                    impact: fc.oneof(fc.constantFrom(...IMPACTS), fc.string()),
                    scheduledActivityCategory: fc.oneof(
                        fc.constantFrom(...ACTIVITY_CATEGORIES),
                        fc.string(),
                        fc.boolean()
                    ),
                    adherenceChangeTime: fc.oneof(
                        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
                        fc.string(),
                        fc.constant('2026-11-23T09:00:00'),
                        fc.integer()
                    ),
                    team: fc.oneof(fc.record({ id: fc.string(), name: fc.string() }), fc.array(fc.string()))
                },
                { requiredKeys: [] }
            )
        );
        fc.assert(
            fc.property(hostile, (body) => {
                const r = parseAdherenceBody(body, T0);
                if (!r.ok) {
                    assert.equal(typeof r.reason, 'string');
                    return;
                }
                const o = r.observation;
                assert.ok(o.userId.length > 0 && o.managementUnitId.length > 0);
                assert.ok((ADHERENCE_STATES as readonly string[]).includes(o.adherenceState));
                assert.ok((IMPACTS as readonly string[]).includes(o.impact));
                assert.ok(Number.isFinite(o.changedAt) && o.changedAt <= T0);
            }),
            { numRuns: 2000 }
        );
    });
});

function policyExcluded(category: string | undefined): boolean {
    return category !== undefined && policy().excludedCategories.has(category);
}
