import type * as Genesys from 'purecloud-platform-client-v2';
import { ACTIVITY_CODES, activityCodeName, routingStatusOf } from './center/catalog';
import type { Agent, ContactCenter, Unit } from './center/ContactCenter';

/** ISO-8601 instant of epoch ms. */
export function iso(ms: number): string {
    return new Date(ms).toISOString();
}

/** The fields an adherence event and a snapshot entry share, in the order both send them. */
function adherenceFields(agent: Agent) {
    return {
        systemPresence: agent.systemPresence,
        organizationSecondaryPresenceId: agent.presenceDefinitionId,
        routingStatus: agent.interacting ? 'INTERACTING' : routingStatusOf(agent.systemPresence),
        actualActivityCategory: agent.adherence.actualCategory,
        isOutOfOffice: false,
        adherenceState: agent.adherence.adherenceState,
        impact: agent.adherence.impact
    };
}

/** The body of an `…adherence` notification for an agent's current facts. */
export function adherenceEvent(
    agent: Agent
): Genesys.Models.WfmUserScheduleAdherenceUpdatedMuTopicUserScheduleAdherenceUpdate {
    const a = agent.adherence;
    return {
        user: { id: agent.id },
        managementUnitId: agent.managementUnitId,
        businessUnitId: agent.businessUnitId,
        team: { id: agent.teamId, name: agent.teamName },
        scheduledActivityCategory: a.scheduledCategory,
        // Unscheduled agents have no activity code: the field is left out rather than sent with an empty id.
        ...(a.scheduledActivityCodeId === undefined
            ? {}
            : { scheduledActivityCode: { id: a.scheduledActivityCodeId, secondaryPresences: [] } }),
        ...adherenceFields(agent),
        adherenceChangeTime: iso(a.changedAt),
        presenceUpdateTime: iso(agent.presenceUpdatedAt),
        activeQueues: [],
        removedFromManagementUnit: false
    } satisfies Genesys.Models.WfmUserScheduleAdherenceUpdatedMuTopicUserScheduleAdherenceUpdate;
}

/** An agent's entry in an adherence snapshot (unit adherence, adherence by user ids). */
export function adherenceSnapshot(agent: Agent): Genesys.Models.UserScheduleAdherence {
    const a = agent.adherence;
    const entity: Genesys.Models.UserScheduleAdherence = {
        id: agent.id,
        name: agent.name,
        user: { id: agent.id, selfUri: `/api/v2/users/${agent.id}` },
        businessUnit: { id: agent.businessUnitId },
        managementUnit: { id: agent.managementUnitId },
        team: { id: agent.teamId },
        scheduledActivityCategory: a.scheduledCategory,
        ...adherenceFields(agent),
        timeOfAdherenceChange: iso(a.changedAt),
        presenceUpdateTime: iso(agent.presenceUpdatedAt),
        activeQueues: [],
        removedFromManagementUnit: false,
        selfUri: `/api/v2/workforcemanagement/adherence/${agent.id}`
    };
    if (a.scheduledActivityCodeId !== undefined) entity.scheduledActivityCode = { id: a.scheduledActivityCodeId };
    return entity;
}

/** An agent as a Genesys user. */
export function userEntity(agent: Agent): Genesys.Models.User {
    return {
        id: agent.id,
        name: agent.name,
        email: agent.email,
        username: agent.email,
        state: 'active',
        version: 1,
        division: { id: 'home' },
        selfUri: `/api/v2/users/${agent.id}`
    } satisfies Genesys.Models.User;
}

/** A simulated unit as a WFM management unit. */
export function managementUnit(unit: Unit): Genesys.Models.ManagementUnit {
    return {
        id: unit.id,
        name: unit.name,
        businessUnit: { id: unit.businessUnitId },
        timeZone: 'UTC',
        selfUri: `/api/v2/workforcemanagement/managementunits/${unit.id}`
    } satisfies Genesys.Models.ManagementUnit;
}

/** The default activity codes of the business unit. */
export function activityCodes(): Genesys.Models.BusinessUnitActivityCode[] {
    return ACTIVITY_CODES.map(
        (c) =>
            ({
                id: c.id,
                name: c.name,
                active: true,
                defaultCode: true,
                category: c.category,
                countsAsPaidTime: c.category !== 'Meal',
                countsAsWorkTime: c.category === 'OnQueueWork' || c.category === 'OffQueueWork'
            }) satisfies Genesys.Models.BusinessUnitActivityCode
    );
}

/** The organisation's presence definitions (one system definition per system presence). */
export function presenceDefinitions(center: ContactCenter): Genesys.Models.OrganizationPresenceDefinition[] {
    return center.presenceDefinitions.map(
        (d) =>
            ({
                id: d.id,
                name: d.label,
                type: 'System',
                systemPresence: d.systemPresence,
                languageLabels: { en_US: d.label },
                deactivated: false
            }) satisfies Genesys.Models.OrganizationPresenceDefinition
    );
}

/**
 * An agent's published schedule between `startAt` and `endAt` (epoch ms) as one shift, as a schedule search returns it.
 */
export function agentSchedule(
    agent: Agent,
    startAt: number,
    endAt: number
): Genesys.Models.BuAgentScheduleSearchResponse {
    const acts = agent.activities.filter((x) => x.startAt < endAt && x.startAt + x.lengthMinutes * 60_000 > startAt);
    return {
        user: { id: agent.id },
        shifts: acts.length
            ? [
                  {
                      id: `${agent.id}-${startAt}`,
                      startDate: iso(acts[0].startAt),
                      lengthMinutes: acts.reduce((s, x) => s + x.lengthMinutes, 0),
                      activities: acts.map((x) => ({
                          startDate: iso(x.startAt),
                          lengthMinutes: x.lengthMinutes,
                          activityCodeId: x.activityCodeId,
                          description: activityCodeName(x.activityCodeId)
                      }))
                  }
              ]
            : [],
        fullDayTimeOffMarkers: []
    } satisfies Genesys.Models.BuAgentScheduleSearchResponse;
}

/**
 * The body of `…managementunits.{id}.agentschedules.changed` for agents whose schedules moved: each agent with the span
 * of its published schedule, and how far schedules are visible (`WfmAgentManagementUnitScheduleChangedTopic…`,
 * index.d.ts:70189-70203; the topic per the SDK's `notificationMappings.json:944`).
 */
export function schedulesChangedEvent(
    agents: readonly Agent[]
): Genesys.Models.WfmAgentManagementUnitScheduleChangedTopicAgentMuScheduleChangedNotification {
    const spans = agents.map((agent) => {
        const starts = agent.activities.map((a) => a.startAt);
        const ends = agent.activities.map((a) => a.startAt + a.lengthMinutes * 60_000);
        return { agentId: agent.id, startAt: Math.min(...starts), endAt: Math.max(...ends) };
    });
    const visibleTo = Math.max(0, ...spans.map((s) => s.endAt));
    return {
        agents: spans.map((s) => ({ agentId: s.agentId, startDate: iso(s.startAt), endDate: iso(s.endAt) })),
        visibilityRange: { endDate: iso(visibleTo), endBusinessUnitDate: iso(visibleTo).slice(0, 10) }
    } satisfies Genesys.Models.WfmAgentManagementUnitScheduleChangedTopicAgentMuScheduleChangedNotification;
}
