import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dueAtOf } from '../../../src/domain/adherence/agentState';
import { Agent, back, MIN, out, policy, T0 } from '../../support/adherence';

const escalating = (levels = 1) => policy({ escalation: { afterMs: 5 * MIN, levels } });

/** The deadline as the engine delivers it, with how many escalation levels of the unit have a target. */
const tick = (a: Agent, at: number, escalationLevels = 5) => a.route(at, { escalationLevels });

describe('transition: escalation of an alert nobody acts on', () => {
    it('escalates once, 5 min after the alert, updating the alert card; never again for that level', () => {
        const a = new Agent(escalating());
        a.observe(out(T0));
        tick(a, T0 + 10 * MIN);
        const s = a.record!.state;
        assert.ok(s.status === 'drifting');
        assert.deepEqual(s.escalation, { level: 1, dueAt: T0 + 15 * MIN });
        assert.equal(dueAtOf(s), T0 + 15 * MIN);
        tick(a, T0 + 15 * MIN);
        assert.deepEqual(a.kinds(), ['nudge', 'alert', 'update:exception', 'escalation', 'update:escalated']);
        const escalation = a.notifications().find((n) => n.kind === 'escalation')!;
        assert.equal(escalation.key, `${a.episodeId}:escalate:1`);
        assert.ok(escalation.kind === 'escalation' && escalation.level === 1);
        assert.deepEqual(a.logTypes(), ['start', 'nudge', 'alert', 'exception', 'escalate']);
        tick(a, T0 + 60 * MIN);
        assert.equal(a.kinds().filter((k) => k === 'escalation').length, 1);
        assert.equal(dueAtOf(a.record!.state), null);
    });

    it('goes up the configured levels, one every 5 min, as far as the unit has targets', () => {
        const a = new Agent(escalating(3));
        a.observe(out(T0));
        tick(a, T0 + 10 * MIN, 2);
        tick(a, T0 + 15 * MIN, 2);
        tick(a, T0 + 20 * MIN, 2);
        tick(a, T0 + 25 * MIN, 2);
        const levels = a.notifications().flatMap((n) => (n.kind === 'escalation' ? [n.level] : []));
        assert.deepEqual(levels, [1, 2], 'level 3 has nobody to go to');
        const log = a.effects.flatMap((e) => (e.type === 'LogEpisode' && e.entry.type === 'escalate' ? [e.entry] : []));
        assert.deepEqual(
            log.map((e) => [e.level, e.at - T0]),
            [
                [1, 15 * MIN],
                [2, 20 * MIN]
            ]
        );
    });

    it('does not escalate when the unit has no escalation target or escalation is off', () => {
        const a = new Agent(escalating());
        a.observe(out(T0));
        tick(a, T0 + 10 * MIN, 0);
        tick(a, T0 + 30 * MIN, 0);
        assert.ok(!a.kinds().includes('escalation'));
        const unknown = new Agent(escalating());
        unknown.observe(out(T0));
        unknown.tick(T0 + 10 * MIN); // a shell that says nothing about targets
        unknown.tick(T0 + 30 * MIN);
        assert.ok(!unknown.kinds().includes('escalation'));
        const b = new Agent(policy());
        b.observe(out(T0));
        tick(b, T0 + 10 * MIN);
        const s = b.record!.state;
        assert.ok(s.status !== 'adherent' && s.escalation === undefined);
    });

    for (const [name, act] of [
        ['an acknowledge', (a: Agent) => a.ack()],
        ['a snooze', (a: Agent) => a.snooze(T0 + 40 * MIN)],
        ['an approved overtime from the card', (a: Agent) => a.approve(T0 + 40 * MIN)]
    ] as const) {
        it(`stops on ${name} before it is due`, () => {
            const a = new Agent(escalating(2));
            a.observe(out(T0));
            tick(a, T0 + 10 * MIN);
            a.now = T0 + 12 * MIN;
            act(a);
            const s = a.record!.state;
            assert.ok(s.status !== 'adherent' && s.escalation === undefined);
            tick(a, T0 + 20 * MIN);
            tick(a, T0 + 30 * MIN);
            assert.ok(!a.kinds().includes('escalation'), name);
        });
    }

    for (const outcome of ['Approved', 'Denied'] as const) {
        it(`stops when a supervisor decides the agent's explanation (${outcome}) before it is due`, () => {
            const a = new Agent(escalating(2));
            a.observe(out(T0));
            tick(a, T0 + 10 * MIN);
            a.now = T0 + 11 * MIN;
            a.apply({ type: 'AdherenceExplained', episodeId: a.episodeId, reason: 'Still with a customer' });
            a.now = T0 + 12 * MIN;
            a.apply({ type: 'ExplanationDecided', episodeId: a.episodeId, outcome, by: 'sup' });
            const s = a.record!.state;
            assert.ok(s.status !== 'adherent' && s.escalation === undefined);
            tick(a, T0 + 20 * MIN);
            tick(a, T0 + 30 * MIN);
            assert.ok(!a.kinds().includes('escalation'), outcome);
        });
    }

    it('stops when the agent is back in adherence first', () => {
        const a = new Agent(escalating());
        a.observe(out(T0));
        tick(a, T0 + 10 * MIN);
        a.now = T0 + 12 * MIN;
        a.observe(back(T0 + 12 * MIN));
        assert.equal(dueAtOf(a.record!.state), null);
        assert.ok(!a.kinds().includes('escalation'));
    });

    it('stops the next level when somebody acts after the first', () => {
        const a = new Agent(escalating(2));
        a.observe(out(T0));
        tick(a, T0 + 10 * MIN);
        tick(a, T0 + 15 * MIN);
        a.now = T0 + 17 * MIN;
        a.ack();
        tick(a, T0 + 20 * MIN);
        assert.deepEqual(
            a.notifications().flatMap((n) => (n.kind === 'escalation' ? [n.level] : [])),
            [1]
        );
    });
});
