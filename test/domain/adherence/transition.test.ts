import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dueAtOf, thresholdsFor } from '../../../src/domain/adherence/agentState';
import { episodeIdOf } from '../../../src/domain/adherence/episodes';
import { MAX_CLOCK_SKEW_MS } from '../../../src/domain/adherence/observeTransitions';
import { Agent, back, MIN, out, policy, T0 } from '../../support/adherence';

describe('transition: the drift clock', () => {
    it('starts an episode at the event change time, not at the time it is received', () => {
        const a = new Agent(policy(), T0 + 2 * MIN);
        a.observe(out(T0));
        assert.equal(a.status, 'drifting');
        const s = a.record!.state;
        assert.ok(s.status === 'drifting');
        assert.equal(s.episode.startedAt, T0);
        assert.equal(s.episode.id, episodeIdOf('agent-1', T0));
        assert.deepEqual(s.pending, { stage: 'nudge', dueAt: T0 + 6 * MIN });
        assert.equal(dueAtOf(s), T0 + 6 * MIN);
        assert.deepEqual(a.logTypes(), ['start']);
    });

    it('never starts an episode in the future, and caps a far-future change time at the skew tolerance', () => {
        const a = new Agent(policy(), T0);
        a.observe(out(T0 + 2 * MIN));
        const s = a.record!.state;
        assert.ok(s.status === 'drifting');
        assert.equal(s.episode.startedAt, T0);
        assert.equal(a.record!.lastChangeAt, T0 + 2 * MIN, 'ordering keeps the source time');
        const b = new Agent(policy(), T0);
        b.observe(out(T0 + 24 * 60 * MIN)); // a bogus time a day ahead
        assert.equal(b.record!.lastChangeAt, T0 + MAX_CLOCK_SKEW_MS);
        b.now = T0 + MAX_CLOCK_SKEW_MS + 1;
        b.observe(back(T0 + MAX_CLOCK_SKEW_MS + 1));
        assert.equal(b.status, 'adherent', 'later real events are not stale for long');
    });

    it('orders events by the source time when its clock is ahead: a late older event does not reopen a drift', () => {
        // Genesys is 3 s ahead: back in adherence at 09:00:02 (its clock) arrives at 09:00:00 (ours); the earlier
        // "out" of 09:00:01 arrives after it.
        const a = new Agent(policy(), T0);
        a.observe(out(T0 - 10 * MIN));
        a.observe(back(T0 + 2_000));
        assert.equal(a.status, 'adherent');
        a.now = T0 + 500;
        assert.deepEqual(a.observe(out(T0 + 1_000)), []);
        assert.equal(a.status, 'adherent', 'the older event is stale, not a new episode');
    });

    it('starts an episode for an agent first seen already out of adherence (startup, reconnect, new to the unit)', () => {
        const a = new Agent(policy(), T0 + 20 * MIN);
        a.observe(out(T0));
        assert.equal(a.status, 'drifting');
        assert.equal(dueAtOf(a.record!.state), T0 + 6 * MIN, 'overdue: the scheduler fires it at once');
    });

    it('keeps t0 when an OutOfAdherence event repeats, changing only the activity details', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.now = T0 + 3 * MIN;
        a.observe(out(T0 + 3 * MIN, { actualCategory: 'Break', systemPresence: 'Break' }));
        const s = a.record!.state;
        assert.ok(s.status === 'drifting');
        assert.equal(s.episode.startedAt, T0);
        assert.equal(s.episode.actualCategory, 'Break');
        assert.deepEqual(a.logTypes(), ['start']);
    });

    it('ignores a late or replayed event older than the newest applied one', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.now = T0 + 5 * MIN;
        a.observe(back(T0 + 5 * MIN));
        const before = a.record;
        const effects = a.observe(out(T0)); // replay of the original drift
        assert.equal(a.record, before);
        assert.deepEqual(effects, []);
        assert.equal(a.status, 'adherent');
    });

    it('does nothing for an identical repeat (no write)', () => {
        const a = new Agent();
        a.observe(out(T0));
        const before = a.record;
        assert.deepEqual(a.observe(out(T0)), []);
        assert.equal(a.record, before);
    });
});

