import type { Clock, TimerHandle } from '../domain/clock';
import { silentLogger, type Logger } from '../kit/Logger';
import { Dampener, type DampenerConfig } from '../domain/adherence/Dampener';
import { dueAtOf, isOpen } from '../domain/adherence/agentState';
import { supersedes } from '../domain/adherence/supersedes';
import { transition } from '../domain/adherence/transition';
import type {
    AgentRecord,
    EngineEvent,
    EpisodeLogEntry,
    Notification,
    Observation,
    OpenEpisodeState,
    Policy,
    RefusalReason
} from '../domain/adherence/types';
import { DeadlineScheduler } from './DeadlineScheduler';
import { ENGINE_DEFAULTS } from './engineConfig';
import {
    noCoverage,
    type AgentStateStore,
    type CoverageSource,
    type ExclusionOverrides,
    type StateChange
} from './ports';

export type ActionResult = { ok: true; record: AgentRecord } | { ok: false; reason: RefusalReason };

/** Counters the engine reports; the app binds them to Prometheus. All optional. */
export interface EngineMetrics {
    observations?(count: number): void;
    stale?(count: number): void;
    conflicts?(count: number): void;
    episodesStarted?(count: number): void;
    notificationsQueued?(kind: Notification['kind'], count: number): void;
    dampened?(count: number): void;
    /** Queued observations dropped because the agent's next queued event supersedes them (the queue was long). */
    folded?(count: number): void;
}

export interface EngineOptions {
    store: AgentStateStore;
    clock: Clock;
    policy: Policy;
    coverage?: CoverageSource;
    dampening?: DampenerConfig;
    logger?: Logger;
    metrics?: EngineMetrics;
    /** How long a claimed deadline is leased to this instance, ms. @default 30000 */
    deadlineLeaseMs?: number;
    /**
     * How often to look for overdue deadlines that another (dead) instance claimed or armed, and for exclusion
     * commands given to another instance, ms. @default 5000
     */
    orphanPollMs?: number;
    /** Grace before an overdue deadline counts as an orphan, ms. @default 2000 */
    orphanGraceMs?: number;
    /** Most events folded into one store round trip. @default 2000 */
    maxBatch?: number;
    /**
     * Queued events beyond which repeated observations are folded (the store is slow or down): each observation that
     * the agent's next queued event supersedes is dropped, which changes no outcome. @default 100000
     */
    maxQueued?: number;
}

interface Job {
    userId: string;
    event: EngineEvent;
    /** A claimed deadline must be committed even when nothing changed, to replace its lease in the index. */
    claimed: boolean;
    done: ((result: ActionResult) => void) | undefined;
    /** The agent's next job in the same batch. */
    next: Job | undefined;
    /** Decided and committed (or answered without a change): a failure later in its batch must not run it again. */
    settled: boolean;
}

/** A job, every field set (one shape for all jobs). */
function jobOf(userId: string, event: EngineEvent, claimed = false, done?: (result: ActionResult) => void): Job {
    return { userId, event, claimed, done, next: undefined, settled: false };
}

/**
 * What the engine keeps per agent: the newest record it knows, and the work of the batch in progress on it (so
 * grouping a batch by agent is the one cache lookup per event that finding the record needs anyway).
 */
interface CacheEntry {
    record: AgentRecord;
    work: AgentWork | undefined;
    /** Dropped from the cache while a batch held it: the batch's commit puts the record back in a new entry. */
    detached: boolean;
}

/** One agent's jobs of a batch and what deciding them produced. */
class AgentWork {
    readonly first: Job;
    private last: Job;
    /**
     * The agent's cache entry, whose record the jobs apply to (refreshed after a conflict); `undefined` while the
     * agent is unknown.
     */
    entry: CacheEntry | undefined;
    record: AgentRecord | undefined = undefined;
    change: StateChange | undefined = undefined;
    log: EpisodeLogEntry[] | undefined = undefined;
    outbox: Notification[] | undefined = undefined;
    refusals: Map<Job, RefusalReason> | undefined = undefined;
    conflict = false;

    constructor(job: Job, entry: CacheEntry | undefined) {
        this.first = this.last = job;
        job.next = undefined;
        this.entry = entry;
    }

    /**
     * The agent's id; once the agent is known, the very string its record holds, which is also the key of the cache,
     * the scheduler and the memory store: a lookup with the same string object skips comparing the characters.
     */
    get userId(): string {
        return this.entry !== undefined ? this.entry.record.userId : this.first.userId;
    }

