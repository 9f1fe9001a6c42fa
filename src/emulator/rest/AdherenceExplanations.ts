import type * as Genesys from 'purecloud-platform-client-v2';
import type { Clock } from '../../domain/clock';
import type { ContactCenter } from '../center/ContactCenter';
import { iso } from '../genesysModels';
import { badRequest, notFound } from './HttpError';
import { agentOr404 } from './lookups';

type Explanation = Genesys.Models.AdherenceExplanationResponse;

/** Explanation types an admin may add (`AddAdherenceExplanationAdminRequest.type`: only `Late` today). */
const TYPES = new Set(['Late']);
const STATUSES = new Set(['Pending', 'Approved', 'Denied']);
/** Longest note Genesys keeps on an explanation. */
const MAX_NOTES = 500;

interface Job {
    id: string;
    /** The OAuth client that started it: "only the user who started the operation can query the status". */
    clientId: string;
    completeAt: number;
    explanationId: string;
}

/**
 * Adherence explanations as Genesys keeps them: added and updated through asynchronous jobs (`202` with
 * `AdherenceExplanationAsyncResponse {job}`, the job `Processing` then `Complete` with the explanation), read back by
 * id. An approved explanation makes the agent `Explained` while it covers now.
 */
export class AdherenceExplanations {
    readonly byId = new Map<string, Explanation>();
    private readonly jobs = new Map<string, Job>();
    /** How long a job stays `Processing` on the emulator clock, ms (its first answer always says `Processing`). */
    processingMs = 0;

    constructor(
        private readonly center: ContactCenter,
        private readonly clock: Clock,
        private readonly newId: () => string
    ) {}

    /** `POST …/agents/{agentId}/adherence/explanations`: validates the `AddAdherenceExplanationAdminRequest`. */
    add(agentId: string, body: unknown, clientId: string): Genesys.Models.AdherenceExplanationAsyncResponse {
        const agent = agentOr404(this.center, agentId);
        const b = objectBody(body);
        const type = b.type;
        if (typeof type !== 'string' || !TYPES.has(type)) throw badRequest('type must be one of: Late');
        const startAt = typeof b.startDate === 'string' ? Date.parse(b.startDate) : NaN;
        if (!Number.isFinite(startAt)) throw badRequest('startDate must be an ISO-8601 date-time');
        const lengthMinutes = b.lengthMinutes;
        if (typeof lengthMinutes !== 'number' || !Number.isInteger(lengthMinutes) || lengthMinutes < 1)
            throw badRequest('lengthMinutes must be a whole number >= 1');
        if (b.notes !== undefined && (typeof b.notes !== 'string' || b.notes.length > MAX_NOTES))
            throw badRequest(`notes must be a string of at most ${MAX_NOTES} characters`);
        const status = b.status ?? 'Pending';
        if (typeof status !== 'string' || !STATUSES.has(status))
            throw badRequest('status must be one of: Pending, Approved, Denied');
        const explanation: Explanation = {
            id: this.newId(),
            agent: { id: agent.id, selfUri: `/api/v2/users/${agent.id}` },
            managementUnit: { id: agent.managementUnitId },
            businessUnit: { id: agent.businessUnitId },
            type,
            status,
            startDate: iso(startAt),
            lengthMinutes
        };
        if (typeof b.notes === 'string') explanation.notes = b.notes;
        this.byId.set(explanation.id!, explanation);
        if (status === 'Approved') this.applyApproved(explanation);
        return this.startJob(explanation.id!, clientId);
    }

    /** `GET …/agents/{agentId}/adherence/explanations/{explanationId}`. */
    get(agentId: string, explanationId: string): Explanation {
        const explanation = this.byId.get(explanationId);
        if (!explanation || explanation.agent.id !== agentId)
            throw notFound(`Adherence explanation ${explanationId} not found`);
        return explanation;
    }

    /** `PATCH …/adherence/explanations/{explanationId}`: an `UpdateAdherenceExplanationStatusRequest`. */
    update(
        agentId: string,
        explanationId: string,
        body: unknown,
        clientId: string
    ): Genesys.Models.AdherenceExplanationAsyncResponse {
        const explanation = this.get(agentId, explanationId);
        const status = objectBody(body).status;
        if (typeof status !== 'string' || !STATUSES.has(status))
            throw badRequest('status must be one of: Pending, Approved, Denied');
        explanation.status = status;
        explanation.reviewedDate = iso(this.clock.now());
        if (status === 'Approved') this.applyApproved(explanation);
        return this.startJob(explanationId, clientId);
    }

    /** `GET /api/v2/workforcemanagement/adherence/explanations/jobs/{jobId}`: only for the client that started it. */
    job(jobId: string, clientId: string): Genesys.Models.AdherenceExplanationJob {
        const job = this.jobs.get(jobId);
        if (!job || job.clientId !== clientId) throw notFound(`Job ${jobId} not found`);
        const selfUri = `/api/v2/workforcemanagement/adherence/explanations/jobs/${job.id}`;
        if (this.clock.now() < job.completeAt) return { id: job.id, status: 'Processing', selfUri };
        return { id: job.id, status: 'Complete', adherenceExplanation: this.byId.get(job.explanationId), selfUri };
    }

    private startJob(explanationId: string, clientId: string): Genesys.Models.AdherenceExplanationAsyncResponse {
        const id = this.newId();
        this.jobs.set(id, { id, clientId, completeAt: this.clock.now() + this.processingMs, explanationId });
        const selfUri = `/api/v2/workforcemanagement/adherence/explanations/jobs/${id}`;
        return { job: { id, status: 'Processing', selfUri } };
    }

    private applyApproved(explanation: Explanation): void {
        const startAt = Date.parse(explanation.startDate);
        this.center.explain(explanation.agent.id!, startAt, startAt + explanation.lengthMinutes * 60_000);
    }
}

function objectBody(body: unknown): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('A JSON object is required');
    return body as Record<string, unknown>;
}