describe('transition: stages', () => {
    it('nudges at 6, alerts at 10 and records the formal exception at 15 minutes, each once', () => {
        const a = new Agent();
        a.observe(out(T0));
        assert.deepEqual(a.tick(T0 + 5 * MIN), [], 'nothing due yet');
        a.tick(T0 + 6 * MIN);
        a.tick(T0 + 6 * MIN);
        a.tick(T0 + 10 * MIN);
        a.tick(T0 + 15 * MIN);
        a.tick(T0 + 30 * MIN);
        assert.deepEqual(a.kinds(), ['nudge', 'alert', 'update:exception']);
        assert.equal(a.status, 'outOfAdherence');
        assert.equal(dueAtOf(a.record!.state), null);
        const keys = a.notifications().map((n) => n.key);
        assert.equal(new Set(keys).size, keys.length);
    });

    it('fires every overdue stage at once, in order, after a long gap', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 16 * MIN);
        assert.deepEqual(a.kinds(), ['nudge', 'alert', 'update:exception']);
        assert.deepEqual(a.logTypes(), ['start', 'nudge', 'alert', 'exception']);
    });

    it('uses per-activity overrides (code id over category over defaults)', () => {
        const pol = policy({
            overrides: { Meal: { nudgeAfterMs: 3 * MIN, alertAfterMs: 5 * MIN }, 'code-7': { nudgeAfterMs: 1 * MIN } }
        });
        assert.deepEqual(thresholdsFor({ scheduledCategory: 'Meal' }, pol), {
            nudgeAfterMs: 3 * MIN,
            alertAfterMs: 5 * MIN,
            exceptionAfterMs: 15 * MIN
        });
        assert.equal(
            thresholdsFor({ scheduledCategory: 'Meal', scheduledActivityCodeId: 'code-7' }, pol).nudgeAfterMs,
            1 * MIN
        );
        const a = new Agent(pol);
        a.observe(out(T0, { scheduledCategory: 'Meal' }));
        a.tick(T0 + 3 * MIN);
        a.tick(T0 + 5 * MIN);
        assert.deepEqual(a.kinds(), ['nudge', 'alert']);
    });

    it('resolves on InAdherence, Explained, Ignored, Unscheduled and Unknown, updating a sent alert', () => {
        for (const state of ['InAdherence', 'Explained', 'Ignored', 'Unscheduled', 'Unknown'] as const) {
            const a = new Agent();
            a.observe(out(T0));
            a.tick(T0 + 10 * MIN);
            a.now = T0 + 12 * MIN;
            a.observe(back(T0 + 12 * MIN, { adherenceState: state }));
            assert.equal(a.status, 'adherent', state);
            const last = a.notifications().at(-1)!;
            assert.ok(last.kind === 'alert-update' && last.change === 'resolved');
            assert.equal(last.durationMs, 12 * MIN);
            assert.equal(dueAtOf(a.record!.state), null);
        }
    });

    it('never starts an episode from a state that never drifts', () => {
        for (const state of ['InAdherence', 'Explained', 'Ignored', 'Unscheduled', 'Unknown'] as const) {
            const a = new Agent();
            a.observe(out(T0, { adherenceState: state }));
            assert.equal(a.status, 'adherent');
            assert.deepEqual(a.logTypes(), []);
        }
    });

    it('does not update cards on resolve when no alert was sent (self-corrected after the nudge)', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 6 * MIN);
        a.now = T0 + 8 * MIN;
        a.observe(back(T0 + 8 * MIN));
        assert.deepEqual(a.kinds(), ['nudge']);
        assert.deepEqual(a.logTypes(), ['start', 'nudge', 'resolve']);
    });
});