    add(job: Job): void {
        job.next = undefined;
        this.last.next = job;
        this.last = job;
    }

    /** Take the agent's (fresh) cache entry, forgetting any decision: after a lost compare-and-set, or a first read. */
    reset(entry: CacheEntry | undefined): void {
        this.entry = entry;
        this.record = this.change = this.log = this.outbox = this.refusals = undefined;
        this.conflict = false;
    }

    /** The jobs are decided and their change (if any) committed: answer the actions among them with the outcome. */
    settle(): void {
        for (let job: Job | undefined = this.first; job !== undefined; job = job.next) {
            job.settled = true;
            if (!job.done) continue;
            const reason = this.refusals?.get(job);
            job.done(
                reason
                    ? { ok: false, reason }
                    : this.record
                      ? { ok: true, record: this.record }
                      : { ok: false, reason: 'unknown-agent' }
            );
        }
    }
}

/** Shared empty lists for the many changes without log entries or notifications (stores only read them). */
const NO_LOG = Object.freeze([]) as unknown as EpisodeLogEntry[];
const NO_NOTIFICATIONS = Object.freeze([]) as unknown as Notification[];

/**
 * The imperative shell around {@link transition}: keeps a cache of agent records, folds queued events into
 * per-agent transitions, commits each batch to the store in one round trip (compare-and-set per agent, retried on
 * conflict with a fresh read), then arms deadlines and tells listeners that notifications are in the outbox.
 *
 * Work is serialised: one batch in flight at a time, so per-agent order is the arrival order.
 */
export class AdherenceEngine {
    private readonly store: AgentStateStore;
    private readonly clock: Clock;
    private policy: Policy;
    /** The configured exclusions; the run-time overrides in the store apply over them. */
    private readonly configuredExclusions: ReadonlySet<string>;
    private readonly coverage: CoverageSource;
    private readonly logger: Logger;
    private readonly metrics: EngineMetrics;
    private readonly scheduler: DeadlineScheduler;
    private readonly dampener: Dampener | undefined;
    private readonly leaseMs: number;
    private readonly orphanPollMs: number;
    private readonly orphanGraceMs: number;
    private readonly maxBatch: number;
    private readonly maxQueued: number;
    /** The queue length that triggers the next fold: `maxQueued`, or twice what the last fold left. */
    private foldAt: number;

    private readonly cache = new Map<string, CacheEntry>();
    private queue: Job[] = [];
    private draining: Promise<void> | undefined;
    private readonly outboxListeners: Array<() => void> = [];
    private settleTimer: TimerHandle | undefined;
    private orphanTimer: TimerHandle | undefined;
    private pendingClaims = 0;
    private claimWaiters: Array<() => void> = [];
    private running = false;

    constructor(options: EngineOptions) {
        this.store = options.store;
        this.clock = options.clock;
        this.policy = options.policy;
        this.configuredExclusions = options.policy.excludedCategories;
        this.coverage = options.coverage ?? noCoverage;
        this.logger = options.logger ?? silentLogger();
        this.metrics = options.metrics ?? {};
        this.dampener = options.dampening ? new Dampener(options.dampening) : undefined;
        this.leaseMs = options.deadlineLeaseMs ?? ENGINE_DEFAULTS.deadlineLeaseMs;
        this.orphanPollMs = options.orphanPollMs ?? ENGINE_DEFAULTS.orphanPollMs;
        this.orphanGraceMs = options.orphanGraceMs ?? 2_000;
        this.maxBatch = options.maxBatch ?? 2_000;
        this.maxQueued = this.foldAt = options.maxQueued ?? ENGINE_DEFAULTS.maxQueued;
        this.scheduler = new DeadlineScheduler(this.clock, (ids) => this.onDeadlines(ids));
    }

    /** Load every stored record, apply stored exclusions, re-arm every deadline from its absolute due time. */
    async start(): Promise<void> {
        this.applyExclusions(await this.store.getExclusions());
        const deadlines: Array<{ userId: string; dueAt: number }> = [];
        await this.store.loadAll((records) => {
            for (const r of records) {
                this.cache.set(r.userId, { record: r, work: undefined, detached: false });
                const dueAt = dueAtOf(r.state);
                if (dueAt !== null) deadlines.push({ userId: r.userId, dueAt });
            }
        });
        this.running = true;
        this.scheduler.armAll(deadlines);
        this.armOrphanPoll();
        this.logger.info({ agents: this.cache.size, deadlines: deadlines.length }, 'engine started');
    }

