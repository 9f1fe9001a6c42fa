import type { Observation } from './types';

export interface DampenerConfig {
    /** How long a unit's events are held once a republish is detected, ms. @default 60000 */
    windowMs: number;
    /** More than this many adherence changes in one unit within `burstWindowMs` counts as a republish. @default 200 */
    burstThreshold: number;
    /** Window of the burst counter, ms. @default 10000 */
    burstWindowMs: number;
}

/** A unit's settled batch: the latest observation per agent, and the drifts that vanished inside the window. */
export interface SettledBatch {
    managementUnitId: string;
    observations: Observation[];
    /** Agents seen out of adherence during the window whose latest observation is not: they only *appeared* to drift. */
    dampened: Observation[];
}

interface UnitBuffer {
    until: number;
    /** The agents held; undefined = every agent of the unit. */
    agents: Set<string> | undefined;
    latest: Map<string, Observation>;
    sawOut: Map<string, Observation>;
}

/**
 * Mass schedule change dampening, per management unit (README, "How drift is decided"). Pure bookkeeping: time comes
 * in as `now`. A unit starts buffering on an explicit signal (`…agentschedules.changed`: only the agents it names,
 * when it names some) or when its change rate exceeds the burst threshold (every agent); the events held are released
 * after `windowMs` as one settled batch, while the other agents' events flow.
 */
export class Dampener {
    private readonly buffers = new Map<string, UnitBuffer>();
    private readonly counters = new Map<string, { windowStart: number; count: number }>();

    constructor(private readonly config: DampenerConfig) {}

    isBuffering(managementUnitId: string): boolean {
        return this.buffers.has(managementUnitId);
    }

    /**
     * Start (or extend) buffering for a unit: a schedule republish was announced, for `agentIds` only when given (the
     * event lists the agents whose schedules changed), for every agent otherwise.
     */
    signal(managementUnitId: string, now: number, agentIds?: readonly string[]): void {
        const scope = agentIds && agentIds.length > 0 ? new Set(agentIds) : undefined;
        const buffer = this.buffers.get(managementUnitId);
        if (!buffer) {
            this.buffers.set(managementUnitId, {
                until: now + this.config.windowMs,
                agents: scope,
                latest: new Map(),
                sawOut: new Map()
            });
            return;
        }
        buffer.until = Math.max(buffer.until, now + this.config.windowMs);
        if (!scope) buffer.agents = undefined;
        else if (buffer.agents) for (const id of scope) buffer.agents.add(id);
    }

    /** Offer an observation; `true` when it was buffered (the caller must not apply it now). */
    offer(observation: Observation, now: number): boolean {
        const unit = observation.managementUnitId;
        const held = this.buffers.get(unit);
        let buffer = held && (held.agents === undefined || held.agents.has(observation.userId)) ? held : undefined;
        if (!buffer) {
            let counter = this.counters.get(unit);
            if (!counter || now - counter.windowStart >= this.config.burstWindowMs) {
                counter = { windowStart: now, count: 0 };
                this.counters.set(unit, counter);
            }
            counter.count++;
            if (counter.count <= this.config.burstThreshold) return false;
            this.counters.delete(unit);
            this.signal(unit, now);
            buffer = this.buffers.get(unit)!;
        }
        const previous = buffer.latest.get(observation.userId);
        if (!previous || observation.changedAt >= previous.changedAt)
            buffer.latest.set(observation.userId, observation);
        if (observation.adherenceState === 'OutOfAdherence') buffer.sawOut.set(observation.userId, observation);
        return true;
    }

    /**
     * The agent's latest held observation when it ends a drift (anything but `OutOfAdherence`), while the unit is
     * buffering: a deadline due now must not act on a drift that the held events already ended.
     */
    heldReturn(managementUnitId: string, userId: string): Observation | undefined {
        const latest = this.buffers.get(managementUnitId)?.latest.get(userId);
        return latest && latest.adherenceState !== 'OutOfAdherence' ? latest : undefined;
    }

    /** Earliest time a buffered unit settles, or `undefined`. */
    nextSettleAt(): number | undefined {
        let next: number | undefined;
        for (const b of this.buffers.values()) if (next === undefined || b.until < next) next = b.until;
        return next;
    }

    /** Release every unit whose window has passed. */
    settle(now: number): SettledBatch[] {
        const batches: SettledBatch[] = [];
        for (const [unit, buffer] of this.buffers) {
            if (buffer.until > now) continue;
            this.buffers.delete(unit);
            const observations = [...buffer.latest.values()].sort((a, b) => a.changedAt - b.changedAt);
            const dampened: Observation[] = [];
            for (const [userId, out] of buffer.sawOut) {
                if (buffer.latest.get(userId)?.adherenceState !== 'OutOfAdherence') dampened.push(out);
            }
            batches.push({ managementUnitId: unit, observations, dampened });
        }
        return batches;
    }
}
