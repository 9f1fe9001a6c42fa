import type { Requires } from './Role';

/**
 * The permissions each emulated operation and topic requires. Operations: the "Requires ANY/ALL permissions" block
 * under each operation of the SDK's docs (`MyPureCloud/platform-client-sdk-javascript` `build/docs/*Api.md`, 259.0.0;
 * the npm package's `api/*.js` omit them); the line of that block is given. Operations whose docs say "Requires NO
 * permissions" (the unit list, users by id, presence read-back, PATCH presence, every notification call) have none.
 *
 * Topics: the SDK documents no topic permission (Genesys lists them in `GET /api/v2/notifications/availabletopics`);
 * each topic here requires what the REST read of the same data requires.
 */
export const REQUIRES = {
    /** `WorkforceManagementApi.md:1615` (adherence by user ids) and `:7967` (a unit's adherence). */
    realtimeAdherence: { any: ['wfm:realtimeAdherence:view'] },
    /** `WorkforceManagementApi.md:8762`: a management unit's users. */
    unitUsers: {
        any: [
            'wfm:agent:view',
            'wfm:historicalAdherence:view',
            'wfm:publishedSchedule:view',
            'wfm:realtimeAdherence:view',
            'wfm:schedule:view',
            'wfm:staffingGroup:view',
            'wfm:timeOffRequest:view',
            'wfm:workPlanRotation:view',
            'wfm:workPlan:view'
        ]
    },
    /** `WorkforceManagementApi.md:2800`: a business unit's activity codes (any WFM right at all). */
    activityCodes: {
        any: [
            'wfm:agentSchedule:view',
            'wfm:agentTimeOffRequest:submit',
            'wfm:activityCode:add',
            'wfm:activityCode:delete',
            'wfm:activityCode:edit',
            'wfm:activityCode:view',
            'wfm:agent:edit',
            'wfm:agent:view',
            'wfm:businessUnit:add',
            'wfm:businessUnit:delete',
            'wfm:businessUnit:edit',
            'wfm:businessUnit:view',
            'wfm:historicalAdherence:view',
            'wfm:shrinkage:view',
            'wfm:intraday:view',
            'wfm:managementUnit:add',
            'wfm:managementUnit:delete',
            'wfm:managementUnit:edit',
            'wfm:managementUnit:view',
            'wfm:realtimeAdherence:view',
            'wfm:schedule:add',
            'wfm:schedule:delete',
            'wfm:schedule:edit',
            'wfm:schedule:generate',
            'wfm:schedule:view',
            'wfm:publishedSchedule:view',
            'wfm:serviceGoalTemplate:add',
            'wfm:serviceGoalTemplate:delete',
            'wfm:serviceGoalTemplate:edit',
            'wfm:serviceGoalTemplate:view',
            'wfm:planningGroup:add',
            'wfm:planningGroup:delete',
            'wfm:planningGroup:edit',
            'wfm:planningGroup:view',
            'wfm:shiftTradeRequest:edit',
            'wfm:shiftTradeRequest:view',
            'wfm:shortTermForecast:add',
            'wfm:shortTermForecast:delete',
            'wfm:shortTermForecast:edit',
            'wfm:shortTermForecast:view',
            'wfm:timeOffLimit:add',
            'wfm:timeOffLimit:delete',
            'wfm:timeOffLimit:edit',
            'wfm:timeOffLimit:view',
            'wfm:timeOffPlan:add',
            'wfm:timeOffPlan:delete',
            'wfm:timeOffPlan:edit',
            'wfm:timeOffPlan:view',
            'wfm:timeOffRequest:add',
            'wfm:timeOffRequest:edit',
            'wfm:timeOffRequest:view',
            'wfm:workPlan:add',
            'wfm:workPlan:delete',
            'wfm:workPlan:edit',
            'wfm:workPlan:view',
            'wfm:workPlanRotation:add',
            'wfm:workPlanRotation:delete',
            'wfm:workPlanRotation:edit',
            'wfm:workPlanRotation:view',
            'wfm:agentSchedulingPreferencesQuery:view',
            'wfm:agentSchedulingPreferences:edit',
            'wfm:agentSchedulingPreferencesSettings:view',
            'wfm:schedulingPreferencesQuery:view',
            'wfm:schedulingPreferencesSettings:view',
            'wfm:schedulingPreferencesSettings:edit'
        ]
    },
    /** `WorkforceManagementApi.md:18675`: `POST …/managementunits/{id}/agentschedules/search`. */
    scheduleSearch: { any: ['wfm:publishedSchedule:view', 'wfm:schedule:view'] },
    /** `UsersApi.md:6555`: `POST /api/v2/users/search`. */
    userSearch: { any: ['directory:user:view'] },
    /** `PresenceApi.md:1565`: `PUT /api/v2/users/presences/bulk`. */
    presenceWrite: { any: ['presence:userPresence:edit'] },
    /** `PresenceApi.md:512`. */
    primarySourceView: { all: ['presence:userPrimarySource:view'] },
    /** `PresenceApi.md:1444`. */
    primarySourceEdit: { all: ['presence:userPrimarySource:edit'] },
    /** `PresenceApi.md:455`. */
    sourceView: { all: ['presence:source:view'] },
    /** `PresenceApi.md:1152`. */
    sourceAdd: { all: ['presence:source:add'] },
    /** `PresenceApi.md:283`. */
    definitionView: { all: ['presence:presenceDefinition:view'] },
    /**
     * Adherence explanations: `POST …/agents/{agentId}/adherence/explanations`, and `GET` / `PATCH`
     * `…/{explanationId}` (the Genesys CLI generated from the same spec, `platform-client-sdk-cli`
     * `workforcemanagement_agents_adherence_explanations.go`, `FormatPermissions`). The job read lists none.
     */
    explanationAdd: { all: ['wfm:adherenceExplanation:add'] },
    explanationView: { all: ['wfm:adherenceExplanation:view'] },
    explanationEdit: { all: ['wfm:adherenceExplanation:edit'] },
    /** Topic `…managementunits.{id}.agentschedules.changed`: what the schedule search requires. */
    scheduleTopic: { any: ['wfm:publishedSchedule:view', 'wfm:schedule:view'] }
} as const satisfies Record<string, Requires>;