    /** Stop timers and finish the batch in flight. Queued events not yet started are dropped (they were not acknowledged). */
    async stop(): Promise<void> {
        this.running = false;
        this.scheduler.stop();
        if (this.settleTimer !== undefined) this.clock.clearTimeout(this.settleTimer);
        if (this.orphanTimer !== undefined) this.clock.clearTimeout(this.orphanTimer);
        this.settleTimer = this.orphanTimer = undefined;
        await this.idle();
        for (const job of this.queue) job.done?.({ ok: false, reason: 'stopping' });
        this.queue = [];
    }

    /** Resolves once every queued event and claim has been committed (tests, graceful shutdown). */
    async idle(): Promise<void> {
        for (;;) {
            if (this.pendingClaims > 0) await new Promise<void>((r) => this.claimWaiters.push(r));
            else if (this.draining) await this.draining;
            else if (this.queue.length > 0 && this.running) this.kick();
            else return;
        }
    }

    /** Called after a commit put notifications in the outbox. */
    onOutbox(listener: () => void): void {
        this.outboxListeners.push(listener);
    }

    // --- The adherence sink (fed by the Genesys stream) -------------------------------------------------------

    /** Live observations from the notification stream; dampened per unit during schedule republishes. */
    observe(observations: readonly Observation[]): void {
        this.metrics.observations?.(observations.length);
        const now = this.clock.now();
        for (const o of observations) {
            if (this.dampener?.offer(o, now)) continue;
            this.queue.push(jobOf(o.userId, { type: 'AdherenceObserved', observation: o }));
        }
        this.armSettle();
        this.kick();
    }

    /**
     * A REST snapshot of one unit after a (re)connect or restart: applied as observations (open episodes keep their
     * `t0`, ended ones resolve at their change time, new ones start at theirs). Agents of the unit with an open
     * episode that the snapshot no longer lists have left the unit: their episode ends now.
     */
    reconcile(managementUnitId: string, observations: readonly Observation[]): void {
        const seen = new Set<string>();
        for (const o of observations) {
            seen.add(o.userId);
            this.queue.push(jobOf(o.userId, { type: 'AdherenceObserved', observation: o }));
        }
        const now = this.clock.now();
        for (const { record } of this.cache.values()) {
            if (record.managementUnitId !== managementUnitId || seen.has(record.userId) || !isOpen(record.state))
                continue;
            const left: Observation = {
                userId: record.userId,
                managementUnitId,
                adherenceState: 'Unknown',
                impact: 'Unknown',
                // Not older than what was applied (a source clock ahead of ours): the episode still ends now.
                changedAt: Math.max(now, record.lastChangeAt)
            };
            this.queue.push(jobOf(record.userId, { type: 'AdherenceObserved', observation: left }));
        }
        this.kick();
    }

    /** A schedule republish was announced for the unit (`…agentschedules.changed`). */
    scheduleChanged(managementUnitId: string): void {
        if (!this.dampener) return;
        this.dampener.signal(managementUnitId, this.clock.now());
        this.armSettle();
    }

    // --- Actions from Teams ------------------------------------------------------------------------------------

    acknowledge(userId: string, episodeId: string, by: string): Promise<ActionResult> {
        return this.act(userId, { type: 'AlertAcknowledged', episodeId, by });
    }

    snooze(userId: string, episodeId: string, until: number, by: string): Promise<ActionResult> {
        return this.act(userId, { type: 'AlertSnoozed', episodeId, until, by });
    }

    approveOvertime(userId: string, until: number, by: string, episodeId?: string): Promise<ActionResult> {
        return this.act(userId, { type: 'OvertimeApproved', until, by, episodeId });
    }

    acknowledgeNudge(userId: string, episodeId: string): Promise<ActionResult> {
        return this.act(userId, { type: 'NudgeAcknowledged', episodeId });
    }

    /** Exclude (or include again) a scheduled activity category; persisted, and applied to deadlines from now on. */
    async setExcluded(category: string, excluded: boolean): Promise<void> {
        await this.store.setExclusion(category, excluded);
        this.applyExclusions(await this.store.getExclusions());
    }

    /** The configured exclusions with the stored overrides applied (another instance's commands included). */
    private applyExclusions(overrides: ExclusionOverrides): void {
        const next = new Set(this.configuredExclusions);
        for (const c of overrides.excluded) next.add(c);
        for (const c of overrides.included) next.delete(c);
        const current = this.policy.excludedCategories;
        if (next.size === current.size && [...next].every((c) => current.has(c))) return;
        this.policy = { ...this.policy, excludedCategories: next };
    }