describe('transition: suppression and the exception pre-check', () => {
    it('never nudges or alerts for an excluded scheduled category, but still records the exception', () => {
        const a = new Agent();
        a.observe(out(T0, { scheduledCategory: 'Meeting' }));
        a.tick(T0 + 16 * MIN);
        assert.deepEqual(a.kinds(), []);
        assert.deepEqual(a.logTypes(), ['start', 'suppressed:excluded', 'suppressed:excluded', 'exception']);
    });

    it('suppresses a Positive impact episode by default and not when configured off', () => {
        const a = new Agent();
        a.observe(out(T0, { impact: 'Positive' }));
        a.tick(T0 + 10 * MIN);
        assert.deepEqual(a.kinds(), []);
        assert.deepEqual(a.logTypes(), ['start', 'suppressed:positive-impact', 'suppressed:positive-impact']);

        const b = new Agent(policy({ suppressPositiveImpact: false }));
        b.observe(out(T0, { impact: 'Positive' }));
        b.tick(T0 + 10 * MIN);
        assert.deepEqual(b.kinds(), ['nudge', 'alert']);
    });

    it('defers a nudge covered by a schedule exception until the coverage ends', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 6 * MIN, { covered: true, until: T0 + 20 * MIN, reason: 'schedule-exception' });
        assert.deepEqual(a.kinds(), []);
        assert.deepEqual(a.logTypes(), ['start', 'suppressed:schedule-exception']);
        const s = a.record!.state;
        assert.ok(s.status === 'drifting');
        assert.deepEqual(s.pending, { stage: 'nudge', dueAt: T0 + 20 * MIN });
        a.tick(T0 + 15 * MIN, { covered: true, until: T0 + 20 * MIN, reason: 'schedule-exception' });
        assert.equal(a.status, 'outOfAdherence', 'the formal exception is not deferred');
        a.tick(T0 + 20 * MIN);
        assert.deepEqual(a.kinds(), ['nudge', 'alert']);
    });

    it('holds an alert while no channel is on shift until one opens, nudging and recording the exception on time', () => {
        const closed = { open: false as const, opensAt: T0 + 40 * MIN };
        const a = new Agent();
        a.observe(out(T0));
        a.route(T0 + 10 * MIN, { alertWindow: closed });
        assert.deepEqual(a.kinds(), ['nudge'], 'the nudge is private: it never waits for a shift');
        assert.deepEqual(a.logTypes(), ['start', 'nudge', 'suppressed:outside-hours']);
        const held = a.record!.state;
        assert.ok(held.status === 'drifting');
        assert.deepEqual(held.pending, { stage: 'alert', dueAt: T0 + 40 * MIN });
        a.route(T0 + 15 * MIN, { alertWindow: closed });
        assert.equal(a.status, 'outOfAdherence', 'the formal exception is not held');
        a.route(T0 + 40 * MIN, { alertWindow: { open: true } });
        assert.deepEqual(a.kinds(), ['nudge', 'alert']);
    });

    it('drops a held alert when the episode ends before a channel is on shift', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.route(T0 + 10 * MIN, { alertWindow: { open: false, opensAt: T0 + 60 * MIN } });
        a.now = T0 + 20 * MIN;
        a.observe(back(T0 + 20 * MIN));
        assert.equal(a.status, 'adherent');
        assert.equal(dueAtOf(a.record!.state), null, 'nothing left to fire at the opening');
        assert.deepEqual(a.kinds(), ['nudge']);
    });

    it('does not hold an alert that is skipped for good (excluded), nor one whose window is already open', () => {
        const a = new Agent(policy({ excludedCategories: new Set(['OnQueueWork']) }));
        a.observe(out(T0));
        a.route(T0 + 10 * MIN, { alertWindow: { open: false, opensAt: T0 + 60 * MIN } });
        assert.deepEqual(a.logTypes(), ['start', 'suppressed:excluded', 'suppressed:excluded']);
        const b = new Agent();
        b.observe(out(T0));
        b.route(T0 + 10 * MIN, { alertWindow: { open: false, opensAt: T0 + 10 * MIN } });
        assert.deepEqual(b.kinds(), ['nudge', 'alert']);
    });

    it('treats an unknown (not yet cached) coverage as not covered and never waits on it', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 6 * MIN, { covered: 'unknown' });
        assert.deepEqual(a.kinds(), ['nudge']);
    });

    it('defers nudge and alert while a supervisor-approved overtime covers now', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.approve(T0 + 30 * MIN);
        a.tick(T0 + 6 * MIN);
        a.tick(T0 + 10 * MIN);
        assert.deepEqual(a.kinds(), []);
        assert.ok(a.logTypes().includes('suppressed:approved-overtime'));
        a.tick(T0 + 30 * MIN);
        assert.deepEqual(a.kinds(), ['nudge', 'alert']);
    });

    it('fires deadlines that fall inside a snooze when it ends, if the episode is still open', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 10 * MIN); // nudge + alert
        a.now = T0 + 11 * MIN;
        a.snooze(T0 + 26 * MIN);
        a.tick(T0 + 15 * MIN); // exception still recorded
        assert.equal(a.status, 'outOfAdherence');
        assert.deepEqual(a.kinds(), ['nudge', 'alert', 'update:snoozed', 'update:exception']);
        a.tick(T0 + 26 * MIN);
        assert.deepEqual(a.kinds().at(-1), 'realert');
        a.tick(T0 + 60 * MIN);
        assert.equal(a.kinds().filter((k) => k === 'realert').length, 1);
    });

    it('applies an agent snooze to the next episode too, until it ends', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 10 * MIN);
        a.snooze(T0 + 60 * MIN);
        a.now = T0 + 11 * MIN;
        a.observe(back(T0 + 11 * MIN));
        a.now = T0 + 12 * MIN;
        a.observe(out(T0 + 12 * MIN));
        a.tick(T0 + 22 * MIN);
        assert.equal(
            a.kinds().filter((k) => k === 'nudge').length,
            1,
            'the second episode is not nudged while snoozed'
        );
        a.tick(T0 + 60 * MIN);
        assert.equal(a.kinds().filter((k) => k === 'nudge').length, 2);
    });
});

