import type { AgentRecord, AlertWindow, Coverage, EpisodeLogEntry, Notification } from '../domain/adherence/types';

/** One agent's change, committed atomically: the record (CAS on `expectedVersion`), its deadline, log and outbox. */
export interface StateChange {
    userId: string;
    /** Version the change was computed from; 0 when the agent was unknown. */
    expectedVersion: number;
    /** The new record; its `version` must be `expectedVersion + 1`. */
    record: AgentRecord;
    /** Absolute due time to index, or `null` to drop the agent's deadline. */
    dueAt: number | null;
    log: EpisodeLogEntry[];
    outbox: Notification[];
}

export type CommitResult = { userId: string; ok: true } | { userId: string; ok: false; reason: 'version-conflict' };

/** A notification waiting in the durable outbox. */
export interface OutboxEntry {
    /** Unique per (episode, stage): the same key is never enqueued twice. */
    key: string;
    notification: Notification;
    enqueuedAt: number;
    attempts: number;
    /** Earliest time of the next attempt, epoch ms. */
    notBefore: number;
}

/** Filter for reading the episode log. */
export interface LogQuery {
    /** Inclusive, epoch ms. */
    fromAt: number;
    /** Exclusive, epoch ms. */
    toAt: number;
    managementUnitId?: string;
}

/**
 * Everything the bot remembers. Two implementations (memory, Redis) pass one contract suite.
 * All methods are safe to call from several instances on one shared backend (Redis).
 */
/** Categories excluded or included again at run time, over the configured `ADHERENCE_EXCLUDED_CATEGORIES`. */
export interface ExclusionOverrides {
    excluded: string[];
    included: string[];
}

export interface AgentStateStore {
    /** Records of the given agents (absent when unknown). */
    getMany(userIds: readonly string[]): Promise<Map<string, AgentRecord>>;
    /** Every stored record, in pages; used on start-up to re-arm deadlines. */
    loadAll(onPage: (records: AgentRecord[]) => void): Promise<void>;
    /** Compare-and-set per agent; each change is all-or-nothing, changes of different agents are independent. */
    commit(changes: readonly StateChange[]): Promise<CommitResult[]>;

    /**
     * Claim the deadlines of these agents that are due at `now`, so exactly one instance processes each:
     * a claimed deadline is leased until `now + leaseMs` (re-claimable after that if its owner died).
     * Returns the agents claimed.
     */
    claimDeadlines(userIds: readonly string[], now: number, leaseMs: number): Promise<string[]>;
    /** Claim up to `limit` deadlines due at or before `dueBefore`, whoever armed them (orphans of dead instances). */
    claimOverdue(dueBefore: number, now: number, leaseMs: number, limit: number): Promise<string[]>;
    /** Every indexed deadline. */
    listDeadlines(): Promise<Array<{ userId: string; dueAt: number }>>;

    /**
     * The run-time overrides of the excluded categories (`exclude` / `include` commands), over the configured
     * defaults: a category is in at most one of the two lists, the last command wins. Sorted.
     */
    getExclusions(): Promise<ExclusionOverrides>;
    setExclusion(category: string, excluded: boolean): Promise<void>;

    /** Episode log entries with `fromAt <= at < toAt`, in time order. */
    readLog(query: LogQuery): Promise<EpisodeLogEntry[]>;
    /** Drop log entries older than `beforeAt`; returns how many were dropped. */
    trimLog(beforeAt: number): Promise<number>;

    /** Outbox entries whose `notBefore <= now`, oldest first, at most `limit`. */
    dueOutbox(now: number, limit: number): Promise<OutboxEntry[]>;
    /** Remove a delivered (or abandoned) entry. */
    ackOutbox(key: string): Promise<void>;
    /** Reschedule a failed attempt. */
    retryOutbox(key: string, notBefore: number): Promise<void>;

    close(): Promise<void>;
}

/** Sends notifications (Teams in production, a recorder in tests). Throws a coded error on failure. */
export interface Notifier {
    deliver(notification: Notification): Promise<void>;
}

/**
 * The exception pre-check: is this agent covered by a scheduled exception activity at `at`?
 * Must answer synchronously from a cache; `prefetch` warms it in the background and never throws.
 */
export interface CoverageSource {
    coverageAt(userId: string, at: number): Coverage;
    prefetch(userId: string, managementUnitId: string, at: number): void;
}

/** A coverage source that never covers: the default when no schedule look-up is configured. */
export const noCoverage: CoverageSource = {
    coverageAt: () => ({ covered: false }),
    prefetch: () => undefined
};

/**
 * On-shift routing: whether a unit has a channel on shift for an alert due at `at`. Must answer synchronously (from a
 * cache of the subscriptions).
 */
export interface AlertWindowSource {
    alertWindowAt(managementUnitId: string, at: number): AlertWindow;
    /**
     * How many escalation levels of the unit have somebody to go to (levels 1 to n each have a target); absent: none,
     * the engine never escalates.
     */
    escalationLevels?(managementUnitId: string): number;
}

/** Every alert may go out at once: the default without on-shift routing. */
const ON_SHIFT = { open: true } as const;
export const alwaysOnShift: AlertWindowSource = { alertWindowAt: () => ON_SHIFT };
