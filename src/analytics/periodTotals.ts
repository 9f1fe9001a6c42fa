import type { SuppressReason } from '../domain/adherence/types';
import { SUPPRESS_REASONS } from '../domain/adherence/types';
import { CHANGE_KEYS, roundMinutes, type Change, type ChangeKey, type PeriodTotals } from './driftReport';
import { driftMs, type StartedEpisode } from './episodeFacts';
import { explanationTotals } from './explanationTotals';
import { median, percentile } from './stats';

function emptySuppressed(): Record<SuppressReason, number> {
    const out = {} as Record<SuppressReason, number>;
    for (const reason of SUPPRESS_REASONS) out[reason] = 0;
    return out;
}

/**
 * The headline figures of one period: its episodes (open ones measured up to `asOf`) and the suppressions logged
 * outside any episode (`agent|at|stage|reason` keys).
 */
export function periodTotals(
    episodes: readonly StartedEpisode[],
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
    let escalated = 0;
    const byLevel = new Map<number, number>();
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
        if (ep.escalations !== undefined) {
            escalated++;
            for (const level of ep.escalations) byLevel.set(level, (byLevel.get(level) ?? 0) + 1);
        }
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
        suppressedTotal,
        escalated,
        escalationsByLevel: [...byLevel]
            .sort(([a], [b]) => a - b)
            .map(([level, escalations]) => ({ level, escalations })),
        ...explanationTotals(episodes)
    };
}

/** Each compared figure of the current period against the previous one. */
export function compareTotals(totals: PeriodTotals, previous: PeriodTotals): Record<ChangeKey, Change> {
    const change = {} as Record<ChangeKey, Change>;
    for (const key of CHANGE_KEYS) change[key] = changeOf(totals[key], previous[key]);
    return change;
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
