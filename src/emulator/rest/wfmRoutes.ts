import type * as Genesys from 'purecloud-platform-client-v2';
import type { ContactCenter } from '../center/ContactCenter';
import type { Faults } from '../faults/Faults';
import { activityCodes, adherenceSnapshot, managementUnit } from '../genesysModels';
import { REQUIRES } from '../oauth/permissions';
import type { Downloads } from './Downloads';
import { badRequest, notFound } from './HttpError';
import { ok } from './httpIo';
import { unitOr404 } from './lookups';
import type { Route } from './Router';
import type { ScheduleSearches } from './ScheduleSearches';

export interface WfmRoutesDeps {
    center: ContactCenter;
    faults: Faults;
    downloads: Downloads;
    searches: ScheduleSearches;
    /** Results with more entries than this are served through a `downloadUrl`. */
    downloadThreshold: number;
}

/** The WFM reads: management units, their users, adherence, activity codes and the schedule search. */
export function wfmRoutes(deps: WfmRoutesDeps): Route[] {
    const { center, faults, downloads, searches, downloadThreshold } = deps;
    const snapshot = (id: string) => adherenceSnapshot(center.agents.get(id)!);
    return [
        {
            // WorkforceManagementApi.js:4944-4955: "pageSize/pageNumber: Deprecated, paging is not supported"; `feature`
            // lists "the management units for which the user is authorized to use the requested feature". No
            // permission (WorkforceManagementApi.md:9285).
            method: 'GET',
            path: '/api/v2/workforcemanagement/managementunits',
            handle: (req) => {
                const [feature] = req.query('feature');
                const authorized = feature !== 'RealTimeAdherence' || req.grant.role.has('wfm:realtimeAdherence:view');
                const entities = authorized ? center.units.map(managementUnit) : [];
                return ok({ entities, total: entities.length } satisfies Genesys.Models.ManagementUnitListing);
            }
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/managementunits/{managementUnitId}/users',
            requires: REQUIRES.unitUsers,
            handle: (req) => {
                const unit = unitOr404(center, req.params.managementUnitId);
                const entities = unit.agentIds.map((id) => ({ id, selfUri: `/api/v2/users/${id}` }));
                return ok({ entities } satisfies Genesys.Models.WfmUserEntityListing);
            }
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/managementunits/{managementUnitId}/adherence',
            requires: REQUIRES.realtimeAdherence,
            handle: (req) => {
                const entities = unitOr404(center, req.params.managementUnitId).agentIds.map(snapshot);
                const useDownload = faults.snapshotViaDownload ?? entities.length > downloadThreshold;
                const listing: Genesys.Models.UserScheduleAdherenceListing = useDownload
                    ? {
                          downloadUrl: downloads.offer({
                              entities
                          } satisfies Genesys.Models.UserScheduleAdherenceListing)
                      }
                    : { entities };
                return ok(listing);
            }
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/adherence',
            requires: REQUIRES.realtimeAdherence,
            handle: (req) => {
                const ids = req.query('userId');
                if (ids.length < 1 || ids.length > 100)
                    throw badRequest('Between 1 and 100 userId values are required');
                const out = ids.filter((id) => center.agents.has(id)).map(snapshot);
                return ok(out satisfies Genesys.Models.UserScheduleAdherence[]);
            }
        },
        {
            method: 'GET',
            path: '/api/v2/workforcemanagement/businessunits/{businessUnitId}/activitycodes',
            requires: REQUIRES.activityCodes,
            handle: (req) => {
                const id = req.params.businessUnitId;
                if (id !== center.businessUnitId) throw notFound(`Business unit ${id} not found`);
                return ok({ entities: activityCodes() } satisfies Genesys.Models.BusinessUnitActivityCodeListing);
            }
        },
        {
            method: 'POST',
            path: '/api/v2/workforcemanagement/managementunits/{managementUnitId}/agentschedules/search',
            requires: REQUIRES.scheduleSearch,
            handle: (req) => searches.search(req)
        }
    ];
}
