import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGenesysEmulator, type RunningEmulator } from '../../src/emulator/GenesysEmulator';
import { choosePersona, SandboxScenario, type ScenarioStep } from '../../src/sandbox/SandboxScenario';
import { FakeClock } from '../support/FakeClock';

const S = 1_000;

describe('SandboxScenario', () => {
    const clock = new FakeClock();
    let emulator: RunningEmulator;

    before(async () => {
        emulator = await startGenesysEmulator({
            clock,
            units: 2,
            agentsPerUnit: 6,
            simulate: false,
            heartbeatIntervalMs: 24 * 3_600_000
        });
    });
    after(() => emulator.close());

    it('maps the user to an in-adherence on-queue agent of the first unit, with the longest on-queue stretch ahead', () => {
        const center = emulator.control.center;
        const persona = choosePersona(center, clock.now());
        const agent = center.agents.get(persona.agentId)!;
        assert.equal(persona.unitId, center.units[0].id);
        assert.equal(agent.adherence.adherenceState, 'InAdherence');
        assert.equal(agent.adherence.scheduledCategory, 'OnQueueWork');
        assert.equal(persona.agentName, agent.name);
    });

    it('drifts the agent and a teammate once the user arrives, brings them back, repeats, and republishes the last unit once', () => {
        const control = emulator.control;
        const center = control.center;
        const persona = choosePersona(center, clock.now());
        const steps: ScenarioStep[] = [];
        const startsOf = (): number[] =>
            center.units[1].agentIds.map((id) => center.agents.get(id)!.activities[0].startAt);
        const schedulesBefore = startsOf();
        const scenario = new SandboxScenario({
            clock,
            control,
            persona,
            timing: {
                scenarioDelayMs: 10 * S,
                scenarioReturnMs: 60 * S,
                scenarioRepeatMs: 120 * S,
                republishAfterMs: 35 * S
            },
            onStep: (s) => steps.push(s)
        });
        scenario.start();
        clock.advance(20 * S);
        assert.equal(
            center.agents.get(persona.agentId)!.systemPresence,
            'OnQueue',
            'nothing happens before the user arrives'
        );
        assert.equal(steps.length, 0);

        scenario.userArrived();
        scenario.userArrived();
        clock.advance(9 * S);
        assert.equal(center.agents.get(persona.agentId)!.systemPresence, 'OnQueue');
        clock.advance(1 * S);
        const drifted = [...center.agents.values()].filter((a) => a.systemPresence === 'Away');
        assert.equal(drifted.length, 2, 'the agent and one teammate, once even though userArrived was called twice');
        assert.ok(
            drifted.every(
                (a) => a.managementUnitId === persona.unitId && a.adherence.adherenceState === 'OutOfAdherence'
            )
        );
        const teammate = drifted.find((a) => a.id !== persona.agentId)!;
        assert.deepEqual(
            steps.map((s) => s.type),
            ['drift']
        );
        assert.equal(steps[0].type === 'drift' && steps[0].teammateName, teammate.name);

        clock.advance(10 * S);
        assert.equal(steps.at(-1)?.type, 'republish', 'republish 35 s after start');
        const republish = steps.at(-1) as Extract<ScenarioStep, { type: 'republish' }>;
        assert.equal(republish.unitName, center.units[1].name);
        const moved = startsOf().filter((at, i) => at !== schedulesBefore[i]).length;
        assert.ok(moved > 0 && moved === republish.moved, "the last unit's schedules moved");

        clock.advance(50 * S);
        assert.equal(
            center.agents.get(persona.agentId)!.systemPresence,
            'OnQueue',
            'back on queue 60 s after drifting'
        );
        assert.equal(center.agents.get(teammate.id)!.systemPresence, 'OnQueue');
        clock.advance(60 * S);
        assert.deepEqual(
            steps.map((s) => s.type),
            ['drift', 'republish', 'return', 'drift'],
            'repeats 120 s after the first drift; republish once'
        );

        scenario.stop();
        clock.advance(600 * S);
        assert.equal(steps.length, 4, 'stop() cancels everything');
    });

    it('has the teammate explain from their nudge before the alert, and says so (not the persona: that is the user)', async () => {
        const control = emulator.control;
        const persona = choosePersona(control.center, clock.now());
        const steps: ScenarioStep[] = [];
        const explained: Array<{ agentId: string; reason: string }> = [];
        const scenario = new SandboxScenario({
            clock,
            control,
            persona,
            timing: {
                scenarioDelayMs: 1 * S,
                scenarioReturnMs: 0,
                scenarioRepeatMs: 0,
                republishAfterMs: 0,
                teammateExplainAfterMs: 3 * S
            },
            onStep: (step) => steps.push(step),
            explain: async (agentId, e) => {
                explained.push({ agentId, reason: e.reason });
                return true;
            }
        });
        scenario.userArrived();
        clock.advance(1 * S);
        const drift = steps[0] as Extract<ScenarioStep, { type: 'drift' }>;
        clock.advance(2 * S);
        assert.equal(explained.length, 0);
        clock.advance(1 * S);
        await new Promise<void>((r) => setImmediate(r));
        assert.equal(explained.length, 1);
        assert.notEqual(explained[0].agentId, persona.agentId);
        assert.equal(control.center.agents.get(explained[0].agentId)!.name, drift.teammateName);
        assert.deepEqual(
            steps.map((s) => s.type),
            ['drift', 'explained']
        );
        scenario.stop();
    });
});
