import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dueAtOf } from '../../../src/domain/adherence/agentState';
import type { Episode, Notification } from '../../../src/domain/adherence/types';
import { Agent, back, MIN, notificationsOf, out, policy, T0 } from '../../support/adherence';

/** An agent nudged (6 min) and, when `alerted`, alerted (10 min) in one episode. */
function nudged(alerted = false): Agent {
    const a = new Agent(policy(), T0);
    a.observe(out(T0));
    a.tick(T0 + 6 * MIN);
    if (alerted) a.tick(T0 + 10 * MIN);
    a.effects = [];
    return a;
}

function explain(a: Agent, reason = 'Still with a customer', extra: { note?: string; backInMinutes?: number } = {}) {
    return a.apply({ type: 'AdherenceExplained', episodeId: a.episodeId, reason, ...extra });
}

function episodeOf(a: Agent): Episode {
    const s = a.record!.state;
    assert.ok(s.status !== 'adherent');
    return s.episode;
}

function kindsOf(n: Notification[]): string[] {
    return n.map((x) => (x.kind === 'alert-update' ? `update:${x.change}` : x.kind));
}

describe('transition: the agent explains from the nudge', () => {
    it('logs explained with the reason, asks for the Genesys write, and keeps the ladder running', () => {
        const a = nudged();
        a.now = T0 + 7 * MIN;
        const effects = explain(a, 'System or tool problem', { note: 'VPN down', backInMinutes: 5 });
        assert.deepEqual(a.logTypes(), ['explained']);
        const entry = effects.find((e) => e.type === 'LogEpisode');
        assert.ok(entry?.type === 'LogEpisode' && entry.entry.explanationReason === 'System or tool problem');
        const [write] = notificationsOf(effects);
        assert.ok(write.kind === 'explanation-add');
        assert.equal(write.key, `${a.episodeId}:explanation`);
        assert.deepEqual(write.explanation, {
            reason: 'System or tool problem',
            note: 'VPN down',
            backInMinutes: 5,
            at: T0 + 7 * MIN,
            genesys: { status: 'sending' }
        });
        assert.equal(dueAtOf(a.record!.state), T0 + 10 * MIN, 'the alert is still due at its normal time');
    });

    it('carries the explanation on the alert sent at its normal time', () => {
        const a = nudged();
        explain(a);
        a.effects = [];
        a.tick(T0 + 10 * MIN);
        const alert = a.notifications().find((n) => n.kind === 'alert');
        assert.ok(alert?.kind === 'alert');
        assert.equal(alert.explanation?.reason, 'Still with a customer');
    });

    it('updates an alert card already out in place', () => {
        const a = nudged(true);
        const n = notificationsOf(explain(a));
        assert.deepEqual(kindsOf(n), ['explanation-add', 'update:explained']);
        const update = n[1];
        assert.ok(update.kind === 'alert-update' && update.explanation?.reason === 'Still with a customer');
    });

    it('refuses a second explanation of the same episode and one for an ended episode', () => {
        const a = nudged();
        explain(a);
        assert.deepEqual(explain(a), [{ type: 'CommandRefused', reason: 'already-explained' }]);
        const id = a.episodeId;
        a.observe(back(T0 + 8 * MIN));
        const refused = a.apply({ type: 'AdherenceExplained', episodeId: id, reason: 'Other' });
        assert.deepEqual(refused, [{ type: 'CommandRefused', reason: 'no-open-episode' }]);
    });
});

describe('transition: Genesys records the explanation', () => {
    it('keeps the explanation id and updates the card; a repeated answer changes nothing', () => {
        const a = nudged(true);
        explain(a);
        a.effects = [];
        const episode = episodeOf(a);
        a.apply({ type: 'ExplanationRecorded', episode, result: { ok: true, explanationId: 'x-1' } });
        const s = a.record!.state;
        assert.ok(s.status !== 'adherent');
        assert.deepEqual(s.explanation?.genesys, { status: 'recorded', id: 'x-1' });
        assert.deepEqual(a.kinds(), ['update:explanation-recorded']);
        assert.deepEqual(a.logTypes(), ['explanation-recorded']);
        const version = a.record!.version;
        a.apply({ type: 'ExplanationRecorded', episode, result: { ok: true, explanationId: 'x-1' } });
        assert.equal(a.record!.version, version);
    });

    it('tells the agent plainly when Genesys did not record it, and the card still shows it', () => {
        const a = nudged(true);
        explain(a);
        a.effects = [];
        a.apply({ type: 'ExplanationRecorded', episode: episodeOf(a), result: { ok: false, error: 'forbidden' } });
        const notes = a.notifications();
        assert.deepEqual(kindsOf(notes), ['agent-note', 'update:explanation-recorded']);
        assert.ok(notes[0].kind === 'agent-note' && notes[0].note === 'explanation-failed');
        assert.ok(notes[1].kind === 'alert-update');
        assert.deepEqual(notes[1].explanation?.genesys, { status: 'failed', error: 'forbidden' });
        const log = a.effects.find((e) => e.type === 'LogEpisode');
        assert.ok(log?.type === 'LogEpisode' && log.entry.error === 'forbidden');
    });

    it('still tells the agent of a failure when the episode ended before Genesys answered', () => {
        const a = nudged();
        explain(a);
        const episode = episodeOf(a);
        a.observe(back(T0 + 8 * MIN));
        a.effects = [];
        a.apply({ type: 'ExplanationRecorded', episode, result: { ok: false, error: 'unreachable' } });
        assert.deepEqual(a.kinds(), ['agent-note']);
        a.effects = [];
        a.apply({ type: 'ExplanationRecorded', episode, result: { ok: true, explanationId: 'x' } });
        assert.deepEqual(a.effects, [], 'a success for an ended episode changes nothing');
    });
});

