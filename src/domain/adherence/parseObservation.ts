import { ACTIVITY_CATEGORIES, ADHERENCE_STATES, IMPACTS, type ActivityCategory, type Observation } from './types';
import { daysFromCivil } from '../civilDate';
import { MAX_CLOCK_SKEW_MS } from './transition';

/** Why an adherence body was refused. Stable strings: they are metric labels and log fields. */
export type RejectReason =
    | 'not-an-object'
    | 'missing-user-id'
    | 'missing-management-unit'
    | 'missing-adherence-state'
    | 'unknown-adherence-state'
    | 'unknown-impact'
    | 'unknown-activity-category'
    | 'missing-change-time'
    | 'bad-change-time'
    | 'wrong-type';

export type ParseResult = { ok: true; observation: Observation } | { ok: false; reason: RejectReason; field?: string };

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

/** Strict ISO-8601 instant with a `Z` or an explicit offset; a bare local time is refused rather than guessed. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

const DIGIT_0 = 48;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, from: number, count: number): number {
    let n = 0;
    for (let i = from; i < from + count; i++) {
        const d = text.charCodeAt(i) - DIGIT_0;
        if (d < 0 || d > 9) return -1;
        n = n * 10 + d;
    }
    return n;
}

/**
 * Fast path for the form Genesys sends, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`: plain arithmetic (days from the civil
 * date), several times faster than `Date.parse`. `undefined` when the text is not in that form.
 */
function parseUtcInstant(text: string): number | undefined {
    const n = text.length;
    if (n < 20 || text.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
    if (
        text.charCodeAt(4) !== 45 /* - */ ||
        text.charCodeAt(7) !== 45 ||
        text.charCodeAt(10) !== 84 /* T */ ||
        text.charCodeAt(13) !== 58 /* : */ ||
        text.charCodeAt(16) !== 58
    )
        return undefined;
    const y = digits(text, 0, 4);
    const m = digits(text, 5, 2);
    const d = digits(text, 8, 2);
    const hh = digits(text, 11, 2);
    const mm = digits(text, 14, 2);
    const ss = digits(text, 17, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
        return undefined;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])) return Number.NaN;
    let ms = 0;
    if (n > 20) {
        if (text.charCodeAt(19) !== 46 /* . */ || n - 21 < 1 || n - 21 > 9) return undefined;
        const fraction = digits(text, 20, Math.min(3, n - 21));
        if (fraction < 0 || (n - 21 > 3 && digits(text, 23, n - 24) < 0)) return undefined;
        ms = n - 21 === 1 ? fraction * 100 : n - 21 === 2 ? fraction * 10 : fraction;
    }
    const days = daysFromCivil(y, m, d);
    return ((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + ms;
}

/** Epoch ms of a strict ISO instant, or NaN. Pure: parses the text, never reads the clock. */
export function parseIsoInstant(text: string): number {
    const fast = parseUtcInstant(text);
    if (fast !== undefined) return fast;
    if (!ISO_INSTANT.test(text)) return Number.NaN;
    // Date.parse of validated text is a pure function of its input; it never reads the clock.
    // eslint-disable-next-line no-restricted-globals
    return Date.parse(text);
}

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

function category(value: unknown, field: string): ActivityCategory | undefined {
    const v = optionalString(value, field);
    if (v === undefined || v === '') return undefined;
    const known = categories.get(v);
    if (known === undefined) throw new Rejection('unknown-activity-category', field);
    return known;
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
        const changedAt = parseIsoInstant(timeText);
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
        return { ok: true, observation };
    } catch (e) {
        if (e instanceof Rejection) return { ok: false, reason: e.reason, field: e.field };
        throw e;
    }
}
