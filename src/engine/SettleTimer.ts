import type { Clock, TimerHandle } from '../domain/clock';
import type { Dampener } from '../domain/adherence/Dampener';
import type { Logger } from '../kit/Logger';
import type { EngineMetrics } from './AdherenceEngine';
import { jobOf, type Job } from './AgentWork';

/** What the timer works with; the engine owns each part. */
export interface SettleTimerParts {
    dampener: Dampener;
    clock: Clock;
    logger: Logger;
    metrics: EngineMetrics;
    /** Queue these jobs, in order, and start committing. */
    enqueue(jobs: Job[]): void;
}

/**
 * The clock side of schedule-republish dampening: one timer at the {@link Dampener}'s next settle time, which queues
 * each settled unit's events as one batch (agents who only appeared out as dampened, the latest observation of each).
 */
export class SettleTimer {
    private timer: TimerHandle | undefined;

    constructor(private readonly parts: SettleTimerParts) {}

    /** (Re-)arm the timer at the next settle time, if a unit is held. */
    arm(): void {
        const { dampener, clock } = this.parts;
        const next = dampener.nextSettleAt();
        if (next === undefined) return;
        if (this.timer !== undefined) clock.clearTimeout(this.timer);
        this.timer = clock.setTimeout(
            () => {
                this.timer = undefined;
                const jobs = this.settled();
                this.arm();
                this.parts.enqueue(jobs);
            },
            Math.max(0, next - clock.now())
        );
    }

    stop(): void {
        if (this.timer !== undefined) this.parts.clock.clearTimeout(this.timer);
        this.timer = undefined;
    }

    /** The jobs of every unit that settled by now. */
    private settled(): Job[] {
        const { dampener, clock, logger, metrics } = this.parts;
        const jobs: Job[] = [];
        for (const batch of dampener.settle(clock.now())) {
            const { managementUnitId, observations, dampened } = batch;
            metrics.dampened?.(dampened.length);
            for (const o of dampened) jobs.push(jobOf(o.userId, { type: 'ObservationDampened', observation: o }));
            for (const o of observations) jobs.push(jobOf(o.userId, { type: 'AdherenceObserved', observation: o }));
            logger.info(
                { managementUnitId, agents: observations.length, dampened: dampened.length },
                'schedule change settled'
            );
        }
        return jobs;
    }
}
