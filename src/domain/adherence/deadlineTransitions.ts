import { isOpen, ladderEnded, thresholdsFor } from './agentState';
import { logEntry, notify, updateAlert } from './effects';
import { deferral, skipReason } from './preCheck';
import { commit, fieldsOf, openState, reopen, unchanged } from './records';
import type {
    AgentRecord,
    Coverage,
    Effect,
    Notification,
    OpenEpisodeState,
    PendingStage,
    Policy,
    StageOutcome,
    TransitionResult
} from './types';

/**
 * The agent's deadline passed: everything due by `now` happens, earliest first (after a restart several stages may be
 * overdue at once): the pending nudge or alert (through the pre-check), the formal exception, a snoozed re-alert.
 */
export function deadline(
    record: AgentRecord | undefined,
    coverage: Coverage,
    now: number,
    policy: Policy
): TransitionResult {
    if (!record || !isOpen(record.state) || ladderEnded(record.state)) return unchanged(record);
    let state: OpenEpisodeState = record.state;
    const effects: Effect[] = [];
    for (let guard = 0; guard < 8; guard++) {
        const exceptionDue = state.status === 'drifting' ? state.exceptionDueAt : Number.POSITIVE_INFINITY;
        const pendingDue =
            state.pending && state.pending.held === undefined ? state.pending.dueAt : Number.POSITIVE_INFINITY;
        const realertDue = state.realertAt ?? Number.POSITIVE_INFINITY;
        const first = Math.min(exceptionDue, pendingDue, realertDue);
        if (first > now) break;
        if (first === pendingDue && state.pending && state.pending.held === undefined) {
            state = stage(record, state, state.pending, coverage, now, policy, effects);
        } else if (first === exceptionDue && state.status === 'drifting') {
            state = exception(state, now, effects);
        } else {
            state = realert(record, state, coverage, now, effects);
        }
    }
    if (state === record.state) return unchanged(record);
    return commit(record, record, state, effects);
}

/** The pending nudge or alert: deferred or skipped by the pre-check, else sent; the nudge makes the alert pending. */
function stage(
    record: AgentRecord,
    state: OpenEpisodeState,
    pending: PendingStage,
    coverage: Coverage,
    now: number,
    policy: Policy,
    effects: Effect[]
): OpenEpisodeState {
    const { episode } = state;
    const defer = deferral(record, coverage, now);
    if (defer) {
        effects.push(
            logEntry('suppressed', episode, now, { stage: pending.stage, reason: defer.reason, until: defer.until })
        );
        return reopen(state, { pending: { stage: pending.stage, dueAt: defer.until } });
    }
    if (episode.interacting && policy.deferWhileInteracting !== false) {
        // With a customer: held until an observation shows the interaction ended (then due at once).
        effects.push(logEntry('suppressed', episode, now, { stage: pending.stage, reason: 'on-interaction' }));
        return reopen(state, { pending: { stage: pending.stage, dueAt: pending.dueAt, held: 'on-interaction' } });
    }
    const skip = skipReason(episode, policy);
    let outcome: StageOutcome;
    if (skip) {
        outcome = { at: now, sent: false, reason: skip };
        effects.push(logEntry('suppressed', episode, now, { stage: pending.stage, reason: skip }));
    } else {
        outcome = { at: now, sent: true };
        effects.push(logEntry(pending.stage, episode, now, { stage: pending.stage }));
        effects.push(
            notify(
                pending.stage === 'nudge'
                    ? { kind: 'nudge', key: `${episode.id}:nudge`, episode, at: now }
                    : alertOf(state, `${episode.id}:alert`, now, false)
            )
        );
    }
    if (pending.stage === 'alert') return reopen(state, { alert: outcome, pending: undefined });
    const alertDueAt = episode.startedAt + thresholdsFor(episode, policy).alertAfterMs;
    return reopen(state, { nudge: outcome, pending: { stage: 'alert', dueAt: alertDueAt } });
}

/** The formal exception: recorded, never deferred; a sent alert card says so. */
function exception(state: OpenEpisodeState, now: number, effects: Effect[]): OpenEpisodeState {
    const next = openState({ status: 'outOfAdherence', exceptionAt: now }, fieldsOf(state));
    effects.push(logEntry('exception', state.episode, now));
    updateAlert(effects, next, now, 'exception', 'exception');
    return next;
}

/**
 * A snoozed (or approved) alert's reminder: deferred again while a snooze, approval or schedule exception still
 * covers now; sent once if the alert went out and nobody acknowledged it.
 */
function realert(
    record: AgentRecord,
    state: OpenEpisodeState,
    coverage: Coverage,
    now: number,
    effects: Effect[]
): OpenEpisodeState {
    const { episode, realertAt } = state;
    const defer = deferral(record, coverage, now);
    const next = reopen(state, { realertAt: defer?.until });
    if (!defer && next.alert?.sent && !next.ack) {
        effects.push(logEntry('realert', episode, now, { stage: 'realert' }));
        effects.push(notify(alertOf(next, `${episode.id}:realert:${realertAt}`, now, true)));
    }
    return next;
}

/** The alert of an open episode, with the agent's explanation when there is one. */
function alertOf(state: OpenEpisodeState, key: string, at: number, reminder: boolean): Notification {
    const n: Notification = { kind: 'alert', key, episode: state.episode, at, reminder };
    if (state.explanation) n.explanation = state.explanation;
    return n;
}
