import type { Clock, Random } from '../domain/clock';
import { seededUuid } from './seededRandom';

/** Genesys default activity codes (ids as in a fresh business unit). */
export const ACTIVITY_CODES = [
    { id: '0', name: 'On Queue Work', category: 'OnQueueWork' },
    { id: '1', name: 'Break', category: 'Break' },
    { id: '2', name: 'Meal', category: 'Meal' },
    { id: '3', name: 'Meeting', category: 'Meeting' },
    { id: '4', name: 'Off Queue Work', category: 'OffQueueWork' },
    { id: '5', name: 'Time Off', category: 'TimeOff' },
    { id: '6', name: 'Training', category: 'Training' },
    { id: '7', name: 'Unavailable', category: 'Unavailable' }
] as const;

export const SYSTEM_PRESENCES = [
    'Available',
    'Away',
    'Busy',
    'Offline',
    'Idle',
    'OnQueue',
    'Meal',
    'Training',
    'Meeting',
    'Break'
] as const;
export type SystemPresence = (typeof SYSTEM_PRESENCES)[number];

/** Actual activity category of a system presence (what Genesys compares with the schedule). */
const ACTUAL_CATEGORY: Record<SystemPresence, string> = {
    OnQueue: 'OnQueueWork',
    Available: 'OffQueueWork',
    Busy: 'OffQueueWork',
    Away: 'Unavailable',
    Idle: 'Unavailable',
    Offline: 'Unavailable',
    Meal: 'Meal',
    Break: 'Break',
    Meeting: 'Meeting',
    Training: 'Training'
};

/** The presence an agent picks to follow a scheduled category. */
const PRESENCE_FOR: Record<string, SystemPresence> = {
    OnQueueWork: 'OnQueue',
    Break: 'Break',
    Meal: 'Meal',
    Meeting: 'Meeting',
    Training: 'Training',
    OffQueueWork: 'Available',
    TimeOff: 'Offline',
    Unavailable: 'Away',
    Unscheduled: 'Offline'
};

export interface ScheduledActivity {
    startAt: number;
    lengthMinutes: number;
    activityCodeId: string;
}

export interface AdherenceFacts {
    adherenceState: 'InAdherence' | 'OutOfAdherence' | 'Unscheduled';
    impact: 'Positive' | 'Negative' | 'Neutral';
    scheduledCategory: string;
    scheduledActivityCodeId?: string;
    actualCategory: string;
    changedAt: number;
}

