import type { AgentRecord, EngineEvent, EpisodeLogEntry, Notification, RefusalReason } from '../domain/adherence/types';
import type { ActionResult } from './AdherenceEngine';
import type { StateChange } from './ports';

/** One accepted event waiting in the engine's queue. */
export interface Job {
    userId: string;
    event: EngineEvent;
    /** A claimed deadline must be committed even when nothing changed, to replace its lease in the index. */
    claimed: boolean;
    /** Answers a supervisor or agent action; `undefined` for observations and deadlines. */
    done: ((result: ActionResult) => void) | undefined;
    /** Decided and committed (or answered without a change): a failure later in its batch must not run it again. */
    settled: boolean;
}

export function jobOf(userId: string, event: EngineEvent, claimed = false, done?: (result: ActionResult) => void): Job {
    return { userId, event, claimed, done, settled: false };
}

/** One agent's jobs of a batch, in arrival order, and what deciding them produced. */
export class AgentWork {
    readonly jobs: Job[] = [];
    record: AgentRecord | undefined = undefined;
    change: StateChange | undefined = undefined;
    log: EpisodeLogEntry[] | undefined = undefined;
    outbox: Notification[] | undefined = undefined;
    refusals: Map<Job, RefusalReason> | undefined = undefined;
    conflict = false;

    constructor(readonly userId: string) {}

    /** Forget any decision (after a lost compare-and-set: the jobs are decided again on the fresh record). */
    reset(): void {
        this.record = this.change = this.log = this.outbox = this.refusals = undefined;
        this.conflict = false;
    }

    /** The jobs are decided and their change (if any) committed: answer the actions among them with the outcome. */
    settle(): void {
        for (const job of this.jobs) {
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