    getPolicy(): Policy {
        return this.policy;
    }

    // --- Queries (from the cache) ------------------------------------------------------------------------------

    agent(userId: string): AgentRecord | undefined {
        return this.cache.get(userId)?.record;
    }

    get trackedAgents(): number {
        return this.cache.size;
    }

    /** Events accepted and not yet committed (the batch in flight not counted). */
    get queued(): number {
        return this.queue.length;
    }

    /** Open episodes, optionally of some units. */
    openEpisodes(filter?: {
        managementUnitIds?: readonly string[];
    }): Array<{ record: AgentRecord; state: OpenEpisodeState }> {
        const units = filter?.managementUnitIds ? new Set(filter.managementUnitIds) : undefined;
        const out: Array<{ record: AgentRecord; state: OpenEpisodeState }> = [];
        for (const { record } of this.cache.values()) {
            if (!isOpen(record.state)) continue;
            if (units && !units.has(record.managementUnitId)) continue;
            out.push({ record, state: record.state });
        }
        return out;
    }

    // --- Internals ---------------------------------------------------------------------------------------------

    private act(userId: string, event: EngineEvent): Promise<ActionResult> {
        return new Promise((resolve) => {
            this.queue.push(jobOf(userId, event, false, resolve));
            this.kick();
        });
    }

    private kick(): void {
        if (this.queue.length > this.foldAt) this.fold();
        if (this.draining || this.queue.length === 0) return;
        this.draining = this.drain().finally(() => {
            this.draining = undefined;
            // After stop() a drain that gave up on a failing store is not restarted: stop() answers what is left.
            if (this.queue.length > 0 && this.running) this.kick();
        });
    }

    /**
     * The queue is longer than `maxQueued` (the store is slow or down, and events keep coming): drop each observation
     * that the same agent's next queued event supersedes (a repeat with other presence details), which changes no
     * record, log entry or notification. Agents' other events and their order stay. The next fold waits until the
     * queue has doubled, so a queue that cannot shrink this way is not scanned per event.
     */
    private fold(): void {
        const before = this.queue.length;
        const now = this.clock.now();
        const next = new Map<string, Job>();
        const kept: Job[] = [];
        for (let i = before - 1; i >= 0; i--) {
            const job = this.queue[i];
            const later = next.get(job.userId);
            if (
                later !== undefined &&
                job.event.type === 'AdherenceObserved' &&
                later.event.type === 'AdherenceObserved' &&
                supersedes(later.event.observation, job.event.observation, now)
            )
                continue;
            next.set(job.userId, job);
            kept.push(job);
        }
        this.queue = kept.reverse();
        this.foldAt = Math.max(this.maxQueued, 2 * kept.length);
        const folded = before - kept.length;
        if (folded > 0) this.metrics.folded?.(folded);
        this.logger.warn(
            { queued: before, folded, left: kept.length },
            'engine queue is long (store slow or down): folded repeated observations'
        );
    }

    private async drain(): Promise<void> {
        this.foldAt = this.maxQueued;
        while (this.queue.length > 0) {
            const batch = this.queue.splice(0, this.maxBatch);
            try {
                await this.process(batch);
            } catch (error) {
                // The store failed: put the batch back in front and retry after a pause, never lose accepted events.
                // Agents whose change was committed before the failure are done: running an action of theirs again
                // would log it twice (and commit a second version of it).
                const unsettled = batch.filter((job) => !job.settled);
                this.queue.unshift(...unsettled);
                this.logger.error(
                    { err: String(error), events: unsettled.length, committed: batch.length - unsettled.length },
                    'engine commit failed; will retry'
                );
                await new Promise<void>((r) => {
                    const t = this.clock.setTimeout(r, 1_000);
                    (t as { unref?: () => void }).unref?.();
                });
                if (!this.running) return;
            }
        }
    }

