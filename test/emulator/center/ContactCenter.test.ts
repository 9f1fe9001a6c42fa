import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../support/FakeClock';
import { ContactCenter } from '../../../src/emulator/center/ContactCenter';
import { seededRandom } from '../../../src/emulator/seededRandom';

describe('ContactCenter adherence', () => {
    it('computes adherence from scheduled vs actual category, with impact and event-time changes', () => {
        const clock = new FakeClock();
        const changes: string[] = [];
        const cc = new ContactCenter({ clock, random: seededRandom(2), units: 1, agentsPerUnit: 1 }, (a) =>
            changes.push(a.adherence.adherenceState)
        );
        const agent = [...cc.agents.values()][0];
        const now = clock.now();
        agent.activities = [
            { startAt: now - 60_000, lengthMinutes: 30, activityCodeId: '0' },
            { startAt: now + 29 * 60_000, lengthMinutes: 15, activityCodeId: '1' }
        ];
        cc.setPresence(agent.id, 'OnQueue');
        assert.equal(agent.adherence.adherenceState, 'InAdherence');
        clock.advance(60_000);
        cc.setPresence(agent.id, 'Available');
        assert.deepEqual(
            [
                agent.adherence.adherenceState,
                agent.adherence.impact,
                agent.adherence.scheduledCategory,
                agent.adherence.actualCategory
            ],
            ['OutOfAdherence', 'Negative', 'OnQueueWork', 'OffQueueWork']
        );
        const outAt = agent.adherence.changedAt;
        assert.equal(outAt, clock.now());
        clock.advance(60_000);
        cc.setPresence(agent.id, 'Away');
        assert.equal(agent.adherence.changedAt, outAt, 'still out: the change time does not move');
        cc.setPresence(agent.id, 'OnQueue');
        clock.advance(29 * 60_000);
        cc.refresh(agent, clock.now());
        assert.deepEqual(
            [agent.adherence.adherenceState, agent.adherence.impact],
            ['OutOfAdherence', 'Positive'],
            'on queue during a break'
        );
        clock.advance(20 * 60_000);
        cc.refresh(agent, clock.now());
        assert.equal(agent.adherence.adherenceState, 'Unscheduled');
        assert.ok(changes.length >= 4);
    });

    it('is deterministic for a seed and simulates late agents and drifts over time', () => {
        const mk = () => {
            const clock = new FakeClock();
            let events = 0;
            const cc = new ContactCenter(
                {
                    clock,
                    random: seededRandom(42),
                    units: 2,
                    agentsPerUnit: 25,
                    driftPerAgentPerHour: 1,
                    lateProbability: 0.5
                },
                () => events++
            );
            for (let i = 0; i < 4 * 60; i++) {
                clock.advance(60_000);
                cc.tick();
            }
            return { cc, events };
        };
        const a = mk();
        const b = mk();
        assert.equal(a.events, b.events);
        assert.deepEqual(
            [...a.cc.agents.values()].map((x) => x.name),
            [...b.cc.agents.values()].map((x) => x.name)
        );
        assert.ok(a.events > 50, `expected traffic, got ${a.events}`);
        assert.equal(new Set([...a.cc.agents.values()].map((x) => x.email)).size, 50);
    });

    it('republish moves schedules of many agents at once', () => {
        const clock = new FakeClock();
        const cc = new ContactCenter({ clock, random: seededRandom(3), units: 1, agentsPerUnit: 40 });
        const moved = cc.republish(cc.units[0].id, 0.5);
        assert.ok(moved.length > 10 && moved.length < 30);
    });
});
