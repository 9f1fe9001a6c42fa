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
    latest: Map<string, Observation>;
    sawOut: Map<string, Observation>;
}

/**
 * Mass schedule change dampening, per management unit (README, "How drift is decided"). Pure bookkeeping: time
 * comes in as `now`.
 * A unit starts buffering on an explicit signal (`…agentschedules.changed`) or when its change rate exceeds the
 * burst threshold; its events are then held for `windowMs` and released as one settled batch.
 */
export class Dampener {
    private readonly buffers = new Map<string, UnitBuffer>();
    private readonly counters = new Map<string, { windowStart: number; count: number }>();

    constructor(private readonly config: DampenerConfig) {}

    isBuffering(managementUnitId: string): boolean {
        return this.buffers.has(managementUnitId);
    }

    /** Start (or extend) buffering for a unit: a schedule republish was announced. */
    signal(managementUnitId: string, now: number): void {
        const buffer = this.buffers.get(managementUnitId);
        if (buffer) buffer.until = Math.max(buffer.until, now + this.config.windowMs);
        else
            this.buffers.set(managementUnitId, {
                until: now + this.config.windowMs,
                latest: new Map(),
                sawOut: new Map()
            });
    }

    /** Offer an observation; `true` when it was buffered (the caller must not apply it now). */
    offer(observation: Observation, now: number): boolean {
        const unit = observation.managementUnitId;
        let buffer = this.buffers.get(unit);
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
