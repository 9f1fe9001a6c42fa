import type { AgentRecord } from '../domain/adherence/types';
import type { AgentWork } from './AgentWork';

/**
 * What the engine keeps per agent: the newest record it knows, and the work of the batch in progress on it (so
 * grouping a batch by agent is the one cache lookup per event that finding the record needs anyway).
 */
export interface CacheEntry {
    record: AgentRecord;
    work: AgentWork | undefined;
    /** Dropped from the cache while a batch held it: the batch's commit puts the record back in a new entry. */
    detached: boolean;
}

/** The engine's records by agent id: what queries answer from and what transitions start from. */
export class AgentCache {
    private readonly entries = new Map<string, CacheEntry>();

    get size(): number {
        return this.entries.size;
    }

    entry(userId: string): CacheEntry | undefined {
        return this.entries.get(userId);
    }

    *records(): IterableIterator<AgentRecord> {
        for (const entry of this.entries.values()) yield entry.record;
    }

    /** Take a record read from the store (written by this or any instance). */
    take(record: AgentRecord): void {
        const entry = this.entries.get(record.userId);
        if (entry) entry.record = record;
        else this.entries.set(record.userId, { record, work: undefined, detached: false });
    }

    /** Keep a record the work committed in the agent's entry (a new entry for a new or dropped agent). */
    remember(w: AgentWork, record: AgentRecord): void {
        if (w.entry && !w.entry.detached) {
            w.entry.record = record;
            return;
        }
        const entry: CacheEntry = { record, work: undefined, detached: false };
        this.entries.set(record.userId, entry);
        w.entry = entry;
    }

    /** Drop an agent (the next event reads it from the store). */
    forget(userId: string): void {
        const entry = this.entries.get(userId);
        if (entry === undefined) return;
        entry.detached = true;
        this.entries.delete(userId);
    }
}
