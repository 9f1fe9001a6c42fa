import type { EpisodeLogEntry, SuppressReason } from '../domain/adherence/types';
import { SUPPRESS_REASONS } from '../domain/adherence/types';
import { LocalCalendar } from '../domain/LocalCalendar';
import { ANALYTICS_DEFAULTS } from './analyticsConfig';

const DAY_MS = 86_400_000;

/** A half-open period `[fromAt, toAt)`, epoch ms. */
export interface Period {
    fromAt: number;
    toAt: number;
}

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

export interface AgentDrift {
    userId: string;
    /** Display name, or the user id when the agent is unknown now. */
    name: string;
    /** False when `nameOf` does not know the agent any more (removed): still counted. True when no `nameOf` is given. */
    known: boolean;
    episodes: number;
    driftMinutes: number;
    exceptions: number;
}

export interface ActivityDrift {
    /** Scheduled activity category, or `Unknown` when the log has none. */
    category: string;
    episodes: number;
    driftMinutes: number;
}

export interface HourDrift {
    /** Local hour of day, 0–23, in each episode's unit time zone. */
    hour: number;
    /** Episodes that started in this local hour. */
    episodes: number;
    /** Minutes of drift that fell in this local hour. */
    driftMinutes: number;
}

export interface DayDrift {
    /** Local calendar day `YYYY-MM-DD` in each episode's unit time zone. */
    day: string;
    episodes: number;
    driftMinutes: number;
}

/** Headline figures of one period. Rates are 0–1 or `null` when there is nothing to divide. */
export interface PeriodTotals {
    episodes: number;
    /** Episodes still open at the period's end of measurement. */
    openEpisodes: number;
    agents: number;
    driftMinutes: number;
    nudgesSent: number;
    alertsSent: number;
    /** Nudged episodes that ended after the nudge and before any alert was sent (and before the exception). */
    selfCorrected: number;
    /** Nudged episodes whose outcome is known (ended, alerted or past the exception). */
    nudgeOutcomes: number;
    selfCorrectionRate: number | null;
    acknowledged: number;
    /** Alerted episodes nobody acknowledged. */
    unacknowledged: number;
    ackMedianMs: number | null;
    ackP90Ms: number | null;
    exceptions: number;
    /**
     * Nudges and alerts that did not go out (or were deferred), counted once per episode, stage and reason;
     * suppressions logged outside an episode (`dampened`) count once per agent and log entry.
     */
    suppressed: Record<SuppressReason, number>;
    suppressedTotal: number;
}

export interface Change {
    current: number | null;
    previous: number | null;
    /** `current - previous`, or null when either is null. */
    delta: number | null;
    /** Relative change in percent, or null when previous is 0/null. */
    deltaPct: number | null;
}

export const CHANGE_KEYS = [
    'episodes',
    'driftMinutes',
    'agents',
    'selfCorrectionRate',
    'ackMedianMs',
    'exceptions',
    'suppressedTotal'
] as const;
export type ChangeKey = (typeof CHANGE_KEYS)[number];

export interface DriftReport {
    period: Period & { days: number };
    previousPeriod: Period & {
        /** False when log retention removed part of the previous period: its figures are partial. */
        complete: boolean;
    };
    filter: { managementUnitId?: string; managementUnitIds?: string[]; teamId?: string };
    /** Time zones used for hours and days, sorted. */
    timeZones: string[];
    totals: PeriodTotals;
    previous: PeriodTotals;
    change: Record<ChangeKey, Change>;
    topAgents: AgentDrift[];
    byActivity: ActivityDrift[];
    /** Always 24 entries, hour 0 to 23. */
    byHour: HourDrift[];
    /** Local days of the current period that had drift, in order. */
    byDay: DayDrift[];
}

