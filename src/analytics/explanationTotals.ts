import type { ExplanationsOfReason, PeriodTotals } from './driftReport';
import type { StartedEpisode } from './episodeFacts';
import { median, percentile } from './stats';

/** The explanation figures of one period's episodes: per reason with outcomes, and the time to decision. */
export function explanationTotals(
    episodes: readonly StartedEpisode[]
): Pick<PeriodTotals, 'explanations' | 'explanationsByReason' | 'decided' | 'decisionMedianMs' | 'decisionP90Ms'> {
    const byReason = new Map<string, ExplanationsOfReason>();
    const decisionTimes: number[] = [];
    let explanations = 0;
    for (const ep of episodes) {
        if (ep.explainedAt === undefined && ep.outcome === undefined) continue;
        explanations++;
        const reason = ep.explanationReason ?? 'Unknown';
        let row = byReason.get(reason);
        if (row === undefined) {
            row = { reason, explanations: 0, approved: 0, denied: 0, undecided: 0, notRecorded: 0 };
            byReason.set(reason, row);
        }
        row.explanations++;
        if (ep.outcome === 'Approved') row.approved++;
        else if (ep.outcome === 'Denied') row.denied++;
        else row.undecided++;
        if (ep.explanationNotRecorded) row.notRecorded++;
        if (ep.decidedAt !== undefined && ep.explainedAt !== undefined) {
            decisionTimes.push(Math.max(0, ep.decidedAt - ep.explainedAt));
        }
    }
    decisionTimes.sort((a, b) => a - b);
    const rows = [...byReason.values()].sort(
        (a, b) => b.explanations - a.explanations || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0)
    );
    return {
        explanations,
        explanationsByReason: rows,
        decided: rows.reduce((n, r) => n + r.approved + r.denied, 0),
        decisionMedianMs: median(decisionTimes),
        decisionP90Ms: percentile(decisionTimes, 90)
    };
}
