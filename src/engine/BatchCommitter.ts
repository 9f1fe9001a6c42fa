import type { Clock } from '../domain/clock';
import type { Dampener } from '../domain/adherence/Dampener';
import { dueAtOf } from '../domain/adherence/agentState';
import { transition } from '../domain/adherence/transition';
import type { AgentRecord, EngineEvent, Policy } from '../domain/adherence/types';
import type { EngineMetrics } from './AdherenceEngine';
import { AgentWork, type Job } from './AgentWork';
import type { DeadlineScheduler } from './DeadlineScheduler';
import type { AgentStateStore, AlertWindowSource, CoverageSource, StateChange } from './ports';

/** How often one batch re-decides agents that lost a compare-and-set before it fails (and is retried whole). */
const MAX_CONFLICT_ATTEMPTS = 20;

/** What the committer works with; the engine owns each part. */
export interface BatchCommitterParts {
    store: AgentStateStore;
    clock: Clock;
    /** The newest record of each agent the engine knows. */
    records: Map<string, AgentRecord>;
    scheduler: DeadlineScheduler;
    coverage: CoverageSource;
    alertWindows: AlertWindowSource;
    dampener: Dampener | undefined;
    metrics: EngineMetrics;
    /** The policy in force (exclusions change at run time). */
    policy(): Policy;
    /** A commit put notifications in the outbox. */
    queued(): void;
}

/**
 * Turns a batch of queued events into one store round trip: groups the jobs per agent (arrival order kept), reads
 * agents the cache lacks, folds each agent's jobs through {@link transition} into one change, commits every change as
 * a compare-and-set, then arms deadlines and answers actions. Agents that lost a compare-and-set to another instance
 * are re-read and decided again. A store failure rejects; jobs already settled must not be run again.
 */
export class BatchCommitter {
    constructor(private readonly parts: BatchCommitterParts) {}

    async process(batch: Job[]): Promise<void> {
        const works = new Map<string, AgentWork>();
        for (const job of batch) {
            let w = works.get(job.userId);
            if (w === undefined) works.set(job.userId, (w = new AgentWork(job.userId)));
            w.jobs.push(job);
        }
        const unknown = [...works.keys()].filter((id) => !this.parts.records.has(id));
        if (unknown.length > 0) this.adopt(await this.parts.store.getMany(unknown));
        await this.commitAll([...works.values()]);
    }

    /** Decide every agent's jobs and commit them in one round trip; agents that lost a compare-and-set go again. */
    private async commitAll(works: AgentWork[]): Promise<void> {
        const { records, store, metrics } = this.parts;
        let pending = works;
        for (let attempt = 0; pending.length > 0; attempt++) {
            const now = this.parts.clock.now();
            const changes: StateChange[] = [];
            const changed: AgentWork[] = [];
            let stale = 0;
            for (const w of pending) {
                stale += this.decide(w, now);
                if (w.change) {
                    changes.push(w.change);
                    changed.push(w);
                }
            }
            if (stale > 0) metrics.stale?.(stale);

            const committed = changes.length > 0 ? await store.commit(changes) : [];
            let conflicts: string[] | undefined;
            let queued = 0;
            for (let i = 0; i < committed.length; i++) {
                const w = changed[i];
                if (!committed[i].ok) {
                    w.conflict = true;
                    (conflicts ??= []).push(w.userId);
                    continue;
                }
                queued += this.keep(w.change!);
            }
            for (const w of pending) if (!w.conflict) w.settle();
            if (queued > 0) this.parts.queued();
            if (!conflicts) return;
            // Another instance changed these agents: re-read and redo their events on the fresh record.
            metrics.conflicts?.(conflicts.length);
            const fresh = await store.getMany(conflicts);
            for (const id of conflicts) if (!fresh.has(id)) records.delete(id);
            this.adopt(fresh);
            if (attempt >= MAX_CONFLICT_ATTEMPTS)
                throw new Error(`engine: ${conflicts.length} agents still conflicting after ${attempt} attempts`);
            pending = pending.filter((w) => w.conflict);
            for (const w of pending) w.reset();
        }
    }

    /** A committed change: cache its record and arm its deadline. Returns how many notifications it queued. */
    private keep(change: StateChange): number {
        this.parts.records.set(change.userId, change.record);
        if (change.dueAt === null) this.parts.scheduler.cancel(change.userId);
        else this.parts.scheduler.arm(change.userId, change.dueAt);
        for (const n of change.outbox) this.parts.metrics.notificationsQueued?.(n.kind, 1);
        return change.outbox.length;
    }

    /**
     * Fold one agent's jobs into the next record from the cached one; sets `w.change` when there is something to
     * commit. Returns how many observations were stale.
     */
    private decide(w: AgentWork, now: number): number {
        const original = this.parts.records.get(w.userId);
        w.record = original;
        let stale = 0;
        let mustCommit = false;
        for (const job of w.jobs) {
            if (job.claimed) mustCommit = true;
            let event = job.event;
            if (event.type === 'DeadlineReached') {
                // The unit is held back by a schedule republish and this agent's held events end the drift:
                // apply that first, so the deadline does not nudge or alert on a drift that is over.
                const unit = w.record?.managementUnitId;
                const held = unit === undefined ? undefined : this.parts.dampener?.heldReturn(unit, w.userId);
                if (held) stale += this.step(w, job, { type: 'AdherenceObserved', observation: held }, now);
                event = {
                    type: 'DeadlineReached',
                    coverage: this.parts.coverage.coverageAt(w.userId, now),
                    alertWindow: unit === undefined ? undefined : this.parts.alertWindows.alertWindowAt(unit, now),
                    escalationLevels: unit === undefined ? undefined : this.parts.alertWindows.escalationLevels?.(unit)
                };
            }
            stale += this.step(w, job, event, now);
        }
        if (w.record && (w.record !== original || mustCommit)) {
            const expectedVersion = original?.version ?? 0;
            // Several events folded into one change still make one version step.
            if (w.record.version !== expectedVersion + 1) w.record = { ...w.record, version: expectedVersion + 1 };
            w.change = {
                userId: w.userId,
                expectedVersion,
                record: w.record,
                dueAt: dueAtOf(w.record.state),
                log: w.log ?? [],
                outbox: w.outbox ?? []
            };
        }
        return stale;
    }

    /**
     * One transition of the agent's record. Log entries and notifications go into the change; coverage prefetches
     * and refusals are handled here. Returns 1 when the event was stale.
     */
    private step(w: AgentWork, job: Job, event: EngineEvent, now: number): number {
        const result = transition(w.record, event, now, this.parts.policy());
        for (const effect of result.effects) {
            if (effect.type === 'LogEpisode') (w.log ??= []).push(effect.entry);
            else if (effect.type === 'Notify') (w.outbox ??= []).push(effect.notification);
            else if (effect.type === 'CommandRefused') (w.refusals ??= new Map()).set(job, effect.reason);
            else if (effect.type === 'PrefetchCoverage') {
                this.parts.coverage.prefetch(effect.userId, effect.managementUnitId, effect.at);
                this.parts.metrics.episodesStarted?.(1);
            }
        }
        w.record = result.record;
        return result.ignored === 'stale' ? 1 : 0;
    }

    /** Take records read from the store (written by any instance) into the cache, and watch their deadlines too. */
    adopt(records: Map<string, AgentRecord>): void {
        for (const [id, r] of records) {
            this.parts.records.set(id, r);
            const dueAt = dueAtOf(r.state);
            if (dueAt === null) this.parts.scheduler.cancel(id);
            else this.parts.scheduler.arm(id, dueAt);
        }
    }
}
