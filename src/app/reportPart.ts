import type { AgentStateStore } from '../engine/ports';
import type { UserDirectory } from '../adapters/genesys/UserDirectory';
import { registerReportRoutes } from '../adapters/http/reportRoutes';
import { createReportCardProvider } from '../adapters/teams/reportCardProvider';
import type { AnalyticsConfig } from '../analytics/analyticsConfig';
import { timeZoneOfConfig } from '../analytics/analyticsConfig';
import { createDriftReportService } from '../analytics/driftReportService';
import { createRetentionJob, type RetentionJob } from '../analytics/retentionJob';
import type { AdaptiveCardJson } from '../cards/renderCard';
import type { AppContext } from './appContext';
import type { RouteRegistrar } from './server';

export interface ReportPart {
    /** The `report [days]` card of the Teams bot. */
    card(days: number, managementUnitIds: string[]): Promise<AdaptiveCardJson>;
    /** `GET /api/reports/drift` (off without `REPORT_API_TOKEN`). */
    routes: RouteRegistrar;
    /** Trims the episode log to the retention period; started and stopped with the app. */
    retention: RetentionJob;
}

/**
 * The drift report over the agent store's episode log, with agent names from the Genesys user directory when there is
 * one: its Teams card, its HTTP route and the log retention job.
 */
export function createReportPart(
    config: AnalyticsConfig,
    deps: { agentStore: AgentStateStore; users: UserDirectory | undefined },
    ctx: AppContext
): ReportPart {
    const { clock, logger } = ctx;
    const users = deps.users;
    const reports = createDriftReportService({
        store: deps.agentStore,
        clock,
        timeZoneOf: timeZoneOfConfig(config),
        retentionDays: config.retentionDays,
        topAgents: config.topAgents,
        ...(users ? { namesOf: async (ids: string[]) => namesFrom(await users.get(ids)) } : {}),
        cacheMs: config.cacheMs
    });
    const limits = { defaultDays: config.defaultDays, maxDays: config.maxDays };
    const token = config.reportApiToken?.reveal();
    const retention = createRetentionJob({
        store: deps.agentStore,
        clock,
        retentionDays: config.retentionDays,
        intervalMs: config.trimIntervalMs,
        onTrimmed: ({ trimmed }) =>
            trimmed > 0 && logger.info({ trimmed }, 'episode log trimmed to the retention period'),
        onError: (err) => logger.warn({ err: String(err) }, 'episode log trim failed; retrying at the next interval')
    });
    const card = createReportCardProvider({ reports, limits });
    return {
        card: (days, units) => card(days, units) as Promise<AdaptiveCardJson>,
        routes: (server) => void registerReportRoutes(server, { token, reports, limits, logger }),
        retention
    };
}

/** Display names out of the Genesys user directory's answer. */
function namesFrom(users: ReadonlyMap<string, { name: string }>): Map<string, string> {
    return new Map([...users].map(([id, user]) => [id, user.name]));
}