/** One episode folded from its log lines. A class with every field set up front keeps one object shape (speed). */
class EpisodeFacts {
    teamId: string | undefined = undefined;
    startedAt: number | undefined = undefined;
    category: string | undefined = undefined;
    nudgeAt: number | undefined = undefined;
    alertAt: number | undefined = undefined;
    ackAt: number | undefined = undefined;
    exceptionAt: number | undefined = undefined;
    resolveAt: number | undefined = undefined;
    durationMs: number | undefined = undefined;
    /** `stage|reason` keys of suppressions; most episodes have none. */
    suppressed: Set<string> | undefined = undefined;

    constructor(
        readonly id: string,
        readonly userId: string,
        readonly managementUnitId: string
    ) {}
}

function roundMinutes(ms: number): number {
    return Math.round(ms / 6_000) / 10;
}

/** Median (mean of the two middle values for an even count) of sorted values. */
function median(sorted: readonly number[]): number | null {
    if (sorted.length === 0) return null;
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
    if (sorted.length === 0) return null;
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function emptySuppressed(): Record<SuppressReason, number> {
    const out = {} as Record<SuppressReason, number>;
    for (const reason of SUPPRESS_REASONS) out[reason] = 0;
    return out;
}

function minDefined(a: number | undefined, b: number): number {
    return a === undefined || b < a ? b : a;
}

/** Fold log entries into one record per episode. Entries without an episode id carry no episode facts. */
function collectEpisodes(entries: readonly EpisodeLogEntry[]): Map<string, EpisodeFacts> {
    const episodes = new Map<string, EpisodeFacts>();
    for (const e of entries) {
        const id = e.episodeId;
        if (id === undefined) continue;
        let ep = episodes.get(id);
        if (ep === undefined) {
            ep = new EpisodeFacts(id, e.userId, e.managementUnitId);
            episodes.set(id, ep);
        }
        if (e.teamId !== undefined && ep.teamId === undefined) ep.teamId = e.teamId;
        if (e.startedAt !== undefined) ep.startedAt = e.startedAt;
        if (e.scheduledCategory !== undefined && (e.type === 'start' || ep.category === undefined)) {
            ep.category = e.scheduledCategory;
        }
        switch (e.type) {
            case 'start':
                if (e.startedAt === undefined && ep.startedAt === undefined) ep.startedAt = e.at;
                break;
            case 'nudge':
                ep.nudgeAt = minDefined(ep.nudgeAt, e.at);
                break;
            case 'alert':
                ep.alertAt = minDefined(ep.alertAt, e.at);
                break;
            case 'acknowledge':
                ep.ackAt = minDefined(ep.ackAt, e.at);
                break;
            case 'exception':
                ep.exceptionAt = minDefined(ep.exceptionAt, e.at);
                break;
            case 'resolve':
                ep.resolveAt = minDefined(ep.resolveAt, e.at);
                if (e.durationMs !== undefined) ep.durationMs = e.durationMs;
                break;
            case 'suppressed':
                if (e.reason !== undefined) (ep.suppressed ??= new Set()).add(`${e.stage ?? ''}|${e.reason}`);
                break;
            default:
                break;
        }
    }
    return episodes;
}

/** Drift length of an episode, ms: its logged duration, else up to its resolution, else up to `asOf` (open). */
function driftMs(ep: EpisodeFacts & { startedAt: number }, asOf: number): number {
    if (ep.durationMs !== undefined) return Math.max(0, ep.durationMs);
    const end = ep.resolveAt ?? asOf;
    return Math.max(0, end - ep.startedAt);
}

function totalsOf(
    episodes: readonly (EpisodeFacts & { startedAt: number })[],
    looseSuppressions: ReadonlySet<string>,
    asOf: number
): PeriodTotals {
    const agents = new Set<string>();
    const ackTimes: number[] = [];
    const suppressed = emptySuppressed();
    let driftTotal = 0;
    let openEpisodes = 0;
    let nudgesSent = 0;
    let alertsSent = 0;
    let selfCorrected = 0;
    let nudgeOutcomes = 0;
    let unacknowledged = 0;
    let exceptions = 0;
    let suppressedTotal = 0;
    for (const ep of episodes) {
        agents.add(ep.userId);
        driftTotal += driftMs(ep, asOf);
        if (ep.resolveAt === undefined) openEpisodes++;
        if (ep.nudgeAt !== undefined) {
            nudgesSent++;
            const corrected =
                ep.resolveAt !== undefined &&
                ep.resolveAt >= ep.nudgeAt &&
                (ep.alertAt === undefined || ep.resolveAt < ep.alertAt) &&
                (ep.exceptionAt === undefined || ep.resolveAt < ep.exceptionAt);
            if (corrected) selfCorrected++;
            if (corrected || ep.resolveAt !== undefined || ep.alertAt !== undefined || ep.exceptionAt !== undefined) {
                nudgeOutcomes++;
            }
        }
        if (ep.alertAt !== undefined) {
            alertsSent++;
            if (ep.ackAt !== undefined) ackTimes.push(Math.max(0, ep.ackAt - ep.alertAt));
            else unacknowledged++;
        }
        if (ep.exceptionAt !== undefined) exceptions++;
        if (ep.suppressed !== undefined) {
            for (const key of ep.suppressed) {
                const reason = key.slice(key.indexOf('|') + 1) as SuppressReason;
                if (reason in suppressed) {
                    suppressed[reason]++;
                    suppressedTotal++;
                }
            }
        }
    }
    for (const key of looseSuppressions) {
        const reason = key.slice(key.lastIndexOf('|') + 1) as SuppressReason;
        if (reason in suppressed) {
            suppressed[reason]++;
            suppressedTotal++;
        }
    }
    ackTimes.sort((a, b) => a - b);
    return {
        episodes: episodes.length,
        openEpisodes,
        agents: agents.size,
        driftMinutes: roundMinutes(driftTotal),
        nudgesSent,
        alertsSent,
        selfCorrected,
        nudgeOutcomes,
        selfCorrectionRate: nudgeOutcomes === 0 ? null : selfCorrected / nudgeOutcomes,
        acknowledged: ackTimes.length,
        unacknowledged,
        ackMedianMs: median(ackTimes),
        ackP90Ms: percentile(ackTimes, 90),
        exceptions,
        suppressed,
        suppressedTotal
    };
}

function changeOf(current: number | null, previous: number | null): Change {
    const delta = current === null || previous === null ? null : current - previous;
    const deltaPct = delta === null || previous === null || previous === 0 ? null : (delta / previous) * 100;
    return {
        current,
        previous,
        delta: delta === null ? null : Math.round(delta * 1000) / 1000,
        deltaPct: deltaPct === null ? null : Math.round(deltaPct * 10) / 10
    };
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
    const inUnits = (unit: string) =>
        (input.managementUnitId === undefined || unit === input.managementUnitId) &&
        (unitSet === undefined || unitSet.has(unit));

    const all = collectEpisodes(input.entries);
    const inCurrent: (EpisodeFacts & { startedAt: number })[] = [];
    const inPrevious: (EpisodeFacts & { startedAt: number })[] = [];
    for (const ep of all.values()) {
        if (ep.startedAt === undefined) continue;
        if (!inUnits(ep.managementUnitId)) continue;
        if (input.teamId !== undefined && ep.teamId !== input.teamId) continue;
        const started = ep as EpisodeFacts & { startedAt: number };
        if (started.startedAt >= current.fromAt && started.startedAt < current.toAt) inCurrent.push(started);
        else if (started.startedAt >= previous.fromAt && started.startedAt < previous.toAt) inPrevious.push(started);
    }

    // Suppressions outside any episode (dampened observations during a schedule republish) count by their own time,
    // once per agent, instant, stage and reason.
    const looseCurrent = new Set<string>();
    const loosePrevious = new Set<string>();
    for (const e of input.entries) {
        if (e.type !== 'suppressed' || e.episodeId !== undefined || e.reason === undefined) continue;
        if (!inUnits(e.managementUnitId)) continue;
        if (input.teamId !== undefined && e.teamId !== input.teamId) continue;
        const key = `${e.userId}|${e.at}|${e.stage ?? ''}|${e.reason}`;
        if (e.at >= current.fromAt && e.at < current.toAt) looseCurrent.add(key);
        else if (e.at >= previous.fromAt && e.at < previous.toAt) loosePrevious.add(key);
    }

    const asOf = current.toAt;
    const totals = totalsOf(inCurrent, looseCurrent, asOf);
    const prevTotals = totalsOf(inPrevious, loosePrevious, asOf);

    const byAgent = new Map<string, { episodes: number; ms: number; exceptions: number }>();
    const byActivity = new Map<string, { episodes: number; ms: number }>();
    const hourEpisodes = new Array<number>(24).fill(0);
    const hourMs = new Array<number>(24).fill(0);
    const byDay = new Map<string, { episodes: number; ms: number }>();
    const calendars = new Map<string, LocalCalendar>();
    const zoneOfUnit = new Map<string, LocalCalendar>();

    for (const ep of inCurrent) {
        const ms = driftMs(ep, asOf);
        const agent = byAgent.get(ep.userId) ?? { episodes: 0, ms: 0, exceptions: 0 };
        agent.episodes++;
        agent.ms += ms;
        if (ep.exceptionAt !== undefined) agent.exceptions++;
        byAgent.set(ep.userId, agent);

        const category = ep.category ?? 'Unknown';
        const activity = byActivity.get(category) ?? { episodes: 0, ms: 0 };
        activity.episodes++;
        activity.ms += ms;
        byActivity.set(category, activity);

        let calendar = zoneOfUnit.get(ep.managementUnitId);
        if (calendar === undefined) {
            const zone = input.timeZoneOf(ep.managementUnitId);
            calendar = calendars.get(zone);
            if (calendar === undefined) {
                calendar = new LocalCalendar(zone);
                calendars.set(zone, calendar);
            }
            zoneOfUnit.set(ep.managementUnitId, calendar);
        }
        hourEpisodes[calendar.hourOf(ep.startedAt)]++;
        const startDay = calendar.dayOf(ep.startedAt);
        const startBucket = byDay.get(startDay) ?? { episodes: 0, ms: 0 };
        startBucket.episodes++;
        byDay.set(startDay, startBucket);
        calendar.splitByLocalHour(ep.startedAt, ep.startedAt + ms, (hour, day, pieceMs) => {
            hourMs[hour] += pieceMs;
            const bucket = byDay.get(day) ?? { episodes: 0, ms: 0 };
            bucket.ms += pieceMs;
            byDay.set(day, bucket);
        });
    }

    const topN = input.topAgents ?? ANALYTICS_DEFAULTS.topAgents;
    const topAgents: AgentDrift[] = [...byAgent.entries()]
        .sort((a, b) => b[1].ms - a[1].ms || b[1].episodes - a[1].episodes || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, topN)
        .map(([userId, a]) => {
            const name = input.nameOf?.(userId);
            return {
                userId,
                name: name ?? userId,
                known: input.nameOf === undefined || name !== undefined,
                episodes: a.episodes,
                driftMinutes: roundMinutes(a.ms),
                exceptions: a.exceptions
            };
        });

    const activities: ActivityDrift[] = [...byActivity.entries()]
        .map(([category, a]) => ({ category, episodes: a.episodes, driftMinutes: roundMinutes(a.ms) }))
        .sort(
            (a, b) => b.driftMinutes - a.driftMinutes || b.episodes - a.episodes || a.category.localeCompare(b.category)
        );

    const change = {} as Record<ChangeKey, Change>;
    for (const key of CHANGE_KEYS) change[key] = changeOf(totals[key], prevTotals[key]);

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
        timeZones: [...calendars.keys()].sort(),
        totals,
        previous: prevTotals,
        change,
        topAgents,
        byActivity: activities,
        byHour: hourMs.map((ms, hour) => ({ hour, episodes: hourEpisodes[hour], driftMinutes: roundMinutes(ms) })),
        byDay: [...byDay.entries()]
            .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
            .map(([day, d]) => ({ day, episodes: d.episodes, driftMinutes: roundMinutes(d.ms) }))
    };
}