    private async process(batch: Job[]): Promise<void> {
        // One work item per agent, in first-arrival order; its jobs keep their arrival order. A known agent's work hangs
        // off its cache entry; agents not in the cache are grouped aside and read from the store first.
        const works: AgentWork[] = [];
        let unknown: Map<string, AgentWork> | undefined;
        try {
            for (const job of batch) {
                const entry = this.cache.get(job.userId);
                if (entry !== undefined) {
                    if (entry.work === undefined) works.push((entry.work = new AgentWork(job, entry)));
                    else entry.work.add(job);
                    continue;
                }
                const w = (unknown ??= new Map()).get(job.userId);
                if (w === undefined) {
                    const fresh = new AgentWork(job, undefined);
                    unknown.set(job.userId, fresh);
                    works.push(fresh);
                } else w.add(job);
            }
            if (unknown) {
                this.adopt(await this.store.getMany([...unknown.keys()]));
                for (const w of unknown.values()) w.reset(this.cache.get(w.userId));
            }
            await this.commitAll(works);
        } finally {
            for (const w of works) if (w.entry?.work === w) w.entry.work = undefined;
        }
    }

    /** Decide every agent's jobs and commit them in one round trip; agents that lost a compare-and-set go again. */
    private async commitAll(works: AgentWork[]): Promise<void> {
        let pending = works;
        for (let attempt = 0; pending.length > 0; attempt++) {
            const now = this.clock.now();
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
            if (stale > 0) this.metrics.stale?.(stale);

            const committed = changes.length > 0 ? await this.store.commit(changes) : [];
            let conflicts: string[] | undefined;
            let queued = 0;
            for (let i = 0; i < committed.length; i++) {
                const w = changed[i];
                if (!committed[i].ok) {
                    w.conflict = true;
                    (conflicts ??= []).push(w.userId);
                    continue;
                }
                const change = w.change!;
                this.remember(w, change.record);
                if (change.dueAt === null) this.scheduler.cancel(change.userId);
                else this.scheduler.arm(change.userId, change.dueAt);
                if (change.outbox.length > 0) {
                    queued += change.outbox.length;
                    for (const n of change.outbox) this.metrics.notificationsQueued?.(n.kind, 1);
                }
            }
            for (const w of pending) if (!w.conflict) w.settle();
            if (queued > 0) for (const l of this.outboxListeners) l();
            if (!conflicts) return;
            // Another instance changed these agents: re-read and redo their events on the fresh record.
            this.metrics.conflicts?.(conflicts.length);
            const fresh = await this.store.getMany(conflicts);
            for (const id of conflicts) if (!fresh.has(id)) this.forget(id);
            this.adopt(fresh);
            if (attempt >= 20)
                throw new Error(`engine: ${conflicts.length} agents still conflicting after 20 attempts`);
            pending = pending.filter((w) => w.conflict);
            for (const w of pending) w.reset(this.cache.get(w.userId));
        }
    }

    /** Keep a committed record in the agent's cache entry (a new entry for a new or dropped agent). */
    private remember(w: AgentWork, record: AgentRecord): void {
        if (w.entry && !w.entry.detached) {
            w.entry.record = record;
            return;
        }
        const entry: CacheEntry = { record, work: undefined, detached: false };
        this.cache.set(record.userId, entry);
        w.entry = entry;
    }

    /** Drop an agent from the cache (the next event reads it from the store). */
    private forget(userId: string): void {
        const entry = this.cache.get(userId);
        if (entry === undefined) return;
        entry.detached = true;
        this.cache.delete(userId);
    }

    /**
     * Fold one agent's jobs into the next record from the cached one; sets `w.change` when there is something to
     * commit. Returns how many observations were stale.
     */
    private decide(w: AgentWork, now: number): number {
        const original = w.entry?.record;
        w.record = original;
        let stale = 0;
        let mustCommit = false;
        for (let job: Job | undefined = w.first; job !== undefined; job = job.next) {
            if (job.claimed) mustCommit = true;
            let event = job.event;
            if (event.type === 'DeadlineReached') {
                // The unit is held back by a schedule republish and this agent's held events end the drift:
                // apply that first, so the deadline does not nudge or alert on a drift that is over.
                const unit = w.record?.managementUnitId;
                const held = unit === undefined ? undefined : this.dampener?.heldReturn(unit, w.userId);
                if (held) stale += this.step(w, job, { type: 'AdherenceObserved', observation: held }, now);
                event = { type: 'DeadlineReached', coverage: this.coverage.coverageAt(w.userId, now) };
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
                log: w.log ?? NO_LOG,
                outbox: w.outbox ?? NO_NOTIFICATIONS
            };
        }
        return stale;
    }

