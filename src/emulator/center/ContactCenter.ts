import type { Clock, Random } from '../../domain/clock';
import { seededUuid } from '../seededRandom';
import {
    adherenceMoved,
    computeAdherence,
    withExplained,
    scheduledAt,
    type AdherenceFacts,
    type ScheduledActivity
} from './adherence';
import { GENESYS_CLOUD_SOURCE, PRESENCE_FOR, SYSTEM_PRESENCES, type SystemPresence } from './catalog';
import { agentIdentity, generateSchedule } from './roster';

export type { AdherenceFacts, ScheduledActivity } from './adherence';

export interface Agent {
    id: string;
    name: string;
    email: string;
    managementUnitId: string;
    businessUnitId: string;
    teamId: string;
    teamName: string;
    activities: ScheduledActivity[];
    /** The presence Genesys shows (and WFM computes adherence from): the one of the primary source. */
    systemPresence: SystemPresence;
    presenceDefinitionId: string;
    /** The presence source Genesys shows this user's presence from. @default GENESYS_CLOUD_SOURCE */
    primarySourceId: string;
    /** Epoch ms. */
    presenceUpdatedAt: number;
    adherence: AdherenceFacts;
    /** Simulation: a presence change the agent will make at `at`. */
    pending?: { at: number; presence: SystemPresence };
    lastScheduledCategory: string;
    /** On a customer interaction: the routing status says `INTERACTING` (the presence stays as it is). */
    interacting?: boolean;
    /** Approved adherence explanations: `[startAt, endAt)` epoch ms, shown as `Explained` while out of adherence. */
    explained?: Array<{ startAt: number; endAt: number }>;
}

export interface Unit {
    id: string;
    name: string;
    businessUnitId: string;
    teams: Array<{ id: string; name: string }>;
    agentIds: string[];
}

export interface ContactCenterOptions {
    clock: Clock;
    random: Random;
    /** @default 2 */
    units?: number;
    /** @default 25 */
    agentsPerUnit?: number;
    /** @default 2 */
    teamsPerUnit?: number;
    /** Chance that an agent is late (4–20 min) following a schedule change. @default 0.1 */
    lateProbability?: number;
    /** Spontaneous drifts (Away for 3–15 min while on queue) per agent per hour. @default 0.2 */
    driftPerAgentPerHour?: number;
}

/**
 * The simulated contact center behind the emulator: units, teams, agents with names and emails, published schedules,
 * presences, and adherence computed the way Genesys does (scheduled vs actual category, impact). Time from the
 * injected clock, randomness from the injected (seeded) random.
 */
export class ContactCenter {
    readonly businessUnitId: string;
    readonly units: Unit[] = [];
    readonly agents = new Map<string, Agent>();
    readonly presenceDefinitions: Array<{ id: string; systemPresence: SystemPresence; label: string }>;
    private readonly byEmail = new Map<string, string>();
    private readonly lateProbability: number;
    private readonly driftPerAgentPerHour: number;
    private lastTickAt: number;

    constructor(
        private readonly options: ContactCenterOptions,
        /** Called for every change of an agent's adherence facts (event emission). */
        private readonly onChange: (agent: Agent) => void = () => undefined
    ) {
        const { random, clock } = options;
        this.lateProbability = options.lateProbability ?? 0.1;
        this.driftPerAgentPerHour = options.driftPerAgentPerHour ?? 0.2;
        this.lastTickAt = clock.now();
        this.businessUnitId = seededUuid(random);
        this.presenceDefinitions = SYSTEM_PRESENCES.map((p) => ({
            id: seededUuid(random),
            systemPresence: p,
            label: p === 'OnQueue' ? 'On Queue' : p
        }));
        const now = clock.now();
        const unitCount = options.units ?? 2;
        const perUnit = options.agentsPerUnit ?? 25;
        const teamsPerUnit = Math.max(1, options.teamsPerUnit ?? 2);
        for (let u = 0; u < unitCount; u++) {
            const unit: Unit = {
                id: seededUuid(random),
                name: `Unit ${String.fromCharCode(65 + (u % 26))}${u >= 26 ? u : ''}`,
                businessUnitId: this.businessUnitId,
                teams: Array.from({ length: teamsPerUnit }, (_, t) => ({
                    id: seededUuid(random),
                    name: `Team ${u + 1}.${t + 1}`
                })),
                agentIds: []
            };
            this.units.push(unit);
            this.staff(unit, u * perUnit, perUnit, now);
        }
    }

    findByEmail(email: string): Agent | undefined {
        const id = this.byEmail.get(email.toLowerCase());
        return id ? this.agents.get(id) : undefined;
    }

    unit(id: string): Unit | undefined {
        return this.units.find((u) => u.id === id);
    }

    definitionFor(presence: SystemPresence): string {
        return this.presenceDefinitions.find((d) => d.systemPresence === presence)!.id;
    }

    /** Scheduled activity at `at` (category `Unscheduled` when none). */
    scheduledAt(agent: Agent, at: number): { category: string; activityCodeId?: string } {
        return scheduledAt(agent.activities, at);
    }

    /** Recompute one agent; reports a change when any adherence fact moved. */
    refresh(agent: Agent, now: number): boolean {
        let next = computeAdherence(agent.activities, agent.systemPresence, now, agent.adherence);
        if (agent.explained?.some((e) => e.startAt <= now && now < e.endAt))
            next = withExplained(next, agent.adherence, now);
        const changed = adherenceMoved(agent.adherence, next);
        agent.adherence = next;
        if (changed) this.onChange(agent);
        return changed;
    }

