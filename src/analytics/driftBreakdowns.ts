import { LocalCalendar } from '../domain/LocalCalendar';
import { ANALYTICS_DEFAULTS } from './analyticsConfig';
import { roundMinutes, type ActivityDrift, type AgentDrift, type DriftReport } from './driftReport';
import { driftMs, type StartedEpisode } from './episodeFacts';

/** What the breakdowns need besides the episodes. */
export interface BreakdownOptions {
    /** Open episodes are measured up to this instant. */
    asOf: number;
    /** IANA time zone of a unit, for peak hours and days. */
    timeZoneOf: (managementUnitId: string) => string;
    /** Current display name of an agent; `undefined` when unknown: shown by id. */
    nameOf?: (userId: string) => string | undefined;
    /** Agents listed. @default 10 */
    topAgents?: number;
}

interface Tally {
    episodes: number;
    ms: number;
}

/**
 * Who drifted, during which activity, at which local hours and on which local days, over the episodes of the
 * reported period. An episode's minutes are split over the local clock hours (and days) of its unit's zone.
 */
export function driftBreakdowns(
    episodes: readonly StartedEpisode[],
    options: BreakdownOptions
): Pick<DriftReport, 'timeZones' | 'topAgents' | 'byActivity' | 'byHour' | 'byDay'> {
    const byAgent = new Map<string, Tally & { exceptions: number }>();
    const byActivity = new Map<string, Tally>();
    const hourEpisodes = new Array<number>(24).fill(0);
    const hourMs = new Array<number>(24).fill(0);
    const byDay = new Map<string, Tally>();
    const calendars = new Map<string, LocalCalendar>();
    const zoneOfUnit = new Map<string, LocalCalendar>();

    for (const ep of episodes) {
        const ms = driftMs(ep, options.asOf);
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
            const zone = options.timeZoneOf(ep.managementUnitId);
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

    return {
        timeZones: [...calendars.keys()].sort(),
        topAgents: topAgents(byAgent, options),
        byActivity: [...byActivity.entries()]
            .map(([category, a]): ActivityDrift => ({
                category,
                episodes: a.episodes,
                driftMinutes: roundMinutes(a.ms)
            }))
            .sort(
                (a, b) =>
                    b.driftMinutes - a.driftMinutes || b.episodes - a.episodes || a.category.localeCompare(b.category)
            ),
        byHour: hourMs.map((ms, hour) => ({ hour, episodes: hourEpisodes[hour], driftMinutes: roundMinutes(ms) })),
        byDay: [...byDay.entries()]
            .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
            .map(([day, d]) => ({ day, episodes: d.episodes, driftMinutes: roundMinutes(d.ms) }))
    };
}

/** The agents with the most drift minutes, then episodes, then by id; named by `nameOf` when given. */
function topAgents(
    byAgent: ReadonlyMap<string, Tally & { exceptions: number }>,
    options: BreakdownOptions
): AgentDrift[] {
    return [...byAgent.entries()]
        .sort((a, b) => b[1].ms - a[1].ms || b[1].episodes - a[1].episodes || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, options.topAgents ?? ANALYTICS_DEFAULTS.topAgents)
        .map(([userId, a]) => {
            const name = options.nameOf?.(userId);
            return {
                userId,
                name: name ?? userId,
                known: options.nameOf === undefined || name !== undefined,
                episodes: a.episodes,
                driftMinutes: roundMinutes(a.ms),
                exceptions: a.exceptions
            };
        });
}
