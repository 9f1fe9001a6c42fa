import type * as Genesys from 'purecloud-platform-client-v2';
import type { ContactCenter } from '../center/ContactCenter';
import type { Faults } from '../faults/Faults';
import { activityCodes, adherenceSnapshot, agentSchedule, managementUnit } from '../genesysModels';
import type { Downloads } from './Downloads';
import { badRequest, notFound } from './HttpError';
import { ok } from './httpIo';
import { unitOr404 } from './lookups';
import type { Route, RouteRequest } from './Router';

export interface WfmRoutesDeps {
    center: ContactCenter;
    faults: Faults;
    downloads: Downloads;
    /** Draws a fresh id (operation ids). */
    newId: () => string;
    /** Results with more entries than this are served through a `downloadUrl`. */
    downloadThreshold: number;
}

/** The WFM reads: management units, their users, adherence, activity codes and the schedule search. */
export function wfmRoutes(deps: WfmRoutesDeps): Route[] {
    const { center, faults, downloads, downloadThreshold } = deps;
    const snapshot = (id: string) => adherenceSnapshot(center.agents.get(id)!);
    return [
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/managementunits',
            handle: () => {
                const entities = center.units.map(managementUnit);
                return ok({ entities, pageSize: 100, pageNumber: 1, total: entities.length, pageCount: 1 });
            }
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/managementunits/{managementUnitId}/users',
            handle: (req) => {
                const unit = unitOr404(center, req.params.managementUnitId);
                return ok({ entities: unit.agentIds.map((id) => ({ id, selfUri: `/api/v2/users/${id}` })) });
            }
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/managementunits/{managementUnitId}/adherence',
            handle: (req) => {
                const entities = unitOr404(center, req.params.managementUnitId).agentIds.map(snapshot);
                const useDownload = faults.snapshotViaDownload ?? entities.length > downloadThreshold;
                const listing: Genesys.Models.UserScheduleAdherenceListing = useDownload
                    ? { downloadUrl: downloads.offer({ entities }) }
                    : { entities };
                return ok(listing);
            }
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/adherence',
            handle: (req) => {
                const ids = req.query('userId');
                if (ids.length < 1 || ids.length > 100)
                    throw badRequest('Between 1 and 100 userId values are required');
                return ok(ids.filter((id) => center.agents.has(id)).map(snapshot));
            }
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/businessunits/{businessUnitId}/activitycodes',
            handle: (req) => {
                const id = req.params.businessUnitId;
                if (id !== center.businessUnitId) throw notFound(`Business unit ${id} not found`);
                return ok({ entities: activityCodes() });
            }
        },
        {
            method: 'POST',
            path: '/api/v2/workforcemanagement/managementunits/{managementUnitId}/agentschedules/search',
            handle: (req) => searchSchedules(deps, req)
        }
    ];
}

/** `POST …/agentschedules/search`: the unit's schedules in the window, inline or through a download. */
function searchSchedules(deps: WfmRoutesDeps, req: RouteRequest) {
    const { center, faults, downloads, newId, downloadThreshold } = deps;
    const unit = unitOr404(center, req.params.managementUnitId);
    const b = (req.body ?? {}) as { startDate?: unknown; endDate?: unknown; userIds?: unknown };
    const start = typeof b.startDate === 'string' ? Date.parse(b.startDate) : Number.NaN;
    const end = typeof b.endDate === 'string' ? Date.parse(b.endDate) : Number.NaN;
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
        throw badRequest('startDate and endDate are required ISO-8601 instants with endDate after startDate');
    }
    if (faults.takeProcessing()) {
        const processing: Genesys.Models.BuAsyncAgentSchedulesSearchResponse = {
            status: 'Processing',
            operationId: newId()
        };
        return ok(processing);
    }
    const wanted = Array.isArray(b.userIds) ? new Set(b.userIds as string[]) : undefined;
    const agentSchedules = unit.agentIds
        .filter((id) => !wanted || wanted.has(id))
        .map((id) => agentSchedule(center.agents.get(id)!, start, end));
    const result: Genesys.Models.BuAgentSchedulesSearchResponse = { agentSchedules, businessUnitTimeZone: 'UTC' };
    const complete: Genesys.Models.BuAsyncAgentSchedulesSearchResponse =
        agentSchedules.length > downloadThreshold
            ? { status: 'Complete', operationId: newId(), downloadUrl: downloads.offer(result) }
            : { status: 'Complete', operationId: newId(), result };
    return ok(complete);
}
