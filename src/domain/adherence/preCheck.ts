import type { AgentRecord, Coverage, Episode, Policy, SuppressReason } from './types';

/** Why a nudge or alert due now must wait, and until when (epoch ms). */
export interface Deferral {
    until: number;
    reason: SuppressReason;
}

/**
 * The pre-check's first half: a snooze, a supervisor-approved overtime or a schedule exception covering `now` defers a
 * nudge or alert to when it ends; `undefined` when nothing does. The formal exception is never deferred.
 */
export function deferral(record: AgentRecord, coverage: Coverage, now: number): Deferral | undefined {
    if (record.snooze && record.snooze.until > now) return { until: record.snooze.until, reason: 'snoozed' };
    if (record.approval && record.approval.until > now)
        return { until: record.approval.until, reason: 'approved-overtime' };
    if (coverage.covered === true && coverage.until > now) return { until: coverage.until, reason: coverage.reason };
    return undefined;
}

/**
 * The pre-check's second half: an excluded scheduled category or a `Positive` impact (when so configured) skips the
 * episode's nudge and alert for good; `undefined` when they may go out.
 */
export function skipReason(episode: Episode, policy: Policy): SuppressReason | undefined {
    if (episode.scheduledCategory && policy.excludedCategories.has(episode.scheduledCategory)) return 'excluded';
    if (policy.suppressPositiveImpact && episode.impact === 'Positive') return 'positive-impact';
    return undefined;
}
