import type { AgentRecord, EpisodeLogEntry, Notification } from '../../domain/adherence/types';
import type {
    AgentStateStore,
    CommitResult,
    ExclusionOverrides,
    LogQuery,
    OutboxEntry,
    StateChange
} from '../../engine/ports';
import { STORE_DEFAULTS } from '../store/storeConfig';
import { StoreError } from '../store/StoreError';
import { assertEpochMs, assertIds, assertInteger, validateChanges } from '../store/validateStoreInput';

export interface MemoryStoreOptions {
    /** How long an enqueued outbox key is remembered so it is never enqueued twice, ms. @default 604800000 (7 days) */
    outboxKeyTtlMs?: number;
    /** Most episode-log entries kept; the oldest are dropped beyond it. @default 1000000 */
    logMaxLen?: number;
    /** Records per `loadAll` page. @default 1000 */
    pageSize?: number;
}

const DEFAULTS = {
    outboxKeyTtlMs: STORE_DEFAULTS.outboxKeyTtlMs,
    logMaxLen: STORE_DEFAULTS.memoryLogMaxLen,
    pageSize: 1000
};

interface StoredAgent {
    record: AgentRecord;
    /** The indexed deadline (or lease of a claimed one), `null` when none. */
    dueAt: number | null;
}

interface StoredOutbox {
    notification: Notification;
    enqueuedAt: number;
    attempts: number;
    notBefore: number;
}

/**
 * The embedded `AgentStateStore` (no Redis): one process, same semantics as the Redis store, including CAS,
 * deadline leases and outbox de-duplication. Committed records are deep-frozen and shared with readers (no copies:
 * the engine's cache and the store hold one object per agent); notifications are frozen the same way, log entries
 * (flat) are copied in.
 */
export class MemoryAgentStateStore implements AgentStateStore {
    /** Each agent's record and indexed deadline, in one entry: a commit touches one hash-table slot, not two. */
    private readonly agents = new Map<string, StoredAgent>();
    /** Category -> excluded (true) or included again (false). */
    private readonly exclusions = new Map<string, boolean>();
    /** The episode log is `log[logStart..]`: dropping the oldest moves `logStart`, compacted now and then. */
    private log: EpisodeLogEntry[] = [];
    private logStart = 0;
    private readonly outbox = new Map<string, StoredOutbox>();
    /** Outbox key -> time it was first enqueued. */
    private readonly enqueuedKeys = new Map<string, number>();
    private readonly settings: Required<MemoryStoreOptions>;
    private closed = false;

    constructor(options: MemoryStoreOptions = {}) {
        const settings = { ...DEFAULTS, ...options };
        assertInteger('MemoryAgentStateStore', 'outboxKeyTtlMs', settings.outboxKeyTtlMs, 1);
        assertInteger('MemoryAgentStateStore', 'logMaxLen', settings.logMaxLen, 1);
        assertInteger('MemoryAgentStateStore', 'pageSize', settings.pageSize, 1);
        this.settings = Object.freeze(settings);
    }

    async getMany(userIds: readonly string[]): Promise<Map<string, AgentRecord>> {
        this.assertOpen();
        assertIds('getMany', 'userIds', userIds);
        const out = new Map<string, AgentRecord>();
        for (const id of userIds) {
            const stored = this.agents.get(id);
            if (stored) out.set(id, stored.record);
        }
        return out;
    }

    async loadAll(onPage: (records: AgentRecord[]) => void): Promise<void> {
        this.assertOpen();
        const all = [...this.agents.values()].map((a) => a.record);
        for (let i = 0; i < all.length; i += this.settings.pageSize) {
            onPage(all.slice(i, i + this.settings.pageSize));
        }
    }

    async commit(changes: readonly StateChange[]): Promise<CommitResult[]> {
        this.assertOpen();
        validateChanges(changes);
        return changes.map((change) => this.apply(change));
    }

