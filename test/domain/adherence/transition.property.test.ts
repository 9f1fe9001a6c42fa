import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
    ACTIVITY_CATEGORIES,
    ADHERENCE_STATES,
    IMPACTS,
    type Coverage,
    type EngineEvent
} from '../../../src/domain/adherence/types';
import { parseAdherenceBody } from '../../../src/domain/adherence/parseObservation';
import { MAX_CLOCK_SKEW_MS } from '../../../src/domain/adherence/transition';
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
                // A future change time is capped at the clock-skew tolerance (the stream's 5-minute cap).
                assert.ok(Number.isFinite(o.changedAt) && o.changedAt <= T0 + MAX_CLOCK_SKEW_MS);
            }),
            { numRuns: 2000 }
        );
    });
});

function policyExcluded(category: string | undefined): boolean {
    return category !== undefined && policy().excludedCategories.has(category);
}