    /**
     * One transition of the agent's record. Log entries and notifications go into the change; coverage prefetches
     * and refusals are handled here. Returns 1 when the event was stale.
     */
    private step(w: AgentWork, job: Job, event: EngineEvent, now: number): number {
        const result = transition(w.record, event, now, this.policy);
        for (const effect of result.effects) {
            if (effect.type === 'LogEpisode') (w.log ??= []).push(effect.entry);
            else if (effect.type === 'Notify') (w.outbox ??= []).push(effect.notification);
            else if (effect.type === 'CommandRefused') (w.refusals ??= new Map()).set(job, effect.reason);
            else if (effect.type === 'PrefetchCoverage') {
                this.coverage.prefetch(effect.userId, effect.managementUnitId, effect.at);
                this.metrics.episodesStarted?.(1);
            }
        }
        w.record = result.record;
        return result.ignored === 'stale' ? 1 : 0;
    }

    /** Take records read from the store (written by any instance) into the cache, and watch their deadlines too. */
    private adopt(records: Map<string, AgentRecord>): void {
        for (const [id, r] of records) {
            const entry = this.cache.get(id);
            if (entry) entry.record = r;
            else this.cache.set(id, { record: r, work: undefined, detached: false });
            const dueAt = dueAtOf(r.state);
            if (dueAt === null) this.scheduler.cancel(id);
            else this.scheduler.arm(id, dueAt);
        }
    }

    private onDeadlines(userIds: string[]): void {
        this.pendingClaims++;
        const now = this.clock.now();
        this.store
            .claimDeadlines(userIds, now, this.leaseMs)
            .then((claimed) => this.enqueueClaimed(claimed))
            .catch((error: unknown) => {
                this.logger.warn(
                    { err: String(error), agents: userIds.length },
                    'deadline claim failed; orphan poll will retry'
                );
            })
            .finally(() => this.claimSettled());
    }

    private enqueueClaimed(claimed: readonly string[]): void {
        for (const userId of claimed) {
            this.queue.push(jobOf(userId, { type: 'DeadlineReached', coverage: { covered: 'unknown' } }, true));
        }
        this.kick();
    }

    private claimSettled(): void {
        this.pendingClaims--;
        if (this.pendingClaims === 0) {
            const waiters = this.claimWaiters;
            this.claimWaiters = [];
            for (const w of waiters) w();
        }
    }

    private armOrphanPoll(): void {
        if (!this.running || this.orphanPollMs <= 0) return;
        this.orphanTimer = this.clock.setTimeout(() => {
            this.orphanTimer = undefined;
            const now = this.clock.now();
            this.pendingClaims++;
            // The same tick picks up exclusion commands given to another instance.
            this.store
                .getExclusions()
                .then((overrides) => this.applyExclusions(overrides))
                .then(() => this.store.claimOverdue(now - this.orphanGraceMs, now, this.leaseMs, this.maxBatch))
                .then((claimed) => {
                    // Someone else may have written these agents: read them fresh.
                    for (const id of claimed) this.forget(id);
                    if (claimed.length > 0) this.logger.info({ agents: claimed.length }, 'picked up overdue deadlines');
                    this.enqueueClaimed(claimed);
                })
                .catch((error: unknown) => this.logger.warn({ err: String(error) }, 'orphan deadline poll failed'))
                .finally(() => {
                    this.claimSettled();
                    this.armOrphanPoll();
                });
        }, this.orphanPollMs);
        (this.orphanTimer as { unref?: () => void }).unref?.();
    }

    private armSettle(): void {
        if (!this.dampener) return;
        const next = this.dampener.nextSettleAt();
        if (next === undefined) return;
        if (this.settleTimer !== undefined) this.clock.clearTimeout(this.settleTimer);
        this.settleTimer = this.clock.setTimeout(
            () => {
                this.settleTimer = undefined;
                const now = this.clock.now();
                for (const batch of this.dampener!.settle(now)) {
                    this.metrics.dampened?.(batch.dampened.length);
                    for (const o of batch.dampened) {
                        this.queue.push(jobOf(o.userId, { type: 'ObservationDampened', observation: o }));
                    }
                    for (const o of batch.observations) {
                        this.queue.push(jobOf(o.userId, { type: 'AdherenceObserved', observation: o }));
                    }
                    this.logger.info(
                        {
                            managementUnitId: batch.managementUnitId,
                            agents: batch.observations.length,
                            dampened: batch.dampened.length
                        },
                        'schedule change settled'
                    );
                }
                this.armSettle();
                this.kick();
            },
            Math.max(0, next - this.clock.now())
        );
        (this.settleTimer as { unref?: () => void }).unref?.();
    }
}
