import type { Clock } from '../domain/clock';
import { silentLogger, type Logger } from '../kit/Logger';
import { Dampener, type DampenerConfig } from '../domain/adherence/Dampener';
import { dueAtOf, isOpen } from '../domain/adherence/agentState';
import type { ExplanationInput } from '../domain/adherence/explanationTransitions';
import type {
    AgentRecord,
    EngineEvent,
    Episode,
    ExplanationOutcome,
    ExplanationResult,
    Notification,
    Observation,
    OpenEpisodeState,
    Policy,
    RefusalReason
} from '../domain/adherence/types';
import { jobOf, type Job } from './AgentWork';
import { BatchCommitter } from './BatchCommitter';
import { DeadlineClaims } from './DeadlineClaims';
import { DeadlineScheduler } from './DeadlineScheduler';
import { ENGINE_DEFAULTS } from './engineConfig';
import { JobQueue } from './JobQueue';
import { SettleTimer } from './SettleTimer';
import {
    alwaysOnShift,
    noCoverage,
    type AgentStateStore,
    type AlertWindowSource,
    type CoverageSource,
    type ExclusionOverrides
} from './ports';

/** The answer to a supervisor or agent action: the agent's record after it, or why nothing changed. */
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
    /** On-shift routing: alerts wait while no channel of the unit is on shift. @default always on shift */
    alertWindows?: AlertWindowSource;
    dampening?: DampenerConfig;
    logger?: Logger;
    metrics?: EngineMetrics;
    /** How long a claimed deadline is leased to this instance, ms. @default 8000 */
    deadlineLeaseMs?: number;
    /**
     * How often to look for overdue deadlines that another (dead) instance claimed or armed, and for exclusion
     * commands given to another instance, ms. @default 3000
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

/** A claimed deadline: the coverage is asked for when the job is decided. */
const DEADLINE_REACHED: EngineEvent = { type: 'DeadlineReached', coverage: { covered: 'unknown' } };

/**
 * The imperative shell around the pure `transition`: keeps the newest record of every agent it knows, queues
 * accepted events ({@link JobQueue}), commits each batch to the store in one round trip ({@link BatchCommitter}:
 * compare-and-set per agent, retried on conflict with a fresh read), arms deadlines ({@link DeadlineScheduler}) and
 * claims them when due ({@link DeadlineClaims}), and tells listeners that notifications are in the outbox.
 *
 * Work is serialised: one batch in flight at a time, so per-agent order is the arrival order.
 */
export class AdherenceEngine {
    private readonly store: AgentStateStore;
    private readonly clock: Clock;
    private policy: Policy;
    /** The configured exclusions; the run-time overrides in the store apply over them. */
    private readonly configuredExclusions: ReadonlySet<string>;
    private readonly logger: Logger;
    private readonly metrics: EngineMetrics;
    private readonly dampener: Dampener | undefined;
    /** The newest record of each known agent: what queries answer from and what transitions start from. */
    private readonly records = new Map<string, AgentRecord>();
    private readonly scheduler: DeadlineScheduler;
    private readonly queue: JobQueue;
    private readonly claims: DeadlineClaims;
    private readonly settleTimer: SettleTimer | undefined;
    private readonly outboxListeners: Array<() => void> = [];

    constructor(options: EngineOptions) {
        const { store, clock } = options;
        this.store = store;
        this.clock = clock;
        this.policy = options.policy;
        this.configuredExclusions = options.policy.excludedCategories;
        const coverage = options.coverage ?? noCoverage;
        const logger = (this.logger = options.logger ?? silentLogger());
        const metrics = (this.metrics = options.metrics ?? {});
        this.dampener = options.dampening ? new Dampener(options.dampening) : undefined;
        const leaseMs = options.deadlineLeaseMs ?? ENGINE_DEFAULTS.deadlineLeaseMs;
        const orphanPollMs = options.orphanPollMs ?? ENGINE_DEFAULTS.orphanPollMs;
        const orphanGraceMs = options.orphanGraceMs ?? 2_000;
        const maxBatch = options.maxBatch ?? 2_000;
        const maxQueued = options.maxQueued ?? ENGINE_DEFAULTS.maxQueued;

        this.scheduler = new DeadlineScheduler(clock, (ids) => this.claims.claim(ids));
        const committer = new BatchCommitter({
            store,
            clock,
            records: this.records,
            scheduler: this.scheduler,
            coverage,
            alertWindows: options.alertWindows ?? alwaysOnShift,
            dampener: this.dampener,
            metrics,
            policy: () => this.policy,
            queued: () => {
                for (const l of this.outboxListeners) l();
            }
        });
        const process = (batch: Job[]) => committer.process(batch);
        this.queue = new JobQueue({ clock, logger, metrics, maxBatch, maxQueued, process });
        this.claims = new DeadlineClaims({
            store,
            clock,
            logger,
            leaseMs,
            orphanPollMs,
            orphanGraceMs,
            orphanLimit: maxBatch,
            beforePoll: async () => this.applyExclusions(await store.getExclusions()),
            forget: (id) => this.records.delete(id),
            enqueue: (ids) => this.enqueue(ids.map((id) => jobOf(id, DEADLINE_REACHED, true)))
        });
        const { dampener } = this;
        const enqueue = (jobs: Job[]) => this.enqueue(jobs);
        this.settleTimer = dampener && new SettleTimer({ dampener, clock, logger, metrics, enqueue });
    }

