import type { Clock } from '../domain/clock';
import type { AgentStateStore } from '../engine/ports';
import { AnalyticsError } from './AnalyticsError';
import type { DriftReport } from './computeDriftReport';
import { computeDriftReport } from './computeDriftReport';
import type { ReportQuery } from './reportQuery';

const DAY_MS = 86_400_000;

export interface DriftReportServiceDeps {
    store: Pick<AgentStateStore, 'readLog'>;
    clock: Pick<Clock, 'now'>;
    timeZoneOf: (managementUnitId: string) => string;
    nameOf?: (userId: string) => string | undefined;
    /** Log retention, days: marks previous periods older than that as partial. */
    retentionDays?: number;
    /** @default 10 */
    topAgents?: number;
}

export interface DriftReportService {
    /** The report of the `days` ending now (and the same length before, for comparison). */
    report(query: ReportQuery): Promise<DriftReport>;
}

/** Reads the episode log of the current and previous period once, then computes the report (pure). */
export function createDriftReportService(deps: DriftReportServiceDeps): DriftReportService {
    return {
        async report(query) {
            const toAt = deps.clock.now();
            const fromAt = toAt - query.days * DAY_MS;
            const previousFromAt = fromAt - query.days * DAY_MS;
            let entries;
            try {
                entries = await deps.store.readLog({
                    fromAt: previousFromAt,
                    toAt,
                    ...(query.managementUnitId === undefined ? {} : { managementUnitId: query.managementUnitId })
                });
            } catch (err) {
                throw new AnalyticsError('REPORT_STORE_FAILED', 'Could not read the episode log from the store', {
                    retryable: true,
                    cause: err
                });
            }
            return computeDriftReport({
                entries,
                current: { fromAt, toAt },
                previous: { fromAt: previousFromAt, toAt: fromAt },
                ...(query.managementUnitId === undefined ? {} : { managementUnitId: query.managementUnitId }),
                ...(query.teamId === undefined ? {} : { teamId: query.teamId }),
                timeZoneOf: deps.timeZoneOf,
                ...(deps.nameOf === undefined ? {} : { nameOf: deps.nameOf }),
                ...(deps.topAgents === undefined ? {} : { topAgents: deps.topAgents }),
                ...(deps.retentionDays === undefined ? {} : { retainedFromAt: toAt - deps.retentionDays * DAY_MS })
            });
        }
    };
}
