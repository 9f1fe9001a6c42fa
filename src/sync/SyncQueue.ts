import type { AckedState, Rejection, SyncEvent } from './pipeline/types';
import { storableLetter } from './storableItem';
import { SYNC_DEFAULTS } from './syncConfig';

export interface QueuedEvent {
    /** Queue entry id (Redis stream id, or a counter in memory). */
    id: string;
    event: SyncEvent;
}

/**
 * An inspectable refused item: the raw input (or event) and why. As stored, `item` is bounded: cut or summarised when
 * its JSON is longer than the queue's per-item limit or cannot be made (see `storableItem`).
 */
export interface DeadLetter {
    at: number;
    rejection: Rejection;
    item: unknown;
}

/** A page of the dead-letter list, most recent first. */
export interface DeadLetterPage {
    /** Letters stored in all (at most the list's cap). */
    total: number;
    offset: number;
    letters: DeadLetter[];
}

/**
 * The durable queue between ingest and send. `append` resolves only once the events are durable. Entries read are
 * pending until acknowledged; a crashed consumer's pending entries are read again, before newer entries of the same
 * agents, by whoever reads them next (the same consumer after a restart, or the instance taking over its partition).
 */
export interface SyncQueue {
    append(events: readonly SyncEvent[]): Promise<string[]>;
    /**
     * About `max` entries (a partitioned queue may return one more per partition): those still pending first (own,
     * or of a dead consumer), then new ones; each agent's in the order appended.
     */
    read(max: number): Promise<QueuedEvent[]>;
    /**
     * Of entries read earlier and kept for a retry, those this consumer may still process: a partitioned queue drops
     * those of partitions another instance has taken over (it reads them again, in order). Absent: all of them.
     */
    retain?(entries: readonly QueuedEvent[]): QueuedEvent[];
    ack(ids: readonly string[]): Promise<void>;
    /** Stores every letter, each item bounded (never fails for the form of an item). */
    deadLetter(letters: readonly DeadLetter[]): Promise<void>;
    /** Most recent first, skipping `offset`. */
    deadLetters(limit?: number, offset?: number): Promise<DeadLetter[]>;
    /** Letters stored (at most the cap). */
    deadLetterCount(): Promise<number>;
    /** Entries appended and not yet acknowledged. */
    depth(): Promise<number>;
    lastAcked(agentIds: readonly string[]): Promise<Map<string, AckedState>>;
    setLastAcked(states: ReadonlyMap<string, AckedState>): Promise<void>;
    close(): Promise<void>;
}

/** In-process queue (tests, single instance without Redis): same contract, not crash-safe. */
export class MemorySyncQueue implements SyncQueue {
    private seq = 0;
    private readonly entries = new Map<string, SyncEvent>();
    private readonly delivered = new Set<string>();
    private readonly letters: DeadLetter[] = [];
    private readonly acked = new Map<string, AckedState>();

    constructor(
        private readonly deadLetterMax = 10_000,
        private readonly itemMaxChars: number = SYNC_DEFAULTS.deadLetterItemMaxChars
    ) {}

    async append(events: readonly SyncEvent[]): Promise<string[]> {
        return events.map((e) => {
            const id = String(++this.seq);
            this.entries.set(id, structuredClone(e));
            return id;
        });
    }

    async read(max: number): Promise<QueuedEvent[]> {
        const out: QueuedEvent[] = [];
        for (const [id, event] of this.entries) {
            if (out.length >= max) break;
            if (this.delivered.has(id)) continue;
            this.delivered.add(id);
            out.push({ id, event: structuredClone(event) });
        }
        return out;
    }

    /** Simulates a consumer restart: everything pending is readable again. */
    releasePending(): void {
        this.delivered.clear();
    }

    async ack(ids: readonly string[]): Promise<void> {
        for (const id of ids) {
            this.entries.delete(id);
            this.delivered.delete(id);
        }
    }

    async deadLetter(letters: readonly DeadLetter[]): Promise<void> {
        this.letters.push(...letters.map((l) => JSON.parse(JSON.stringify(storableLetter(l, this.itemMaxChars)))));
        if (this.letters.length > this.deadLetterMax) this.letters.splice(0, this.letters.length - this.deadLetterMax);
    }

    async deadLetters(limit = 100, offset = 0): Promise<DeadLetter[]> {
        const newestFirst = [...this.letters].reverse();
        return newestFirst.slice(offset, offset + limit);
    }

    async deadLetterCount(): Promise<number> {
        return this.letters.length;
    }

    async depth(): Promise<number> {
        return this.entries.size;
    }

    async lastAcked(agentIds: readonly string[]): Promise<Map<string, AckedState>> {
        const out = new Map<string, AckedState>();
        for (const id of agentIds) {
            const s = this.acked.get(id);
            if (s) out.set(id, { ...s });
        }
        return out;
    }

    async setLastAcked(states: ReadonlyMap<string, AckedState>): Promise<void> {
        for (const [id, s] of states) this.acked.set(id, { ...s });
    }

    async close(): Promise<void> {}
}