export interface Agent {
    id: string;
    name: string;
    email: string;
    managementUnitId: string;
    businessUnitId: string;
    teamId: string;
    teamName: string;
    activities: ScheduledActivity[];
    systemPresence: SystemPresence;
    presenceDefinitionId: string;
    presenceUpdatedAt: number;
    adherence: AdherenceFacts;
    /** Simulation: a presence change the agent will make at `at`. */
    pending?: { at: number; presence: SystemPresence };
    lastScheduledCategory: string;
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

const FIRST = [
    'Ada',
    'Ben',
    'Chloé',
    'Dev',
    'Eli',
    'Fatima',
    'Gus',
    'Hana',
    'Ivan',
    'Jun',
    'Kofi',
    'Lea',
    'Maya',
    'Noor',
    'Omar',
    'Pia'
];
const LAST = [
    'Okafor',
    'Lindqvist',
    'Moreau',
    'Patel',
    'Nakamura',
    'García',
    'Kowalski',
    "O'Brien",
    'Haddad',
    'Silva',
    'Müller',
    'Chen'
];

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
        let n = 0;
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
            for (let a = 0; a < perUnit; a++, n++) {
                const first = FIRST[n % FIRST.length];
                const last = LAST[Math.floor(n / FIRST.length) % LAST.length];
                const team = unit.teams[a % teamsPerUnit];
                const id = seededUuid(random);
                const activities = this.generateSchedule(now);
                const agent: Agent = {
                    id,
                    name: `${first} ${last}${n >= FIRST.length * LAST.length ? ' ' + n : ''}`,
                    email: `${ascii(first)}.${ascii(last)}${n >= FIRST.length * LAST.length ? n : ''}@contoso.example`.toLowerCase(),
                    managementUnitId: unit.id,
                    businessUnitId: this.businessUnitId,
                    teamId: team.id,
                    teamName: team.name,
                    activities,
                    systemPresence: 'Offline',
                    presenceDefinitionId: '',
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
                agent.adherence = this.compute(agent, now, undefined);
                unit.agentIds.push(id);
                this.agents.set(id, agent);
                this.byEmail.set(agent.email, id);
            }
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

    /** A 9 h shift around `now` (started 0–3 h ago), repeated for three days: on queue, breaks, a meal, sometimes a meeting. */
    generateSchedule(now: number): ScheduledActivity[] {
        const r = this.options.random;
        const quarter = 15 * 60_000;
        const start = Math.floor((now - r() * 3 * 3_600_000) / quarter) * quarter;
        const out: ScheduledActivity[] = [];
        for (let day = 0; day < 3; day++) {
            const s = start + day * 86_400_000;
            const meeting = r() < 0.3;
            const plan: Array<[number, string]> = [
                [120, '0'],
                [15, '1'],
                [meeting ? 60 : 105, '0'],
                ...(meeting ? ([[45, '3']] as Array<[number, string]>) : []),
                [30, '2'],
                [120, '0'],
                [15, '1'],
                [135, '0']
            ];
            let t = s;
            for (const [minutes, code] of plan) {
                out.push({ startAt: t, lengthMinutes: minutes, activityCodeId: code });
                t += minutes * 60_000;
            }
        }
        return out;
    }

    /** Scheduled activity at `at` (category `Unscheduled` when none). */
    scheduledAt(agent: Agent, at: number): { category: string; activityCodeId?: string } {
        for (const a of agent.activities) {
            if (a.startAt <= at && at < a.startAt + a.lengthMinutes * 60_000) {
                const code = ACTIVITY_CODES.find((c) => c.id === a.activityCodeId);
                return { category: code?.category ?? 'OnQueueWork', activityCodeId: a.activityCodeId };
            }
        }
        return { category: 'Unscheduled' };
    }

    /** Genesys-style adherence: actual vs scheduled category; impact from on-queue time gained or lost. */
    compute(agent: Agent, now: number, previous: AdherenceFacts | undefined): AdherenceFacts {
        const scheduled = this.scheduledAt(agent, now);
        const actual = ACTUAL_CATEGORY[agent.systemPresence];
        let state: AdherenceFacts['adherenceState'];
        if (scheduled.category === 'Unscheduled') state = 'Unscheduled';
        else if (scheduled.category === 'TimeOff')
            state = agent.systemPresence === 'Offline' ? 'InAdherence' : 'OutOfAdherence';
        else
            state =
                actual === scheduled.category && agent.systemPresence !== 'Offline' ? 'InAdherence' : 'OutOfAdherence';
        let impact: AdherenceFacts['impact'] = 'Neutral';
        if (state === 'OutOfAdherence') {
            if (scheduled.category === 'OnQueueWork') impact = 'Negative';
            else if (actual === 'OnQueueWork') impact = 'Positive';
        }
        const facts: AdherenceFacts = {
            adherenceState: state,
            impact,
            scheduledCategory: scheduled.category,
            actualCategory: actual,
            changedAt: previous && previous.adherenceState === state ? previous.changedAt : now
        };
        if (scheduled.activityCodeId !== undefined) facts.scheduledActivityCodeId = scheduled.activityCodeId;
        return facts;
    }

    /** Recompute one agent; reports a change when any adherence fact moved. */
    refresh(agent: Agent, now: number): boolean {
        const next = this.compute(agent, now, agent.adherence);
        const prev = agent.adherence;
        const changed =
            next.adherenceState !== prev.adherenceState ||
            next.impact !== prev.impact ||
            next.scheduledCategory !== prev.scheduledCategory ||
            next.actualCategory !== prev.actualCategory ||
            next.scheduledActivityCodeId !== prev.scheduledActivityCodeId;
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
        if (agent.systemPresence !== presence) {
            agent.systemPresence = presence;
            agent.presenceDefinitionId = this.definitionFor(presence);
            agent.presenceUpdatedAt = now;
        }
        this.refresh(agent, now);
        return agent;
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
     * drift away on their own, and adherence is recomputed at schedule boundaries.
     */
    tick(): void {
        const { clock, random } = this.options;
        const now = clock.now();
        const elapsedHours = Math.max(0, now - this.lastTickAt) / 3_600_000;
        this.lastTickAt = now;
        const driftChance = 1 - Math.exp(-this.driftPerAgentPerHour * elapsedHours);
        for (const agent of this.agents.values()) {
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

    private applyPresence(agent: Agent, presence: SystemPresence, now: number): void {
        if (agent.systemPresence === presence) return;
        agent.systemPresence = presence;
        agent.presenceDefinitionId = this.definitionFor(presence);
        agent.presenceUpdatedAt = now;
    }
}

function ascii(s: string): string {
    return s
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^A-Za-z]/g, '');
}

/** Routing status that goes with a presence. */
export function routingStatusOf(presence: SystemPresence): string {
    if (presence === 'OnQueue') return 'IDLE';
    if (presence === 'Offline') return 'OFFLINE';
    return 'OFF_QUEUE';
}
