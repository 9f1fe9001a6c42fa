import type { AnalyticsConfig } from '../analytics/analyticsConfig';
import type { BotStore } from '../adapters/teams/BotStore';
import { ShiftRouting } from '../adapters/teams/ShiftRouting';
import type { TeamsConfig } from '../adapters/teams/teamsConfig';
import type { AppContext } from './appContext';

/**
 * On-shift routing over the bot store's subscriptions. A unit's hours are read in its zone: its entry in
 * `REPORT_UNIT_TIME_ZONES` (the one per-unit zone setting), else `TEAMS_TIME_ZONE` (the zone of the cards).
 */
export function createShiftRouting(
    config: { teams: TeamsConfig; analytics: Pick<AnalyticsConfig, 'unitTimeZones'> },
    botStore: BotStore,
    ctx: AppContext
): ShiftRouting {
    const zones = config.analytics.unitTimeZones;
    return new ShiftRouting({
        store: botStore,
        clock: ctx.clock,
        timeZoneOf: (unit) => (Object.hasOwn(zones, unit) ? zones[unit] : config.teams.timeZone),
        refreshMs: config.teams.subscriptionRefreshMs,
        escalateTo: config.teams.escalateTo,
        logger: ctx.logger
    });
}