describe('transition: the supervisor decides', () => {
    function decide(a: Agent, outcome: 'Approved' | 'Denied', by = 'sup-1') {
        return a.apply({ type: 'ExplanationDecided', episodeId: a.episodeId, outcome, by });
    }

    it('approved: logged with reason, outcome and time, written to Genesys, the agent told, the ladder ends', () => {
        const a = nudged(true);
        a.now = T0 + 10 * MIN;
        explain(a);
        a.apply({ type: 'ExplanationRecorded', episode: episodeOf(a), result: { ok: true, explanationId: 'x-1' } });
        a.effects = [];
        a.now = T0 + 12 * MIN;
        decide(a, 'Approved');
        assert.deepEqual(a.kinds(), ['agent-note', 'explanation-decide', 'update:explanation-decided']);
        const write = a.notifications()[1];
        assert.ok(write.kind === 'explanation-decide' && write.explanationId === 'x-1' && write.outcome === 'Approved');
        const log = a.effects.find((e) => e.type === 'LogEpisode');
        assert.ok(log?.type === 'LogEpisode');
        assert.deepEqual(
            [log.entry.type, log.entry.explanationReason, log.entry.outcome, log.entry.by, log.entry.at],
            ['explanation-decided', 'Still with a customer', 'Approved', 'sup-1', T0 + 12 * MIN]
        );
        assert.equal(dueAtOf(a.record!.state), null, 'no formal exception, no re-alert');
        a.effects = [];
        a.tick(T0 + 20 * MIN);
        assert.deepEqual(a.effects, [], 'nothing fires after an approval');
        a.observe(out(T0, { adherenceState: 'Explained', changedAt: T0 + 21 * MIN }));
        assert.equal(a.status, 'adherent', 'Genesys reports Explained: the episode ends');
    });

    it('denied: the agent told, the ladder keeps running to the formal exception', () => {
        const a = nudged(true);
        explain(a);
        a.effects = [];
        decide(a, 'Denied');
        const note = a.notifications()[0];
        assert.ok(note.kind === 'agent-note' && note.note === 'explanation-denied');
        assert.equal(dueAtOf(a.record!.state), T0 + 15 * MIN);
        a.tick(T0 + 15 * MIN);
        assert.equal(a.status, 'outOfAdherence');
    });

    it('a decision before Genesys answered is written once the explanation id arrives', () => {
        const a = nudged(true);
        explain(a);
        a.effects = [];
        decide(a, 'Approved');
        assert.ok(!a.kinds().includes('explanation-decide'), 'no id yet: nothing to PATCH');
        a.effects = [];
        a.apply({ type: 'ExplanationRecorded', episode: episodeOf(a), result: { ok: true, explanationId: 'x-9' } });
        const write = a.notifications().find((n) => n.kind === 'explanation-decide');
        assert.ok(write?.kind === 'explanation-decide' && write.explanationId === 'x-9');
    });

    it('refuses a decision without an explanation, and a different second decision', () => {
        const a = nudged(true);
        assert.deepEqual(decide(a, 'Approved'), [{ type: 'CommandRefused', reason: 'no-explanation' }]);
        explain(a);
        decide(a, 'Denied', 'sup-1');
        const version = a.record!.version;
        assert.deepEqual(decide(a, 'Denied', 'sup-1'), [], 'the same supervisor again: nothing new');
        assert.equal(a.record!.version, version);
        assert.deepEqual(decide(a, 'Approved', 'sup-2'), [{ type: 'CommandRefused', reason: 'already-decided' }]);
    });
});

describe('transition: interaction-aware nudges', () => {
    const onCall = { routingStatus: 'INTERACTING' };

    it('holds the nudge while the agent is on an interaction and sends it when the interaction ends', () => {
        const a = new Agent(policy(), T0);
        a.observe(out(T0, onCall));
        a.tick(T0 + 6 * MIN);
        assert.deepEqual(a.logTypes(), ['start', 'suppressed:on-interaction']);
        assert.deepEqual(a.kinds(), []);
        assert.equal(dueAtOf(a.record!.state), T0 + 15 * MIN, 'only the formal exception is due');
        a.now = T0 + 8 * MIN;
        a.observe(out(T0, { routingStatus: 'IDLE' }));
        assert.equal(dueAtOf(a.record!.state), T0 + 8 * MIN, 'due at once when the interaction ends');
        a.tick(T0 + 8 * MIN);
        assert.deepEqual(a.kinds(), ['nudge']);
    });

    it('also holds the alert (COMMUNICATING counts), but never the formal exception', () => {
        const a = new Agent(policy(), T0);
        a.observe(out(T0));
        a.tick(T0 + 6 * MIN);
        a.now = T0 + 7 * MIN;
        a.observe(out(T0, { routingStatus: 'COMMUNICATING' }));
        a.tick(T0 + 10 * MIN);
        a.tick(T0 + 15 * MIN);
        assert.deepEqual(a.kinds(), ['nudge']);
        assert.equal(a.status, 'outOfAdherence', 'the formal exception is recorded on time');
        assert.ok(a.logTypes().includes('suppressed:on-interaction'));
    });

    it('nudges on time while interacting when ADHERENCE_DEFER_WHILE_INTERACTING is off', () => {
        const a = new Agent(policy({ deferWhileInteracting: false }), T0);
        a.observe(out(T0, onCall));
        a.tick(T0 + 6 * MIN);
        assert.deepEqual(a.kinds(), ['nudge']);
    });
});
