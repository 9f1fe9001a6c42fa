import type { AgentRecord, EngineEvent, EpisodeLogEntry, Notification, RefusalReason } from '../domain/adherence/types';
import type { ActionResult } from './AdherenceEngine';
import type { CacheEntry } from './AgentCache';
import type { StateChange } from './ports';

/** One accepted event waiting in the engine's queue. */
export interface Job {
    userId: string;
    event: EngineEvent;
    /** A claimed deadline must be committed even when nothing changed, to replace its lease in the index. */
    claimed: boolean;
    /** Answers a supervisor or agent action; `undefined` for observations and deadlines. */
    done: ((result: ActionResult) => void) | undefined;
    /** The agent's next job in the same batch. */
    next: Job | undefined;
    /** Decided and committed (or answered without a change): a failure later in its batch must not run it again. */
    settled: boolean;
}

/** A job, every field set (one shape for all jobs). */
export function jobOf(userId: string, event: EngineEvent, claimed = false, done?: (result: ActionResult) => void): Job {
    return { userId, event, claimed, done, next: undefined, settled: false };
}

/** One agent's jobs of a batch, in arrival order, and what deciding them produced. */
export class AgentWork {
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
