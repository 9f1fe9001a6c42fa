import type * as Genesys from 'purecloud-platform-client-v2';
import type { ContactCenter } from '../center/ContactCenter';
import type { Faults } from '../faults/Faults';
import { agentSchedule } from '../genesysModels';
import type { Downloads } from './Downloads';
import { badRequest } from './HttpError';
import { ok, type Reply } from './httpIo';
import { unitOr404 } from './lookups';
import type { RouteRequest } from './Router';

/**
 * A search the emulator answered `Processing`. Genesys sends its result to the topic of the user who asked; the
 * emulator's tokens are client credentials, which have no user, so the result reaches nobody.
 */
export interface AsyncScheduleSearch {
    operationId: string;
    managementUnitId: string;
    /** Agents the query covered. */
    agents: number;
}

export interface ScheduleSearchesOptions {
    center: ContactCenter;
    faults: Faults;
    downloads: Downloads;
    /** Draws a fresh id (operation ids). */
    newId: () => string;
    /** Queries covering more agents than this are answered `Processing`. */
    syncLimit: number;
}

/**
 * `POST /api/v2/workforcemanagement/managementunits/{managementUnitId}/agentschedules/search`
 * (`WorkforceManagementApi.js:10632-10642`, answers `BuAsyncAgentSchedulesSearchResponse`, index.d.ts:22655):
 * - a query small enough is answered at once: `Complete` with the `result` inline, or through a `downloadUrl` with
 *   `forceDownloadService=true` ("sent via download service");
 * - a larger query, or one with `forceAsync=true` ("sent asynchronously via notification"), answers `Processing` and
 *   an operation id; its result is a notification on the requester's user topic
 *   `v2.users.{id}.workforcemanagement.agentschedules.managementunit.search.complete`
 *   (`WfmAgentMuScheduleSearchCompleteTopicAgentMuScheduleSearchCompleteNotification`, index.d.ts:70205; the topic per
 *   the SDK's `notificationMappings.json:768`). There is no GET by operation id, and asking again is a new search
 *   answered the same way.
 */
export class ScheduleSearches {
    /** Every search answered `Processing`, in order. */
    readonly pending: AsyncScheduleSearch[] = [];

    constructor(private readonly options: ScheduleSearchesOptions) {}

    search(req: RouteRequest): Reply {
        const { center, faults, downloads, newId, syncLimit } = this.options;
        const unit = unitOr404(center, req.params.managementUnitId);
        const b = (req.body ?? {}) as { startDate?: unknown; endDate?: unknown; userIds?: unknown };
        const start = typeof b.startDate === 'string' ? Date.parse(b.startDate) : Number.NaN;
        const end = typeof b.endDate === 'string' ? Date.parse(b.endDate) : Number.NaN;
        if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
            throw badRequest('startDate and endDate are required ISO-8601 instants with endDate after startDate');
        }
        if (b.userIds !== undefined && (!Array.isArray(b.userIds) || b.userIds.some((id) => typeof id !== 'string')))
            throw badRequest('userIds must be an array of user ids');
        const wanted = b.userIds ? new Set(b.userIds as string[]) : undefined;
        const agentIds = unit.agentIds.filter((id) => !wanted || wanted.has(id));
        const operationId = newId();
        const forcedAsync = faults.takeProcessing() || req.flag('forceAsync');
        if (forcedAsync || agentIds.length > syncLimit) {
            this.pending.push({ operationId, managementUnitId: unit.id, agents: agentIds.length });
            return ok({
                status: 'Processing',
                operationId
            } satisfies Genesys.Models.BuAsyncAgentSchedulesSearchResponse);
        }
        const agentSchedules = agentIds.map((id) => agentSchedule(center.agents.get(id)!, start, end));
        const result = {
            agentSchedules,
            businessUnitTimeZone: 'UTC'
        } satisfies Genesys.Models.BuAgentSchedulesSearchResponse;
        if (req.flag('forceDownloadService')) {
            return ok({
                status: 'Complete',
                operationId,
                downloadUrl: downloads.offer(result)
            } satisfies Genesys.Models.BuAsyncAgentSchedulesSearchResponse);
        }
        return ok({
            status: 'Complete',
            operationId,
            result
        } satisfies Genesys.Models.BuAsyncAgentSchedulesSearchResponse);
    }
}
