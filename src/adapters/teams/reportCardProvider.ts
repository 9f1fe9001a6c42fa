import { isAnalyticsError } from '../../analytics/AnalyticsError';
import type { DriftReportService } from '../../analytics/driftReportService';
import type { ReportLimits } from '../../analytics/reportQuery';
import { parseReportQuery } from '../../analytics/reportQuery';
import type { ReportCardOptions } from '../../cards/renderReportCard';
import { renderReportCard } from '../../cards/renderReportCard';

export interface ReportCardProviderDeps {
    reports: DriftReportService;
    limits: ReportLimits;
    cardOptions?: ReportCardOptions;
}

function noticeCard(title: string, text: string): Record<string, unknown> {
    return {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        body: [
            { type: 'TextBlock', text: title, size: 'Large', weight: 'Bolder', wrap: true },
            { type: 'TextBlock', text, wrap: true }
        ]
    };
}

/**
 * The `report [days]` hook of the Teams bot: `(days, managementUnitIds) => card`, units empty = all.
 * Never throws: a period outside the limits or an unavailable store becomes a short notice card.
 */
export function createReportCardProvider(
    deps: ReportCardProviderDeps
): (days: number, managementUnitIds: readonly string[]) => Promise<Record<string, unknown>> {
    return async (days, managementUnitIds) => {
        try {
            const query = parseReportQuery({ days: String(days) }, deps.limits);
            const report = await deps.reports.report({ ...query, managementUnitIds: [...managementUnitIds] });
            return renderReportCard(report, deps.cardOptions);
        } catch (err) {
            if (isAnalyticsError(err) && err.code === 'REPORT_QUERY_INVALID') {
                return noticeCard(
                    'Drift report',
                    `Usage: report [days], with days from 1 to ${deps.limits.maxDays} (default ${deps.limits.defaultDays}).`
                );
            }
            return noticeCard(
                'Drift report',
                'The drift report is unavailable right now. Please try again in a minute.'
            );
        }
    };
}
