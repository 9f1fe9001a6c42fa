import type * as Genesys from 'purecloud-platform-client-v2';
import type { Clock } from '../../domain/clock';
import type { Episode, ExplanationError, ExplanationResult, Notification } from '../../domain/adherence/types';
import { clockSleep, type Sleep } from '../../kit/abort';
import { silentLogger, type Logger } from '../../kit/Logger';
import { isGenesysError } from './errors';
import type { GenesysClient } from './GenesysClient';

type AddWrite = Extract<Notification, { kind: 'explanation-add' }>;
type DecideWrite = Extract<Notification, { kind: 'explanation-decide' }>;
/** The outbox entries the writer carries out. */
export type ExplanationWrite = AddWrite | DecideWrite;

/** Where the writer reports what Genesys answered (the engine). */
export interface ExplanationSink {
    explanationRecorded(episode: Episode, result: ExplanationResult): Promise<unknown>;
}

export interface ExplanationWriterOptions {
    client: Pick<GenesysClient, 'addAdherenceExplanation' | 'updateAdherenceExplanation' | 'getExplanationJob'>;
    sink: ExplanationSink;
    clock: Clock;
    /** Waits between job reads. Test seam. @default clockSleep(clock) */
    sleep?: Sleep;
    /** Between reads of a `Processing` job, ms. @default 1000 */
    jobPollMs?: number;
    /** Reads of a job before it counts as unconfirmed. @default 10 */
    jobPolls?: number;
    /** How far ahead of the explanation an explanation covers when the agent gave no "back in N min", minutes. @default 15 */
    defaultAheadMinutes?: number;
    logger?: Logger;
}

/** Longest note Genesys keeps on an explanation. */
const MAX_NOTES = 500;
const MINUTE = 60_000;

export const EXPLANATION_WRITER_DEFAULTS = Object.freeze({ jobPollMs: 1_000, jobPolls: 10, defaultAheadMinutes: 15 });

/**
 * Carries out the engine's explanation writes from the durable outbox: the agent's explanation as a `Late` adherence
 * explanation (`Pending`), the supervisor's decision as its status. Each answer is a job, read until `Complete`.
 *
 * Nothing is written twice: a failure before Genesys accepted the POST is thrown (the outbox retries it with backoff,
 * and {@link abandoned} reports it unreachable when it gives up); once accepted, a failure to read the job is reported
 * as unconfirmed, never retried. A refusal (missing permission, bad request) is reported at once, never retried.
 */
export class ExplanationWriter {
    private readonly sleep: Sleep;
    private readonly jobPollMs: number;
    private readonly jobPolls: number;
    private readonly aheadMinutes: number;
    private readonly logger: Logger;

    constructor(private readonly o: ExplanationWriterOptions) {
        const d = EXPLANATION_WRITER_DEFAULTS;
        this.sleep = o.sleep ?? clockSleep(o.clock);
        this.jobPollMs = o.jobPollMs ?? d.jobPollMs;
        this.jobPolls = o.jobPolls ?? d.jobPolls;
        this.aheadMinutes = o.defaultAheadMinutes ?? d.defaultAheadMinutes;
        this.logger = o.logger ?? silentLogger();
    }

    /** Carry out one write; throws (retryable) only when Genesys could not be reached before accepting it. */
    async write(n: ExplanationWrite): Promise<void> {
        if (n.kind === 'explanation-add') return this.add(n);
        return this.decide(n);
    }

    /** The outbox gave up on the write (Genesys unreachable all along): the agent and the card are told. */
    async abandoned(n: ExplanationWrite): Promise<void> {
        if (n.kind === 'explanation-add') await this.report(n.episode, { ok: false, error: 'unreachable' });
        else this.logger.warn({ episodeId: n.episode.id }, 'explanation decision not written to Genesys: unreachable');
    }

    /** The body of the agent's explanation: a `Late` span from the drift start to "back in" (or a default) ahead. */
    bodyOf(n: AddWrite): Genesys.Models.AddAdherenceExplanationAdminRequest {
        const { episode, explanation } = n;
        const sinceStart = Math.max(1, Math.ceil((explanation.at - episode.startedAt) / MINUTE));
        let notes = explanation.reason;
        if (explanation.note) notes += `: ${explanation.note}`;
        if (explanation.backInMinutes !== undefined) notes += ` (back in ${explanation.backInMinutes} min)`;
        return {
            type: 'Late',
            startDate: new Date(episode.startedAt).toISOString(),
            lengthMinutes: sinceStart + (explanation.backInMinutes ?? this.aheadMinutes),
            notes: notes.slice(0, MAX_NOTES),
            status: 'Pending'
        };
    }

    private async add(n: AddWrite): Promise<void> {
        let job: Genesys.Models.AdherenceExplanationJobReference;
        try {
            job = await this.o.client.addAdherenceExplanation(n.episode.userId, this.bodyOf(n));
        } catch (error) {
            const refused = refusalOf(error);
            if (!refused) throw error;
            this.logger.warn({ episodeId: n.episode.id, err: String(error) }, 'Genesys refused the explanation');
            return this.report(n.episode, { ok: false, error: refused });
        }
        const done = await this.untilComplete(job, n.episode.id);
        const id = done?.adherenceExplanation?.id;
        await this.report(n.episode, id ? { ok: true, explanationId: id } : { ok: false, error: 'unconfirmed' });
    }

    private async decide(n: DecideWrite): Promise<void> {
        let job: Genesys.Models.AdherenceExplanationJobReference;
        try {
            job = await this.o.client.updateAdherenceExplanation(n.episode.userId, n.explanationId, n.outcome);
        } catch (error) {
            if (!refusalOf(error)) throw error;
            this.logger.warn(
                { episodeId: n.episode.id, err: String(error) },
                'Genesys refused the explanation decision'
            );
            return;
        }
        if (!(await this.untilComplete(job, n.episode.id)))
            this.logger.warn({ episodeId: n.episode.id }, 'explanation decision sent; Genesys did not confirm it');
    }

    /** The job once `Complete` (undefined when it failed, or stayed `Processing`, or could not be read). */
    private async untilComplete(
        job: Genesys.Models.AdherenceExplanationJobReference,
        episodeId: string
    ): Promise<Genesys.Models.AdherenceExplanationJob | undefined> {
        for (let read = 0; read < this.jobPolls; read++) {
            if (read > 0) await this.sleep(this.jobPollMs);
            try {
                const current = await this.o.client.getExplanationJob(job.id!);
                if (current.status === 'Complete') return current;
                if (current.status !== 'Processing') return undefined;
            } catch (error) {
                this.logger.warn({ episodeId, jobId: job.id, err: String(error) }, 'could not read an explanation job');
                return undefined;
            }
        }
        return undefined;
    }

    private async report(episode: Episode, result: ExplanationResult): Promise<void> {
        await this.o.sink.explanationRecorded(episode, result);
    }
}

/** Not retryable for the transport, but worth another attempt from the outbox later. */
const AGAIN_LATER = new Set(['CIRCUIT_OPEN', 'GENESYS_AUTH_FAILED', 'GENESYS_ABORTED']);

/** Why Genesys refused for good (never retried), or undefined for a failure worth another attempt. */
function refusalOf(error: unknown): ExplanationError | undefined {
    if (!isGenesysError(error)) return undefined;
    if (error.code === 'GENESYS_FORBIDDEN') return 'forbidden';
    if (error.retryable || AGAIN_LATER.has(error.code)) return undefined;
    return 'rejected';
}
