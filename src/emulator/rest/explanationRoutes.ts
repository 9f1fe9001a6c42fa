import { REQUIRES } from '../oauth/permissions';
import type { AdherenceExplanations } from './AdherenceExplanations';
import { ok } from './httpIo';
import type { Route } from './Router';

const AGENT_EXPLANATIONS = '/api/v2/workforcemanagement/agents/{agentId}/adherence/explanations';

/**
 * The adherence explanation service routes (`WorkforceManagementApi.js`: POST :7387, GET and PATCH
 * `…/{explanationId}` :932 and :5728, the job :837). Adding and updating answer 202 with a job.
 */
export function explanationRoutes(explanations: AdherenceExplanations): Route[] {
    return [
        {
            method: 'POST',
            path: AGENT_EXPLANATIONS,
            requires: REQUIRES.explanationAdd,
            handle: (req) => ({
                status: 202,
                body: explanations.add(req.params.agentId, req.body, req.grant.clientId)
            })
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/adherence/explanations/jobs/{jobId}',
            handle: (req) => ok(explanations.job(req.params.jobId, req.grant.clientId))
        },
        {
            method: 'GET',
            path: `${AGENT_EXPLANATIONS}/{explanationId}`,
            requires: REQUIRES.explanationView,
            handle: (req) => ok(explanations.get(req.params.agentId, req.params.explanationId))
        },
        {
            method: 'PATCH',
            path: `${AGENT_EXPLANATIONS}/{explanationId}`,
            requires: REQUIRES.explanationEdit,
            handle: (req) => ({
                status: 202,
                body: explanations.update(req.params.agentId, req.params.explanationId, req.body, req.grant.clientId)
            })
        }
    ];
}