    private apply(change: StateChange): CommitResult {
        const stored = this.agents.get(change.userId);
        if ((stored?.record.version ?? 0) !== change.expectedVersion)
            return { userId: change.userId, ok: false, reason: 'version-conflict' };
        const record = freezeRecord(change.record);
        if (stored) {
            stored.record = record;
            stored.dueAt = change.dueAt;
        } else this.agents.set(change.userId, { record, dueAt: change.dueAt });
        for (const entry of change.log) this.log.push({ ...entry });
        if (this.log.length - this.logStart > this.settings.logMaxLen) this.dropOldestLog();
        let newest = -Infinity;
        for (const notification of change.outbox) {
            newest = Math.max(newest, notification.at);
            if (this.enqueuedKeys.has(notification.key) || this.outbox.has(notification.key)) continue;
            this.enqueuedKeys.set(notification.key, notification.at);
            this.outbox.set(notification.key, {
                notification: deepFreeze(notification),
                enqueuedAt: notification.at,
                attempts: 0,
                notBefore: notification.at
            });
        }
        if (change.outbox.length > 0) {
            const forgetBefore = newest - this.settings.outboxKeyTtlMs;
            // Keys are remembered in insertion order, which is (nearly) time order: drop expired ones from the front
            // and stop at the first live one, so each key is visited once when it expires, not once per commit.
            for (const [key, at] of this.enqueuedKeys) {
                if (at >= forgetBefore) break;
                this.enqueuedKeys.delete(key);
            }
        }
        return { userId: change.userId, ok: true };
    }

    /**
     * Forget the entries beyond `logMaxLen`, oldest first, in amortised O(1): the start index moves, and the array is
     * compacted only once the dead head is as long as the live part (a `splice` per commit copied the whole log).
     */
    private dropOldestLog(): void {
        this.logStart = this.log.length - this.settings.logMaxLen;
        if (this.logStart >= 1024 && this.logStart * 2 >= this.log.length) {
            this.log = this.log.slice(this.logStart);
            this.logStart = 0;
        }
    }

    async claimDeadlines(userIds: readonly string[], now: number, leaseMs: number): Promise<string[]> {
        this.assertOpen();
        assertIds('claimDeadlines', 'userIds', userIds);
        assertEpochMs('claimDeadlines', 'now', now);
        assertInteger('claimDeadlines', 'leaseMs', leaseMs, 1);
        const claimed: string[] = [];
        for (const id of new Set(userIds)) {
            const stored = this.agents.get(id);
            if (stored && stored.dueAt !== null && stored.dueAt <= now) {
                stored.dueAt = now + leaseMs;
                claimed.push(id);
            }
        }
        return claimed;
    }

    async claimOverdue(dueBefore: number, now: number, leaseMs: number, limit: number): Promise<string[]> {
        this.assertOpen();
        assertEpochMs('claimOverdue', 'dueBefore', dueBefore);
        assertEpochMs('claimOverdue', 'now', now);
        assertInteger('claimOverdue', 'leaseMs', leaseMs, 1);
        assertInteger('claimOverdue', 'limit', limit, 0);
        const bound = Math.min(dueBefore, now);
        const due: Array<[string, StoredAgent]> = [];
        for (const entry of this.agents) if (entry[1].dueAt !== null && entry[1].dueAt <= bound) due.push(entry);
        due.sort((a, b) => a[1].dueAt! - b[1].dueAt! || (a[0] < b[0] ? -1 : 1));
        const claimed = due.slice(0, limit);
        for (const [, stored] of claimed) stored.dueAt = now + leaseMs;
        return claimed.map(([id]) => id);
    }

    async listDeadlines(): Promise<Array<{ userId: string; dueAt: number }>> {
        this.assertOpen();
        const out: Array<{ userId: string; dueAt: number }> = [];
        for (const [userId, { dueAt }] of this.agents) if (dueAt !== null) out.push({ userId, dueAt });
        return out;
    }

    async getExclusions(): Promise<ExclusionOverrides> {
        this.assertOpen();
        const excluded: string[] = [];
        const included: string[] = [];
        for (const [category, on] of this.exclusions) (on ? excluded : included).push(category);
        return { excluded: excluded.sort(), included: included.sort() };
    }