    /** Set an agent's presence now (scripted event or a presence write) and emit what changes. */
    setPresence(agentId: string, presence: SystemPresence): Agent {
        const agent = this.agents.get(agentId);
        if (!agent) throw new Error(`unknown agent ${agentId}`);
        const now = this.options.clock.now();
        agent.pending = undefined;
        this.applyPresence(agent, presence, now);
        this.refresh(agent, now);
        return agent;
    }

    /** The agent starts or ends an interaction: Genesys sends an adherence event with the new routing status. */
    setInteracting(agentId: string, on: boolean): void {
        const agent = this.agents.get(agentId);
        if (!agent) throw new Error(`unknown agent ${agentId}`);
        if ((agent.interacting ?? false) === on) return;
        agent.interacting = on;
        this.onChange(agent);
    }

    /** An explanation of `[startAt, endAt)` was approved: while it covers now, out of adherence shows as Explained. */
    explain(agentId: string, startAt: number, endAt: number): void {
        const agent = this.agents.get(agentId);
        if (!agent) throw new Error(`unknown agent ${agentId}`);
        (agent.explained ??= []).push({ startAt, endAt });
        this.refresh(agent, this.options.clock.now());
    }

    /**
     * Schedule republish: shift every scheduled activity of `fraction` of the unit's agents by ±15–30 min,
     * so many agents flip out of (or into) adherence at once. Returns the agents whose schedule moved.
     */
    republish(unitId: string, fraction = 0.6): string[] {
        const unit = this.unit(unitId);
        if (!unit) throw new Error(`unknown unit ${unitId}`);
        const r = this.options.random;
        const moved: string[] = [];
        for (const id of unit.agentIds) {
            if (r() >= fraction) continue;
            const agent = this.agents.get(id)!;
            const shiftMs = (r() < 0.5 ? -1 : 1) * (15 + Math.floor(r() * 2) * 15) * 60_000;
            agent.activities = agent.activities.map((a) => ({ ...a, startAt: a.startAt + shiftMs }));
            moved.push(id);
        }
        return moved;
    }

    /**
     * One simulation step: agents follow their schedule (usually within 90 s, sometimes 4–20 min late), now and then
     * drift away on their own, and adherence is recomputed at schedule boundaries. An agent whose primary presence
     * source is not the Genesys Cloud client is driven by that source only (its writes), never by the simulation.
     */
    tick(): void {
        const { clock, random } = this.options;
        const now = clock.now();
        const elapsedHours = Math.max(0, now - this.lastTickAt) / 3_600_000;
        this.lastTickAt = now;
        const driftChance = 1 - Math.exp(-this.driftPerAgentPerHour * elapsedHours);
        for (const agent of this.agents.values()) {
            if (agent.primarySourceId !== GENESYS_CLOUD_SOURCE) {
                this.refresh(agent, now);
                continue;
            }
            const scheduled = this.scheduledAt(agent, now).category;
            if (scheduled !== agent.lastScheduledCategory) {
                agent.lastScheduledCategory = scheduled;
                const late = random() < this.lateProbability;
                const delayMs = late ? (4 + random() * 16) * 60_000 : random() * 90_000;
                agent.pending = { at: now + delayMs, presence: PRESENCE_FOR[scheduled] };
            } else if (!agent.pending && agent.systemPresence === 'OnQueue' && random() < driftChance) {
                const away = (3 + random() * 12) * 60_000;
                this.applyPresence(agent, random() < 0.5 ? 'Away' : 'Available', now);
                agent.pending = { at: now + away, presence: 'OnQueue' };
            }
            if (agent.pending && agent.pending.at <= now) {
                const presence = agent.pending.presence;
                agent.pending = undefined;
                this.applyPresence(agent, presence, now);
            }
            this.refresh(agent, now);
        }
    }

    /** Adds `count` agents to the unit (numbered from `first` across the center), each following its schedule at `now`. */
    private staff(unit: Unit, first: number, count: number, now: number): void {
        for (let a = 0; a < count; a++) {
            const team = unit.teams[a % unit.teams.length];
            const id = seededUuid(this.options.random);
            const agent: Agent = {
                id,
                ...agentIdentity(first + a),
                managementUnitId: unit.id,
                businessUnitId: this.businessUnitId,
                teamId: team.id,
                teamName: team.name,
                activities: generateSchedule(this.options.random, now),
                systemPresence: 'Offline',
                presenceDefinitionId: '',
                primarySourceId: GENESYS_CLOUD_SOURCE,
                presenceUpdatedAt: now,
                adherence: {
                    adherenceState: 'Unscheduled',
                    impact: 'Neutral',
                    scheduledCategory: 'Unscheduled',
                    actualCategory: 'Unavailable',
                    changedAt: now
                },
                lastScheduledCategory: 'Unscheduled'
            };
            const scheduled = this.scheduledAt(agent, now);
            agent.systemPresence = PRESENCE_FOR[scheduled.category];
            agent.presenceDefinitionId = this.definitionFor(agent.systemPresence);
            agent.lastScheduledCategory = scheduled.category;
            agent.adherence = computeAdherence(agent.activities, agent.systemPresence, now, undefined);
            unit.agentIds.push(id);
            this.agents.set(id, agent);
            this.byEmail.set(agent.email, id);
        }
    }

    private applyPresence(agent: Agent, presence: SystemPresence, now: number): void {
        if (agent.systemPresence === presence) return;
        agent.systemPresence = presence;
        agent.presenceDefinitionId = this.definitionFor(presence);
        agent.presenceUpdatedAt = now;
    }
}