describe('transition: supervisor and agent actions', () => {
    it('acknowledge records who and when, stops re-alerts, and the exception is still recorded', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 10 * MIN);
        a.snooze(T0 + 13 * MIN);
        a.now = T0 + 11 * MIN;
        a.ack('sup-2');
        const s = a.record!.state;
        assert.ok(s.status === 'drifting');
        assert.deepEqual(s.ack, { by: 'sup-2', at: T0 + 11 * MIN });
        assert.equal(s.realertAt, undefined);
        a.tick(T0 + 15 * MIN);
        a.tick(T0 + 40 * MIN);
        assert.deepEqual(a.kinds(), ['nudge', 'alert', 'update:snoozed', 'update:acknowledged', 'update:exception']);
    });

    it("refuses another supervisor's second acknowledge, an action on a closed episode, and an unknown agent", () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 10 * MIN);
        const id = a.episodeId;
        a.ack('sup-1');
        const acked = a.record;
        assert.deepEqual(a.ack('sup-1'), [], 'the same supervisor again: success, nothing new logged or sent');
        assert.equal(a.record, acked);
        assert.deepEqual(a.ack('sup-2'), [{ type: 'CommandRefused', reason: 'already-acknowledged' }]);
        a.now = T0 + 12 * MIN;
        a.observe(back(T0 + 12 * MIN));
        a.now = T0 + 13 * MIN;
        a.observe(out(T0 + 13 * MIN));
        assert.notEqual(a.episodeId, id);
        assert.deepEqual(a.apply({ type: 'AlertAcknowledged', episodeId: id, by: 'x' }), [
            { type: 'CommandRefused', reason: 'episode-closed' }
        ]);
        a.now = T0 + 14 * MIN;
        a.observe(back(T0 + 14 * MIN));
        assert.deepEqual(a.apply({ type: 'AlertSnoozed', episodeId: id, until: T0 + 60 * MIN, by: 'x' }), [
            { type: 'CommandRefused', reason: 'no-open-episode' }
        ]);
        const none = new Agent();
        assert.deepEqual(none.apply({ type: 'AlertAcknowledged', episodeId: id, by: 'x' }), [
            { type: 'CommandRefused', reason: 'unknown-agent' }
        ]);
    });

    it('refuses a snooze or approval that ends in the past', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.now = T0 + 10 * MIN;
        assert.deepEqual(a.snooze(T0 + 5 * MIN), [{ type: 'CommandRefused', reason: 'invalid-until' }]);
        assert.deepEqual(a.approve(T0 + 10 * MIN), [{ type: 'CommandRefused', reason: 'invalid-until' }]);
    });

    it('logs the agent pressing "I\'m on it" once, without changing the episode or its deadlines', () => {
        const a = new Agent();
        a.observe(out(T0));
        a.tick(T0 + 6 * MIN);
        const state = a.record!.state;
        a.now = T0 + 7 * MIN;
        a.apply({ type: 'NudgeAcknowledged', episodeId: a.episodeId });
        assert.deepEqual(a.record!.state, { ...state, agentAckAt: T0 + 7 * MIN });
        assert.equal(a.logTypes().at(-1), 'agent-ack');
        const acked = a.record;
        assert.deepEqual(a.apply({ type: 'NudgeAcknowledged', episodeId: a.episodeId }), [], 'a second press: nothing');
        assert.equal(a.record, acked);
        assert.equal(a.logTypes().filter((t) => t === 'agent-ack').length, 1);
        a.tick(T0 + 10 * MIN);
        assert.equal(a.kinds().at(-1), 'alert', 'the alert still comes on time');
    });

    it('increments the record version by one on every change', () => {
        const a = new Agent();
        a.observe(out(T0));
        assert.equal(a.record!.version, 1);
        a.tick(T0 + 6 * MIN);
        assert.equal(a.record!.version, 2);
        a.tick(T0 + 7 * MIN);
        assert.equal(a.record!.version, 2, 'nothing due, nothing written');
    });
});
