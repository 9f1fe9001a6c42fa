import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
    ADHERENCE_STATES,
    IMPACTS,
    type AgentRecord,
    type Effect,
    type Observation
} from '../../../src/domain/adherence/types';
import { supersedes } from '../../../src/domain/adherence/supersedes';
import { transition } from '../../../src/domain/adherence/transition';
import { MIN, obs, policy, T0 } from '../../support/adherence';

describe('supersedes: properties over random observation pairs', () => {
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
});