    /** Load every stored record, apply stored exclusions, re-arm every deadline from its absolute due time. */
    async start(): Promise<void> {
        this.applyExclusions(await this.store.getExclusions());
        const deadlines: Array<{ userId: string; dueAt: number }> = [];
        await this.store.loadAll((records) => {
            for (const r of records) {
                this.records.set(r.userId, r);
                const dueAt = dueAtOf(r.state);
                if (dueAt !== null) deadlines.push({ userId: r.userId, dueAt });
            }
        });
        this.queue.start();
        this.scheduler.armAll(deadlines);
        this.claims.startPolling();
        this.logger.info({ agents: this.records.size, deadlines: deadlines.length }, 'engine started');
    }

    /** Stop timers and finish the batch in flight. Queued events not yet started are dropped (they were not acknowledged). */
    async stop(): Promise<void> {
        this.queue.stop();
        this.scheduler.stop();
        this.claims.stop();
        this.settleTimer?.stop();
        await this.idle();
        this.queue.abandon();
    }

    /** Resolves once every queued event and claim has been committed (tests, graceful shutdown). */
    async idle(): Promise<void> {
        for (;;) {
            if (this.claims.pending > 0) await this.claims.settled();
            else if (this.queue.inFlight) await this.queue.inFlight;
            else if (this.queue.length > 0 && this.queue.started) this.queue.kick();
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
        this.settleTimer?.arm();
        this.queue.kick();
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
        for (const record of this.records.values()) {
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
        this.queue.kick();
    }

    /**
     * A schedule republish was announced for the unit (`…agentschedules.changed`): the agents it names are dampened,
     * or the whole unit when it names none.
     */
    scheduleChanged(managementUnitId: string, agentIds?: readonly string[]): void {
        if (!this.dampener) return;
        this.dampener.signal(managementUnitId, this.clock.now(), agentIds);
        this.settleTimer?.arm();
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

    /** The agent explains the episode from the nudge (reason, optional note and "back in N min"). */
    explain(userId: string, episodeId: string, input: ExplanationInput): Promise<ActionResult> {
        return this.act(userId, { type: 'AdherenceExplained', episodeId, ...input });
    }

    /** Genesys answered the write of the episode's explanation (the explanation writer reports it). */
    explanationRecorded(episode: Episode, result: ExplanationResult): Promise<ActionResult> {
        return this.act(episode.userId, { type: 'ExplanationRecorded', episode, result });
    }

    /** A supervisor approves or denies the agent's explanation. */
    decideExplanation(
        userId: string,
        episodeId: string,
        outcome: ExplanationOutcome,
        by: string
    ): Promise<ActionResult> {
        return this.act(userId, { type: 'ExplanationDecided', episodeId, outcome, by });
    }

    /** Exclude (or include again) a scheduled activity category; persisted, and applied to deadlines from now on. */
    async setExcluded(category: string, excluded: boolean): Promise<void> {
        await this.store.setExclusion(category, excluded);
        this.applyExclusions(await this.store.getExclusions());
    }

    getPolicy(): Policy {
        return this.policy;
    }

    // --- Queries (from the cache) ------------------------------------------------------------------------------

    agent(userId: string): AgentRecord | undefined {
        return this.records.get(userId);
    }

    get trackedAgents(): number {
        return this.records.size;
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
        for (const record of this.records.values()) {
            if (!isOpen(record.state)) continue;
            if (units && !units.has(record.managementUnitId)) continue;
            out.push({ record, state: record.state });
        }
        return out;
    }

    // --- Internals ---------------------------------------------------------------------------------------------

    private act(userId: string, event: EngineEvent): Promise<ActionResult> {
        return new Promise((resolve) => this.enqueue([jobOf(userId, event, false, resolve)]));
    }

    private enqueue(jobs: readonly Job[]): void {
        for (const job of jobs) this.queue.push(job);
        this.queue.kick();
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
}
