import { parseAdherenceBody } from '../../domain/adherence/parseObservation';
import type { Observation } from '../../domain/adherence/types';

/** What one notification frame means to the bot. */
export type MappedFrame =
    | { kind: 'adherence'; observation: Observation; unknownCategories?: string[] }
    | { kind: 'schedule-changed'; managementUnitId: string; agentIds?: string[] }
    | { kind: 'heartbeat' }
    | { kind: 'pong' }
    | { kind: 'socket-closing' }
    | { kind: 'rejected'; reason: string; topicName?: string };

const UNIT_ADHERENCE = /^v2\.workforcemanagement\.managementunits\.[^.]+\.adherence$/;
const UNIT_SCHEDULES_CHANGED = /^v2\.workforcemanagement\.managementunits\.([^.]+)\.agentschedules\.changed$/;

/** Topic of a unit's adherence events. */
export function unitAdherenceTopic(managementUnitId: string): string {
    return `v2.workforcemanagement.managementunits.${managementUnitId}.adherence`;
}

/** Topic of a unit's schedule republish signal. */
export function unitSchedulesChangedTopic(managementUnitId: string): string {
    return `v2.workforcemanagement.managementunits.${managementUnitId}.agentschedules.changed`;
}

/**
 * PURE: one WebSocket text frame to a bot event. Never throws: malformed JSON, a missing topic, an unknown topic or an
 * invalid body all come back as `rejected` with a stable reason (a metric label).
 *
 * @param now epoch ms of receipt (test seam): future change times are clamped to it.
 */
export function mapFrame(text: string, now: number): MappedFrame {
    let frame: unknown;
    try {
        frame = JSON.parse(text);
    } catch {
        return { kind: 'rejected', reason: 'malformed-json' };
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame))
        return { kind: 'rejected', reason: 'not-an-object' };
    const f = frame as Record<string, unknown>;
    const topicName = f.topicName;
    if (typeof topicName !== 'string' || topicName === '') return { kind: 'rejected', reason: 'missing-topic' };
    const body = f.eventBody;

    if (topicName === 'channel.metadata') {
        const message =
            typeof body === 'object' && body !== null ? (body as Record<string, unknown>).message : undefined;
        return message === 'pong' ? { kind: 'pong' } : { kind: 'heartbeat' };
    }
    if (topicName === 'v2.system.socket_closing') return { kind: 'socket-closing' };

    if (UNIT_ADHERENCE.test(topicName)) {
        const parsed = parseAdherenceBody(body, now);
        if (!parsed.ok) return { kind: 'rejected', reason: parsed.reason, topicName };
        return parsed.unknownCategories
            ? { kind: 'adherence', observation: parsed.observation, unknownCategories: parsed.unknownCategories }
            : { kind: 'adherence', observation: parsed.observation };
    }
    const changed = UNIT_SCHEDULES_CHANGED.exec(topicName);
    if (changed) {
        const agentIds = changedAgents(body);
        return agentIds.length > 0
            ? { kind: 'schedule-changed', managementUnitId: changed[1], agentIds }
            : { kind: 'schedule-changed', managementUnitId: changed[1] };
    }
    return { kind: 'rejected', reason: 'unknown-topic', topicName };
}

/**
 * The agents an `…agentschedules.changed` body names (`agents: [{agentId, startDate, endDate}]`,
 * `WfmAgentManagementUnitScheduleChangedTopicAgentMuScheduleChangedNotification`); [] when it names none.
 */
function changedAgents(body: unknown): string[] {
    const agents = typeof body === 'object' && body !== null ? (body as { agents?: unknown }).agents : undefined;
    if (!Array.isArray(agents)) return [];
    const ids = agents.map((a) =>
        typeof a === 'object' && a !== null ? (a as { agentId?: unknown }).agentId : undefined
    );
    return ids.filter((id): id is string => typeof id === 'string' && id !== '');
}

/**
 * PURE: a REST snapshot (`UserScheduleAdherence[]`) to observations of one unit. Entities without a unit get
 * `managementUnitId`; invalid ones are counted by reason and skipped; those with a category none of the known ones are
 * kept and listed in `unknown`.
 */
export function mapSnapshot(
    entities: readonly unknown[],
    managementUnitId: string,
    now: number
): {
    observations: Observation[];
    rejected: Record<string, number>;
    unknown: Array<{ observation: Observation; fields: string[] }>;
} {
    const observations: Observation[] = [];
    const rejected: Record<string, number> = {};
    const unknown: Array<{ observation: Observation; fields: string[] }> = [];
    for (const entity of entities) {
        const withUnit =
            typeof entity === 'object' &&
            entity !== null &&
            !('managementUnit' in entity) &&
            !('managementUnitId' in entity)
                ? { ...entity, managementUnitId }
                : entity;
        const parsed = parseAdherenceBody(withUnit, now);
        if (!parsed.ok) rejected[parsed.reason] = (rejected[parsed.reason] ?? 0) + 1;
        else {
            observations.push(parsed.observation);
            if (parsed.unknownCategories)
                unknown.push({ observation: parsed.observation, fields: parsed.unknownCategories });
        }
    }
    return { observations, rejected, unknown };
}
