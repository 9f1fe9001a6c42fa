import { INTERACTING_ROUTING_STATUSES } from './types';
import type { AgentState, Episode, Observation, OpenEpisodeState, Policy, Thresholds } from './types';

/** States that open or continue an episode; every other adherence state ends it. */
export function isDrifting(observation: Observation): boolean {
    return observation.adherenceState === 'OutOfAdherence';
}

/** The observed agent is on an interaction (its `routingStatus`). */
export function isInteracting(observation: Observation): boolean {
    return observation.routingStatus !== undefined && INTERACTING_ROUTING_STATUSES.has(observation.routingStatus);
}

/** An approved explanation ends the episode's ladder: no nudge, alert, re-alert or formal exception is due any more. */
export function ladderEnded(state: OpenEpisodeState): boolean {
    return state.explanation?.decision?.outcome === 'Approved';
}

/** Whether the agent has an open episode (drifting, or past its formal exception). */
export function isOpen(state: AgentState): state is OpenEpisodeState {
    return state.status !== 'adherent';
}

/** Thresholds for an episode: the activity-code override, else the category override, over the defaults. */
export function thresholdsFor(
    episode: Pick<Episode, 'scheduledActivityCodeId' | 'scheduledCategory'>,
    policy: Policy
): Thresholds {
    const byCode = episode.scheduledActivityCodeId ? policy.overrides[episode.scheduledActivityCodeId] : undefined;
    const byCategory = episode.scheduledCategory ? policy.overrides[episode.scheduledCategory] : undefined;
    if (!byCode && !byCategory) return policy.thresholds;
    return { ...policy.thresholds, ...byCategory, ...byCode };
}

/**
 * The absolute time (epoch ms) of the next thing due for this state: the earliest of its pending stage (unless held
 * while the agent is on an interaction), its formal exception, a snoozed re-alert and an escalation; `null` when
 * nothing is (also once an explanation is approved).
 */
export function dueAtOf(state: AgentState): number | null {
    if (state.status === 'adherent') return null;
    if (state.explanation !== undefined && ladderEnded(state)) return null;
    let due = state.status === 'drifting' ? state.exceptionDueAt : Number.POSITIVE_INFINITY;
    if (state.pending && state.pending.held === undefined && state.pending.dueAt < due) due = state.pending.dueAt;
    if (state.realertAt !== undefined && state.realertAt < due) due = state.realertAt;
    if (state.escalation !== undefined && state.escalation.dueAt < due) due = state.escalation.dueAt;
    return Number.isFinite(due) ? due : null;
}