    async setExclusion(category: string, excluded: boolean): Promise<void> {
        this.assertOpen();
        if (typeof category !== 'string' || category.length === 0) {
            throw new StoreError('STORE_INVALID_ARGUMENT', 'setExclusion: category must be a non-empty string');
        }
        this.exclusions.set(category, excluded);
    }

    async readLog(query: LogQuery): Promise<EpisodeLogEntry[]> {
        this.assertOpen();
        assertEpochMs('readLog', 'fromAt', query?.fromAt);
        assertEpochMs('readLog', 'toAt', query.toAt);
        const { fromAt, toAt, managementUnitId } = query;
        const out: EpisodeLogEntry[] = [];
        for (let i = this.logStart; i < this.log.length; i++) {
            const e = this.log[i];
            if (e.at < fromAt || e.at >= toAt) continue;
            if (managementUnitId !== undefined && e.managementUnitId !== managementUnitId) continue;
            out.push(structuredClone(e));
        }
        return out.sort((a, b) => a.at - b.at);
    }

    async trimLog(beforeAt: number): Promise<number> {
        this.assertOpen();
        assertEpochMs('trimLog', 'beforeAt', beforeAt);
        const before = this.log.length - this.logStart;
        this.log = this.log.slice(this.logStart).filter((e) => e.at >= beforeAt);
        this.logStart = 0;
        return before - this.log.length;
    }

    async dueOutbox(now: number, limit: number): Promise<OutboxEntry[]> {
        this.assertOpen();
        assertEpochMs('dueOutbox', 'now', now);
        assertInteger('dueOutbox', 'limit', limit, 0);
        return [...this.outbox]
            .filter(([, e]) => e.notBefore <= now)
            .sort(([, a], [, b]) => a.notBefore - b.notBefore || a.enqueuedAt - b.enqueuedAt) // stable: FIFO on ties
            .slice(0, limit)
            .map(([key, e]) => ({ key, ...structuredClone(e) }));
    }

    async ackOutbox(key: string): Promise<void> {
        this.assertOpen();
        this.outbox.delete(key);
    }

    async retryOutbox(key: string, notBefore: number): Promise<void> {
        this.assertOpen();
        assertEpochMs('retryOutbox', 'notBefore', notBefore);
        const entry = this.outbox.get(key);
        if (!entry) return;
        entry.attempts += 1;
        entry.notBefore = notBefore;
    }

    async close(): Promise<void> {
        this.closed = true;
    }

    private assertOpen(): void {
        if (this.closed) throw new StoreError('STORE_CLOSED', 'the store is closed');
    }
}

/**
 * Freeze a committed record in place, nested objects included: the generic {@link deepFreeze} with the record's shape
 * spelled out (half the cost per commit, measured). Objects shared with the previous record are frozen already.
 */
function freezeRecord(record: AgentRecord): AgentRecord {
    if (Object.isFrozen(record)) return record;
    freezeFlat(record.snooze);
    freezeFlat(record.approval);
    const state = record.state;
    if (!Object.isFrozen(state)) {
        if (state.status !== 'adherent') {
            freezeFlat(state.episode);
            freezeFlat(state.pending);
            freezeFlat(state.nudge);
            freezeFlat(state.alert);
            freezeFlat(state.ack);
        }
        Object.freeze(state);
    }
    return Object.freeze(record);
}

function freezeFlat(value: object | undefined): void {
    if (value !== undefined && !Object.isFrozen(value)) Object.freeze(value);
}

/**
 * Freeze a plain JSON value in place. Stored records are shared with readers without any copy (the engine treats
 * records as immutable values); freezing makes that safe: nobody can change stored state behind the store's back.
 */
function deepFreeze<T>(value: T): T {
    if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        // for-in over a plain JSON value (no inherited enumerables): no array per object, unlike Object.values.
        for (const key in value) deepFreeze(value[key]);
    }
    return value;
}
