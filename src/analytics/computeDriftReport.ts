import type { EpisodeLogEntry } from '../domain/adherence/types';
import { driftBreakdowns } from './driftBreakdowns';
import type { DriftReport, Period } from './driftReport';
import { collectEpisodes, type StartedEpisode } from './episodeFacts';
import { compareTotals, periodTotals } from './periodTotals';

const DAY_MS = 86_400_000;

export interface ReportInput {
    /** Log entries of `[previous.fromAt, current.toAt)` (any order; entries outside are ignored). */
    entries: readonly EpisodeLogEntry[];
    /** The reported period. Its `toAt` is also "now": open episodes are measured up to it. */
    current: Period;
    /** The period compared against; default: the same length just before `current`. */
    previous?: Period;
    /** Only this management unit. */
    managementUnitId?: string;
    /** Only these management units (e.g. the units a supervisors' channel subscribed to); empty or absent = all. */
    managementUnitIds?: readonly string[];
    /** Only this team. */
    teamId?: string;
    /** IANA time zone of a unit, for peak hours and days. */
    timeZoneOf: (managementUnitId: string) => string;
    /** Current display name of an agent; `undefined` when unknown (renamed away or removed): shown by id. */
    nameOf?: (userId: string) => string | undefined;
    /** Agents in `topAgents`. @default 10 */
    topAgents?: number;
    /** Oldest instant still in the log (retention): marks a previous period that is cut short. */
    retainedFromAt?: number;
}

/** The episodes and loose suppressions of the current and the previous period, after the unit and team filter. */
interface Selection {
    current: StartedEpisode[];
    previous: StartedEpisode[];
    looseCurrent: Set<string>;
    loosePrevious: Set<string>;
}

/**
 * The drift report of a period, from episode log entries alone. Pure and deterministic.
 *
 * An episode belongs to the period in which it started (its `startedAt`), and counts with its whole length
 * (open episodes up to `current.toAt`). Peak hours and days split that length over the local clock hours of
 * the episode's unit time zone, so an episode across midnight adds minutes to both days.
 */
export function computeDriftReport(input: ReportInput): DriftReport {
    const { current } = input;
    const length = current.toAt - current.fromAt;
    if (!(length > 0)) throw new RangeError('computeDriftReport: current.toAt must be after current.fromAt');
    const previous = input.previous ?? { fromAt: current.fromAt - length, toAt: current.fromAt };

    const unitSet =
        input.managementUnitIds && input.managementUnitIds.length > 0 ? new Set(input.managementUnitIds) : undefined;
    const selected = select(input, previous, unitSet);
    const asOf = current.toAt;
    const totals = periodTotals(selected.current, selected.looseCurrent, asOf);
    const prevTotals = periodTotals(selected.previous, selected.loosePrevious, asOf);
    const { timeZones, topAgents, byActivity, byHour, byDay } = driftBreakdowns(selected.current, {
        asOf,
        timeZoneOf: input.timeZoneOf,
        nameOf: input.nameOf,
        topAgents: input.topAgents
    });

    return {
        period: { fromAt: current.fromAt, toAt: current.toAt, days: Math.round((length / DAY_MS) * 100) / 100 },
        previousPeriod: {
            fromAt: previous.fromAt,
            toAt: previous.toAt,
            complete: input.retainedFromAt === undefined || input.retainedFromAt <= previous.fromAt
        },
        filter: {
            ...(input.managementUnitId === undefined ? {} : { managementUnitId: input.managementUnitId }),
            ...(unitSet === undefined ? {} : { managementUnitIds: [...unitSet].sort() }),
            ...(input.teamId === undefined ? {} : { teamId: input.teamId })
        },
        timeZones,
        totals,
        previous: prevTotals,
        change: compareTotals(totals, prevTotals),
        topAgents,
        byActivity,
        byHour,
        byDay
    };
}

/**
 * Sorts the started episodes of the asked units and team into the current and previous period (by their start), and
 * the suppressions logged outside any episode by their own time.
 */
function select(input: ReportInput, previous: Period, unitSet: ReadonlySet<string> | undefined): Selection {
    const { current } = input;
    const inUnits = (unit: string) =>
        (input.managementUnitId === undefined || unit === input.managementUnitId) &&
        (unitSet === undefined || unitSet.has(unit));
    const selection: Selection = { current: [], previous: [], looseCurrent: new Set(), loosePrevious: new Set() };
    for (const ep of collectEpisodes(input.entries).values()) {
        if (ep.startedAt === undefined) continue;
        if (!inUnits(ep.managementUnitId)) continue;
        if (input.teamId !== undefined && ep.teamId !== input.teamId) continue;
        const started = ep as StartedEpisode;
        if (started.startedAt >= current.fromAt && started.startedAt < current.toAt) selection.current.push(started);
        else if (started.startedAt >= previous.fromAt && started.startedAt < previous.toAt) {
            selection.previous.push(started);
        }
    }
    // Suppressions outside any episode (dampened observations during a schedule republish) count by their own time,
    // once per agent, instant, stage and reason.
    for (const e of input.entries) {
        if (e.type !== 'suppressed' || e.episodeId !== undefined || e.reason === undefined) continue;
        if (!inUnits(e.managementUnitId)) continue;
        if (input.teamId !== undefined && e.teamId !== input.teamId) continue;
        const key = `${e.userId}|${e.at}|${e.stage ?? ''}|${e.reason}`;
        if (e.at >= current.fromAt && e.at < current.toAt) selection.looseCurrent.add(key);
        else if (e.at >= previous.fromAt && e.at < previous.toAt) selection.loosePrevious.add(key);
    }
    return selection;
}
