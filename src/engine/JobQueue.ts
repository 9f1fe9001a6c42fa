import type { Clock } from '../domain/clock';
import type { Logger } from '../kit/Logger';
import type { EngineMetrics } from './AdherenceEngine';
import type { Job } from './AgentWork';
import { foldQueue } from './foldQueue';

/** Pause before a batch that failed (the store is down) is tried again, ms. */
const RETRY_PAUSE_MS = 1_000;

/** What the queue works with. */
export interface JobQueueParts {
    clock: Clock;
    logger: Logger;
    metrics: EngineMetrics;
    /** Most events handed to `process` at once. */
    maxBatch: number;
    /** Queued events beyond which repeated observations are folded. */
    maxQueued: number;
    /** Decide and commit one batch; rejects when the store failed (its unsettled jobs are then tried again). */
    process(batch: Job[]): Promise<void>;
}

/**
 * The engine's accepted, not yet committed events, drained one batch at a time (so per-agent order is the arrival
 * order). A batch the store fails on goes back in front and is retried after a pause: accepted events are never lost.
 * While the queue is long (the store slow or down), repeated observations are folded.
 */
export class JobQueue {
    private jobs: Job[] = [];
    private draining: Promise<void> | undefined;
    /** The queue length that triggers the next fold: `maxQueued`, or twice what the last fold left. */
    private foldAt: number;
    private running = false;

    constructor(private readonly parts: JobQueueParts) {
        this.foldAt = parts.maxQueued;
    }

    get length(): number {
        return this.jobs.length;
    }

    /** Whether a stopped queue restarts nothing: after {@link stop} a drain that gave up on a failing store stays down. */
    get started(): boolean {
        return this.running;
    }

    /** The batch loop in flight, if any. */
    get inFlight(): Promise<void> | undefined {
        return this.draining;
    }

    push(job: Job): void {
        this.jobs.push(job);
    }

    start(): void {
        this.running = true;
    }

    /** Restart nothing from now on; the batch in flight finishes. */
    stop(): void {
        this.running = false;
    }

    /** Answer every queued action with `stopping` and drop the queue (they were not applied). */
    abandon(): void {
        for (const job of this.jobs) job.done?.({ ok: false, reason: 'stopping' });
        this.jobs = [];
    }

    /** Start draining unless a drain is in flight (folding first when the queue is long). */
    kick(): void {
        if (this.jobs.length > this.foldAt) this.fold();
        if (this.draining || this.jobs.length === 0) return;
        this.draining = this.drain().finally(() => {
            this.draining = undefined;
            if (this.jobs.length > 0 && this.running) this.kick();
        });
    }

    /**
     * The queue is longer than `maxQueued` (the store is slow or down, and events keep coming): drop the observations
     * that changes no outcome (see {@link foldQueue}). The next fold waits until the queue has doubled, so a queue that
     * cannot shrink this way is not scanned per event.
     */
    private fold(): void {
        const before = this.jobs.length;
        this.jobs = foldQueue(this.jobs, this.parts.clock.now());
        const left = this.jobs.length;
        this.foldAt = Math.max(this.parts.maxQueued, 2 * left);
        const folded = before - left;
        if (folded > 0) this.parts.metrics.folded?.(folded);
        this.parts.logger.warn(
            { queued: before, folded, left },
            'engine queue is long (store slow or down): folded repeated observations'
        );
    }

    private async drain(): Promise<void> {
        this.foldAt = this.parts.maxQueued;
        while (this.jobs.length > 0) {
            const batch = this.jobs.splice(0, this.parts.maxBatch);
            try {
                await this.parts.process(batch);
            } catch (error) {
                // The store failed: put the batch back in front and retry after a pause, never lose accepted events.
                // Agents whose change was committed before the failure are done: running an action of theirs again
                // would log it twice (and commit a second version of it).
                const unsettled = batch.filter((job) => !job.settled);
                this.jobs.unshift(...unsettled);
                this.parts.logger.error(
                    { err: String(error), events: unsettled.length, committed: batch.length - unsettled.length },
                    'engine commit failed; will retry'
                );
                await new Promise<void>((r) => this.parts.clock.setTimeout(r, RETRY_PAUSE_MS));
                if (!this.running) return;
            }
        }
    }
}
