import { acknowledge, agentAck, approve, snooze } from './actionTransitions';
import { deadline } from './deadlineTransitions';
import { decide, explain, recorded } from './explanationTransitions';
import { dampened, observe } from './observeTransitions';
import type { AgentRecord, EngineEvent, Policy, TransitionResult } from './types';

export { MAX_CLOCK_SKEW_MS } from './observeTransitions';

/**
 * The drift engine's pure core: one agent's record, one event, the time (epoch ms), the policy → the next record and
 * the effects the shell must carry out. It never performs an effect, reads a clock or waits on anything.
 *
 * Invariants (each covered by tests, several by property tests):
 * - an episode's start `t0` never moves; a stale observation (older than the newest applied) changes nothing;
 * - nudge, alert and formal exception happen at most once per episode (a snoozed alert may *re*-alert once per snooze);
 * - no nudge or alert while the agent is snoozed, approved, covered by a schedule exception or excluded, nor (by
 *   default) while on an interaction; the formal exception is never deferred;
 * - an approved explanation ends the episode's ladder; a denied one leaves it running;
 * - a change returns a new record one version higher; no change returns the very same record.
 */
export function transition(
    record: AgentRecord | undefined,
    event: EngineEvent,
    now: number,
    policy: Policy
): TransitionResult {
    switch (event.type) {
        case 'AdherenceObserved':
            return observe(record, event.observation, now, policy);
        case 'ObservationDampened':
            return dampened(record, event.observation, now);
        case 'DeadlineReached':
            return deadline(record, event.coverage, now, policy, event.alertWindow, event.escalationLevels);
        case 'AlertAcknowledged':
            return acknowledge(record, event.episodeId, event.by, now);
        case 'AlertSnoozed':
            return snooze(record, event.episodeId, event.until, event.by, now);
        case 'OvertimeApproved':
            return approve(record, event.until, event.by, now, event.episodeId);
        case 'NudgeAcknowledged':
            return agentAck(record, event.episodeId, now);
        case 'AdherenceExplained':
            return explain(record, event.episodeId, event, now);
        case 'ExplanationRecorded':
            return recorded(record, event.episode, event.result, now);
        case 'ExplanationDecided':
            return decide(record, event.episodeId, event.outcome, event.by, now);
    }
}
