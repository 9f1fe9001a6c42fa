import { ACTIVITY_CATEGORIES, ADHERENCE_STATES, IMPACTS, type CategoryName, type Observation } from './types';
import { isoInstantMs } from '../isoInstant';
import { MAX_CLOCK_SKEW_MS } from './observeTransitions';

/** Why an adherence body was refused. Stable strings: they are metric labels and log fields. */
export type RejectReason =
    | 'not-an-object'
    | 'missing-user-id'
    | 'missing-management-unit'
    | 'missing-adherence-state'
    | 'unknown-adherence-state'
    | 'unknown-impact'
    | 'missing-change-time'
    | 'bad-change-time'
    | 'wrong-type';

/**
 * A parsed body, or why it was refused. `unknownCategories` names the category fields whose value is none of the known
 * categories: kept as sent (the topic model types categories as free strings), for the caller to count.
 */
export type ParseResult =
    | { ok: true; observation: Observation; unknownCategories?: string[] }
    | { ok: false; reason: RejectReason; field?: string };

/**
 * Each known value to one shared string. Observations then hold these constants instead of the strings of the frame
 * they came from, so the records built from them keep no per-event strings alive (less for the GC to promote).
 */
function canonical<T extends string>(values: readonly T[]): ReadonlyMap<string, T> {
    return new Map(values.map((v) => [v, v]));
}

const adherenceStates = canonical(ADHERENCE_STATES);
const impacts = canonical(IMPACTS);
const categories = canonical(ACTIVITY_CATEGORIES);

class Rejection {
    constructor(
        readonly reason: RejectReason,
        readonly field?: string
    ) {}
}

// The helpers take a field's value, read by its literal name at the call site (`b.impact`): a load by a name held in a
// variable goes through V8's generic keyed lookup, slower than a named property load (this runs once per frame).

function optionalString(v: unknown, field: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new Rejection('wrong-type', field);
    return v;
}

/** A category: the shared constant of a known one, else the string as sent. */
function category(value: unknown, field: string): CategoryName | undefined {
    const v = optionalString(value, field);
    if (v === undefined || v === '') return undefined;
    return categories.get(v) ?? v;
}

function idOf(v: unknown, field: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw new Rejection('wrong-type', field);
    const id = (v as Record<string, unknown>).id;
    if (id === undefined || id === null) return undefined;
    if (typeof id !== 'string') throw new Rejection('wrong-type', `${field}.id`);
    return id === '' ? undefined : id;
}

/**
 * Validate one adherence body — a notification `eventBody` (`adherenceChangeTime`) or a REST snapshot entity
 * (`UserScheduleAdherence`, `timeOfAdherenceChange`, `managementUnit.id`) — into an {@link Observation}.
 * Every field is guarded: the SDK typings mark all of them optional. A change time more than the clock-skew tolerance
 * in the future is capped at `now` + that tolerance (the transition orders events by it; an episode never starts later
 * than now).
 *
 * @param now epoch ms, the caller's clock (test seam).
 */
export function parseAdherenceBody(body: unknown, now: number): ParseResult {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, reason: 'not-an-object' };
    const b = body as Record<string, unknown>;
    try {
        const userId = idOf(b.user, 'user');
        if (!userId) return { ok: false, reason: 'missing-user-id', field: 'user.id' };

        const managementUnitId =
            optionalString(b.managementUnitId, 'managementUnitId') ?? idOf(b.managementUnit, 'managementUnit');
        if (!managementUnitId) return { ok: false, reason: 'missing-management-unit', field: 'managementUnitId' };

        const stateText = optionalString(b.adherenceState, 'adherenceState');
        if (stateText === undefined || stateText === '')
            return { ok: false, reason: 'missing-adherence-state', field: 'adherenceState' };
        const state = adherenceStates.get(stateText);
        if (state === undefined) return { ok: false, reason: 'unknown-adherence-state', field: 'adherenceState' };

        const impactText = optionalString(b.impact, 'impact');
        const impact = impactText === undefined || impactText === '' ? 'Unknown' : impacts.get(impactText);
        if (impact === undefined) return { ok: false, reason: 'unknown-impact', field: 'impact' };

        // Notification bodies carry `adherenceChangeTime`, REST entities `timeOfAdherenceChange`; a null one defers to the other.
        const notified = b.adherenceChangeTime;
        const useNotified = notified !== undefined && notified !== null;
        const timeField = useNotified ? 'adherenceChangeTime' : 'timeOfAdherenceChange';
        const timeText = optionalString(useNotified ? notified : b.timeOfAdherenceChange, timeField);
        if (timeText === undefined || timeText === '')
            return { ok: false, reason: 'missing-change-time', field: timeField };
        const changedAt = isoInstantMs(timeText);
        if (!Number.isFinite(changedAt)) return { ok: false, reason: 'bad-change-time', field: timeField };

        const team = b.team;
        const teamId = idOf(team, 'team');
        const teamName =
            team && typeof (team as { name?: unknown }).name === 'string' ? (team as { name: string }).name : undefined;
        const scheduledActivityCodeId = idOf(b.scheduledActivityCode, 'scheduledActivityCode');

        const observation: Observation = {
            userId,
            managementUnitId,
            adherenceState: state,
            impact,
            changedAt: Math.min(changedAt, now + MAX_CLOCK_SKEW_MS)
        };
        if (teamId) observation.teamId = teamId;
        if (teamName) observation.teamName = teamName;
        const scheduledCategory = category(b.scheduledActivityCategory, 'scheduledActivityCategory');
        if (scheduledCategory) observation.scheduledCategory = scheduledCategory;
        if (scheduledActivityCodeId) observation.scheduledActivityCodeId = scheduledActivityCodeId;
        const actualCategory = category(b.actualActivityCategory, 'actualActivityCategory');
        if (actualCategory) observation.actualCategory = actualCategory;
        const systemPresence = optionalString(b.systemPresence, 'systemPresence');
        if (systemPresence) observation.systemPresence = systemPresence;
        const routingStatus = optionalString(b.routingStatus, 'routingStatus');
        if (routingStatus) observation.routingStatus = routingStatus;
        let unknown: string[] | undefined;
        if (scheduledCategory && !categories.has(scheduledCategory)) (unknown ??= []).push('scheduledActivityCategory');
        if (actualCategory && !categories.has(actualCategory)) (unknown ??= []).push('actualActivityCategory');
        return unknown ? { ok: true, observation, unknownCategories: unknown } : { ok: true, observation };
    } catch (e) {
        if (e instanceof Rejection) return { ok: false, reason: e.reason, field: e.field };
        throw e;
    }
}
