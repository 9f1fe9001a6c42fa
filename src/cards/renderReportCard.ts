import * as ACData from 'adaptivecards-templating';
import type { DriftReport } from '../analytics/driftReport';
import {
    SUPPRESS_REASON_LABELS,
    chartHourLabel,
    formatChange,
    formatDuration,
    formatEscalations,
    formatExplanationOutcomes,
    formatExplanations,
    formatTimeToDecision,
    formatMinutes,
    formatRate,
    hourLabel,
    peakHours
} from '../analytics/formatReport';
import { activityLabel } from '../domain/adherence/activityLabels';
import type { SuppressReason } from '../domain/adherence/types';
import { plainText } from './renderCard';
import template from './report.json';

/** The data bound into `report.json`. */
export interface ReportCardData {
    title: string;
    subtitle: string;
    empty: boolean;
    /** Shown under the headline figures when not empty (e.g. partial previous period). */
    note: string;
    headline: Array<{ title: string; value: string }>;
    hourChartTitle: string;
    /** 24 bars, `x` = local hour `0`–`23`, `y` = drift minutes. */
    hourChart: Array<{ x: string; y: number }>;
    /** Chart fallback: the busiest hours. */
    peakFacts: Array<{ title: string; value: string }>;
    /** `x` = the activity's display name (`On queue`, not `OnQueueWork`). */
    activityChart: Array<{ x: string; y: number }>;
    activities: Array<{ category: string; episodes: string; minutes: string }>;
    agents: Array<{ name: string; episodes: string; minutes: string; exceptions: string }>;
    suppressed: Array<{ title: string; value: string }>;
    /** Per reason the agents chose: `3: 1 approved, 1 denied, 1 undecided`. */
    explanations: Array<{ title: string; value: string }>;
}

export interface ReportCardOptions {
    /** Zone of the period dates in the subtitle. @default the report's single zone, else UTC */
    timeZone?: string;
    /** Locale of the period dates. @default 'en-GB' */
    locale?: string;
}

function dateLabel(at: number, timeZone: string, locale: string): string {
    return new Intl.DateTimeFormat(locale, {
        timeZone,
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23'
    }).format(at);
}

/** The typed view of a report that the card template binds. Exposed for tests and other renderers. */
export function reportCardData(report: DriftReport, options: ReportCardOptions = {}): ReportCardData {
    const t = report.totals;
    const c = report.change;
    const zone = options.timeZone ?? (report.timeZones.length === 1 ? report.timeZones[0] : 'UTC');
    const locale = options.locale ?? 'en-GB';
    const scope = [
        report.filter.managementUnitId === undefined ? undefined : `unit ${report.filter.managementUnitId}`,
        report.filter.managementUnitIds === undefined
            ? undefined
            : `${report.filter.managementUnitIds.length === 1 ? 'unit' : 'units'} ${report.filter.managementUnitIds.join(', ')}`,
        report.filter.teamId === undefined ? undefined : `team ${report.filter.teamId}`
    ].filter((x): x is string => x !== undefined);
    const days = report.period.days;
    const vs = (text: string) => (text === 'no previous figure' || text === '–' ? '' : ` · ${text}`);
    const suppressed = (Object.keys(SUPPRESS_REASON_LABELS) as SuppressReason[])
        .filter((r) => t.suppressed[r] > 0)
        .map((r) => ({ title: SUPPRESS_REASON_LABELS[r], value: String(t.suppressed[r]) }));
    return {
        title: `Drift report: last ${days} ${days === 1 ? 'day' : 'days'}`,
        subtitle:
            `${dateLabel(report.period.fromAt, zone, locale)} to ${dateLabel(report.period.toAt, zone, locale)} (${zone})` +
            (scope.length > 0 ? ` · ${plainText(scope.join(', '))}` : '') +
            ' · changes against the previous period',
        empty: t.episodes === 0,
        note: report.previousPeriod.complete
            ? ''
            : 'The previous period is partly older than the log retention: its figures are partial.',
        headline: [
            { title: 'Episodes', value: `${t.episodes} (${t.openEpisodes} open)${vs(formatChange(c.episodes))}` },
            { title: 'Agents drifting', value: `${t.agents}${vs(formatChange(c.agents))}` },
            {
                title: 'Drift',
                value: `${formatMinutes(t.driftMinutes)}${vs(formatChange(c.driftMinutes, formatMinutes))}`
            },
            {
                title: 'Nudge self-correction',
                value: `${formatRate(t.selfCorrectionRate)} (${t.selfCorrected} of ${t.nudgeOutcomes})${vs(
                    formatChange(c.selfCorrectionRate, (v) => `${Math.round(v * 100)} pts`)
                )}`
            },
            {
                title: 'Time to acknowledge',
                value: `median ${formatDuration(t.ackMedianMs)}, p90 ${formatDuration(t.ackP90Ms)} (${t.acknowledged} of ${t.alertsSent} alerts)`
            },
            { title: 'Escalated', value: formatEscalations(t) },
            { title: 'Explanations', value: formatExplanations(t) },
            { title: 'Time to decision', value: formatTimeToDecision(t) },
            { title: 'Formal exceptions', value: `${t.exceptions}${vs(formatChange(c.exceptions))}` },
            { title: 'Suppressed', value: `${t.suppressedTotal}${vs(formatChange(c.suppressedTotal))}` }
        ],
        hourChartTitle: `Drift minutes by local hour (${report.timeZones.join(', ') || zone})`,
        hourChart: report.byHour.map((h) => ({ x: chartHourLabel(h.hour), y: h.driftMinutes })),
        peakFacts: peakHours(report, 5).map((h) => ({
            title: hourLabel(h.hour),
            value: `${formatMinutes(h.driftMinutes)}, ${h.episodes} started`
        })),
        activityChart: report.byActivity.map((a) => ({ x: activityLabel(a.category), y: a.driftMinutes })),
        activities: report.byActivity.map((a) => ({
            category: plainText(activityLabel(a.category)),
            episodes: String(a.episodes),
            minutes: formatMinutes(a.driftMinutes)
        })),
        agents: report.topAgents.map((a) => ({
            name: plainText(a.known ? a.name : `${a.userId} (unknown agent)`),
            episodes: String(a.episodes),
            minutes: formatMinutes(a.driftMinutes),
            exceptions: String(a.exceptions)
        })),
        suppressed,
        explanations: t.explanationsByReason.map((r) => ({
            title: plainText(r.reason),
            value: formatExplanationOutcomes(r)
        }))
    };
}

/** Adaptive Card attachment content type. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * The drift report as an Adaptive Card (schema 1.5): headline facts, Teams bar charts for peak hours and
 * per-activity drift (each with a FactSet/Table fallback for clients without charts), top agents as a table.
 */
export function renderReportCard(report: DriftReport, options: ReportCardOptions = {}): Record<string, unknown> {
    const card = new ACData.Template(template).expand({ $root: reportCardData(report, options) }) as Record<
        string,
        unknown
    >;
    return card;
}

/** The card wrapped as a Bot Framework attachment. */
export function reportCardAttachment(
    report: DriftReport,
    options: ReportCardOptions = {}
): { contentType: string; content: Record<string, unknown> } {
    return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: renderReportCard(report, options) };
}
