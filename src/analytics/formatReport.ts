import type { Change, DriftReport, ExplanationsOfReason, PeriodTotals } from './driftReport';
import { activityLabel } from '../domain/adherence/activityLabels';
import type { SuppressReason } from '../domain/adherence/types';

/** Human labels of suppression reasons, in display order. */
export const SUPPRESS_REASON_LABELS: Readonly<Record<SuppressReason, string>> = {
    excluded: 'Excluded activity',
    snoozed: 'Snoozed',
    'approved-overtime': 'Approved overtime',
    'schedule-exception': 'Schedule exception',
    'positive-impact': 'Positive impact',
    dampened: 'Schedule change (dampened)',
    acknowledged: 'Already acknowledged',
    'outside-hours': 'Outside on-shift hours (held)',
    'on-interaction': 'On an interaction'
};

/** `42 min`, `2 h 05 min`. */
export function formatMinutes(minutes: number): string {
    const whole = Math.round(minutes);
    if (whole < 60) return `${whole} min`;
    return `${Math.floor(whole / 60)} h ${String(whole % 60).padStart(2, '0')} min`;
}

/** A duration in ms as `45 s`, `3 min 20 s`, `1 h 02 min`; `–` when null. */
export function formatDuration(ms: number | null): string {
    if (ms === null) return '–';
    const seconds = Math.round(ms / 1000);
    if (seconds < 60) return `${seconds} s`;
    if (seconds < 3600) {
        const s = seconds % 60;
        return s === 0 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 60)} min ${s} s`;
    }
    return formatMinutes(seconds / 60);
}

/** A 0–1 rate as `25 %`; `–` when null. */
export function formatRate(rate: number | null): string {
    return rate === null ? '–' : `${Math.round(rate * 100)} %`;
}

/** The change against the previous period, e.g. `+4 (+133 %)`, `−0.25`, `new`, `no change`. */
export function formatChange(change: Change, format: (value: number) => string = String): string {
    if (change.delta === null) return change.current === null ? '–' : 'no previous figure';
    if (change.delta === 0) return 'no change';
    const sign = change.delta > 0 ? '+' : '−';
    const pct = change.deltaPct === null ? '' : ` (${sign}${Math.abs(Math.round(change.deltaPct))} %)`;
    return `${sign}${format(Math.abs(change.delta))}${pct}`;
}

const TWO = (n: number) => String(n).padStart(2, '0');

/** `3 of 12 alerts (level 1: 3, level 2: 1)`; `none` when no alert was escalated. */
export function formatEscalations(t: PeriodTotals): string {
    if (t.escalated === 0) return 'none';
    const levels = t.escalationsByLevel.map((l) => `level ${l.level}: ${l.escalations}`).join(', ');
    return `${t.escalated} of ${t.alertsSent} alerts (${levels})`;
}

/** `5 (3 decided)`; `none` when nobody explained. */
export function formatExplanations(t: PeriodTotals): string {
    return t.explanations === 0 ? 'none' : `${t.explanations} (${t.decided} decided)`;
}

/** `median 4 min, p90 10 min (3 decided)`; `–` when nothing was decided. */
export function formatTimeToDecision(t: PeriodTotals): string {
    if (t.decisionMedianMs === null) return '–';
    return `median ${formatDuration(t.decisionMedianMs)}, p90 ${formatDuration(t.decisionP90Ms)} (${t.decided} decided)`;
}

/** `3: 1 approved, 1 denied, 1 undecided, 1 not recorded by Genesys` (zero outcomes left out). */
export function formatExplanationOutcomes(row: ExplanationsOfReason): string {
    const parts = [
        row.approved > 0 ? `${row.approved} approved` : undefined,
        row.denied > 0 ? `${row.denied} denied` : undefined,
        row.undecided > 0 ? `${row.undecided} undecided` : undefined,
        row.notRecorded > 0 ? `${row.notRecorded} not recorded by Genesys` : undefined
    ].filter((x) => x !== undefined);
    return `${row.explanations}: ${parts.join(', ')}`;
}

/** `HH:00` label of a local hour. */
export function hourLabel(hour: number): string {
    return `${TWO(hour)}:00`;
}

/**
 * The label of a local hour on a chart's axis: the bare hour, `0` to `23`. Teams gives each of the 24 bars so little
 * room that `HH:00` is cut to `0.` / `1.`; the axis title says it is a local hour.
 */
export function chartHourLabel(hour: number): string {
    return String(hour);
}

/** The hours with the most drift minutes, most first (ties: earlier hour first), only hours with drift. */
export function peakHours(report: DriftReport, count: number): DriftReport['byHour'] {
    return report.byHour
        .filter((h) => h.driftMinutes > 0 || h.episodes > 0)
        .sort((a, b) => b.driftMinutes - a.driftMinutes || b.episodes - a.episodes || a.hour - b.hour)
        .slice(0, count);
}

/** Plain text of a report, for the terminal. `formatInstant` turns epoch ms into a readable date. */
export function formatReportText(report: DriftReport, formatInstant: (at: number) => string): string {
    const t = report.totals;
    const c = report.change;
    const lines: string[] = [];
    const filter = [
        report.filter.managementUnitId === undefined ? undefined : `unit ${report.filter.managementUnitId}`,
        report.filter.managementUnitIds === undefined
            ? undefined
            : `${report.filter.managementUnitIds.length === 1 ? 'unit' : 'units'} ${report.filter.managementUnitIds.join(', ')}`,
        report.filter.teamId === undefined ? undefined : `team ${report.filter.teamId}`
    ].filter((x) => x !== undefined);
    lines.push(`Drift report, ${report.period.days} days${filter.length > 0 ? ` (${filter.join(', ')})` : ''}`);
    lines.push(`${formatInstant(report.period.fromAt)} to ${formatInstant(report.period.toAt)}`);
    if (t.episodes === 0) lines.push('No drift episodes in this period.');
    lines.push('');
    const row = (label: string, value: string, change?: string) =>
        lines.push(`  ${label.padEnd(28)}${value.padEnd(16)}${change === undefined ? '' : `vs previous: ${change}`}`);
    row('Episodes', `${t.episodes} (${t.openEpisodes} open)`, formatChange(c.episodes));
    row('Agents drifting', String(t.agents), formatChange(c.agents));
    row('Drift', formatMinutes(t.driftMinutes), formatChange(c.driftMinutes, formatMinutes));
    row(
        'Nudge self-correction',
        `${formatRate(t.selfCorrectionRate)} (${t.selfCorrected}/${t.nudgeOutcomes})`,
        formatChange(c.selfCorrectionRate, (v) => `${Math.round(v * 100)} pts`)
    );
    row('Alerts', String(t.alertsSent));
    row('Acknowledge median', formatDuration(t.ackMedianMs), formatChange(c.ackMedianMs, formatDuration));
    row('Acknowledge p90', formatDuration(t.ackP90Ms));
    row('Unacknowledged alerts', String(t.unacknowledged));
    row('Escalated', formatEscalations(t));
    row('Explanations', formatExplanations(t));
    row('Time to decision', formatTimeToDecision(t));
    row('Formal exceptions', String(t.exceptions), formatChange(c.exceptions));
    row('Suppressed', String(t.suppressedTotal), formatChange(c.suppressedTotal));
    if (!report.previousPeriod.complete)
        lines.push('  (previous period partly outside log retention: its figures are partial)');

    if (report.topAgents.length > 0) {
        lines.push('', 'Top drifting agents');
        for (const a of report.topAgents) {
            lines.push(
                `  ${(a.known ? a.name : `${a.userId} (unknown)`).padEnd(36)}${String(a.episodes).padStart(5)} episodes  ${formatMinutes(a.driftMinutes).padStart(12)}  ${a.exceptions} exceptions`
            );
        }
    }
    if (report.byActivity.length > 0) {
        lines.push('', 'Drift by scheduled activity');
        for (const a of report.byActivity) {
            lines.push(
                `  ${activityLabel(a.category).padEnd(36)}${String(a.episodes).padStart(5)} episodes  ${formatMinutes(a.driftMinutes).padStart(12)}`
            );
        }
    }
    const peaks = peakHours(report, 5);
    if (peaks.length > 0) {
        lines.push('', `Peak drift hours (local time: ${report.timeZones.join(', ')})`);
        for (const h of peaks) {
            lines.push(
                `  ${hourLabel(h.hour).padEnd(36)}${String(h.episodes).padStart(5)} started   ${formatMinutes(h.driftMinutes).padStart(12)}`
            );
        }
    }
    if (t.explanationsByReason.length > 0) {
        lines.push('', 'Explanations by reason');
        for (const r of t.explanationsByReason) lines.push(`  ${r.reason.padEnd(36)}${formatExplanationOutcomes(r)}`);
    }
    if (t.suppressedTotal > 0) {
        lines.push('', 'Suppressed nudges and alerts');
        for (const [reason, label] of Object.entries(SUPPRESS_REASON_LABELS)) {
            const n = t.suppressed[reason as SuppressReason];
            if (n > 0) lines.push(`  ${label.padEnd(36)}${String(n).padStart(5)}`);
        }
    }
    return lines.join('\n');
}
