import type { Clock, TimerHandle } from '../domain/clock';
import type { Agent, ContactCenter } from '../emulator/center/ContactCenter';
import type { EmulatorControl } from '../emulator/GenesysEmulator';
import { SandboxError } from './SandboxError';

/** The simulated agent the Playground user is, and the unit they supervise. */
export interface Persona {
    agentId: string;
    agentName: string;
    agentEmail: string;
    unitId: string;
    unitName: string;
}

export type ScenarioStep =
    | { type: 'drift'; at: number; agentName: string; teammateName: string | undefined }
    | { type: 'return'; at: number; agentName: string; teammateName: string | undefined }
    | { type: 'republish'; at: number; unitName: string; moved: number }
    | { type: 'explained'; at: number; teammateName: string; reason: string };

/** What the scripted teammate says on the nudge's Explain (as a teammate in Teams would). */
export const TEAMMATE_EXPLANATION = Object.freeze({
    reason: 'System or tool problem',
    note: 'Softphone froze',
    backInMinutes: 5
});

export interface ScenarioTiming {
    /** Scripted drift this long after the Playground user is first seen. */
    scenarioDelayMs: number;
    /** Back on queue this long after drifting; 0 = never. */
    scenarioReturnMs: number;
    /** Drift again this long after the previous drift started; 0 = once. */
    scenarioRepeatMs: number;
    /** One schedule republish burst this long after `start()`; 0 = none. */
    republishAfterMs: number;
    /** The teammate explains from their nudge this long after drifting (before the alert); 0 = never. */
    teammateExplainAfterMs?: number;
}

/** Time left in the agent's current activity when it is on-queue work and the agent is in adherence; else -1. */
function onQueueLeftMs(center: ContactCenter, agent: Agent, now: number): number {
    if (agent.adherence.adherenceState !== 'InAdherence') return -1;
    for (const a of agent.activities) {
        const endAt = a.startAt + a.lengthMinutes * 60_000;
        if (a.startAt <= now && now < endAt)
            return center.scheduledAt(agent, now).category === 'OnQueueWork' ? endAt - now : -1;
    }
    return -1;
}

/** The agent of `unitId` (not `exclude`) in adherence on queue with the longest on-queue time ahead. */
export function pickOnQueueAgent(
    center: ContactCenter,
    unitId: string,
    now: number,
    exclude: readonly string[] = []
): Agent | undefined {
    let best: Agent | undefined;
    let bestLeft = -1;
    for (const id of center.unit(unitId)?.agentIds ?? []) {
        if (exclude.includes(id)) continue;
        const agent = center.agents.get(id)!;
        const left = onQueueLeftMs(center, agent, now);
        if (left > bestLeft) {
            best = agent;
            bestLeft = left;
        }
    }
    return best;
}

/** The Playground user's persona: the first unit's agent with the longest on-queue stretch ahead. */
export function choosePersona(center: ContactCenter, now: number): Persona {
    const unit = center.units[0];
    const agent = unit ? (pickOnQueueAgent(center, unit.id, now) ?? center.agents.get(unit.agentIds[0])) : undefined;
    if (!unit || !agent)
        throw new SandboxError(
            'SANDBOX_NO_AGENT',
            'The simulated contact center has no agent to map the Playground user to'
        );
    return { agentId: agent.id, agentName: agent.name, agentEmail: agent.email, unitId: unit.id, unitName: unit.name };
}

/**
 * The scripted part of the sandbox, on the injected clock: when the Playground user arrives, their agent and a
 * teammate go Away (so a nudge, an alert and the exception follow at the configured thresholds), come back on queue
 * later, and the whole thing repeats; plus one schedule republish burst in the last unit.
 */
export class SandboxScenario {
    private readonly timers = new Set<TimerHandle>();
    private arrived = false;
    private stopped = false;
    private teammateId: string | undefined;

    constructor(
        private readonly o: {
            clock: Clock;
            control: EmulatorControl;
            persona: Persona;
            timing: ScenarioTiming;
            onStep?(step: ScenarioStep): void;
            /** The scripted teammate explains their drift (the sandbox hands it to the engine); true when it was taken. */
            explain?(agentId: string, explanation: typeof TEAMMATE_EXPLANATION): Promise<boolean>;
        }
    ) {}

    /** Arms the republish burst. */
    start(): void {
        const { timing, control } = this.o;
        const unit = control.center.units[control.center.units.length - 1];
        if (timing.republishAfterMs > 0 && unit) {
            this.later(timing.republishAfterMs, () => {
                const moved = control.republish(unit.id);
                this.o.onStep?.({
                    type: 'republish',
                    at: this.o.clock.now(),
                    unitName: unit.name,
                    moved: moved.length
                });
            });
        }
    }

    /** The Playground user has a personal chat with the bot: start the scripted drift (once; later calls do nothing). */
    userArrived(): void {
        if (this.arrived || this.stopped) return;
        this.arrived = true;
        this.later(this.o.timing.scenarioDelayMs, () => this.drift());
    }

    get hasStarted(): boolean {
        return this.arrived;
    }

    stop(): void {
        this.stopped = true;
        for (const t of this.timers) this.o.clock.clearTimeout(t);
        this.timers.clear();
    }

    private drift(): void {
        const { control, persona, timing, clock } = this.o;
        const center = control.center;
        const teammate = pickOnQueueAgent(center, persona.unitId, clock.now(), [persona.agentId]);
        this.teammateId = teammate?.id;
        control.setPresence(persona.agentId, 'Away');
        if (teammate) control.setPresence(teammate.id, 'Away');
        this.o.onStep?.({ type: 'drift', at: clock.now(), agentName: persona.agentName, teammateName: teammate?.name });
        const explainAfter = timing.teammateExplainAfterMs ?? 0;
        if (teammate && explainAfter > 0) this.later(explainAfter, () => void this.teammateExplains(teammate));
        if (timing.scenarioReturnMs > 0) this.later(timing.scenarioReturnMs, () => this.back());
        if (timing.scenarioRepeatMs > 0) this.later(timing.scenarioRepeatMs, () => this.drift());
    }

    private async teammateExplains(teammate: Agent): Promise<void> {
        const explained = await this.o.explain?.(teammate.id, TEAMMATE_EXPLANATION).catch(() => false);
        if (!explained || this.stopped) return;
        const step = { at: this.o.clock.now(), teammateName: teammate.name, reason: TEAMMATE_EXPLANATION.reason };
        this.o.onStep?.({ type: 'explained', ...step });
    }

    private back(): void {
        const { control, persona, clock } = this.o;
        const teammateId = this.teammateId;
        control.setPresence(persona.agentId, 'OnQueue');
        if (teammateId) control.setPresence(teammateId, 'OnQueue');
        const teammateName = teammateId ? control.center.agents.get(teammateId)?.name : undefined;
        this.o.onStep?.({ type: 'return', at: clock.now(), agentName: persona.agentName, teammateName });
    }

    private later(ms: number, fn: () => void): void {
        const handle = this.o.clock.setTimeout(() => {
            this.timers.delete(handle);
            if (!this.stopped) fn();
        }, ms);
        this.timers.add(handle);
    }
}
