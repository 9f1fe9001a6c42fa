import { isOpen, ladderEnded, thresholdsFor } from './agentState';
import { logEntry, notify, updateAlert } from './effects';
import { deferral, skipReason, type Deferral } from './preCheck';
import { commit, fieldsOf, openState, reopen, unchanged } from './records';
import type {
    AgentRecord,
    AlertWindow,
    Coverage,
    Effect,
    Notification,
    OpenEpisodeState,
    PendingStage,
    Policy,
    StageOutcome,
    TransitionResult
} from './types';

const OPEN: AlertWindow = { open: true };

/**
 * The agent's deadline passed: everything due by `now` happens, earliest first (after a restart several stages may be
 * overdue at once): the pending nudge or alert (through the pre-check and, for the alert, the on-shift `window`), the
 * formal exception, a snoozed re-alert, the alert's escalation (`escalationLevels`: how many levels of the unit have
 * somebody to go to; a sent alert arms level 1 when there is one).
 */
export function deadline(
    record: AgentRecord | undefined,
    coverage: Coverage,
    now: number,
    policy: Policy,
    window: AlertWindow = OPEN,
    escalationLevels?: number
): TransitionResult {
    if (!record || !isOpen(record.state) || ladderEnded(record.state)) return unchanged(record);
    let state: OpenEpisodeState = record.state;
    const effects: Effect[] = [];
    const levels = Math.min(policy.escalation?.levels ?? 0, escalationLevels ?? 0);
    for (let guard = 0; guard < 8; guard++) {
        const exceptionDue = state.status === 'drifting' ? state.exceptionDueAt : Number.POSITIVE_INFINITY;
        const pendingDue =
            state.pending && state.pending.held === undefined ? state.pending.dueAt : Number.POSITIVE_INFINITY;
        const realertDue = state.realertAt ?? Number.POSITIVE_INFINITY;
        const escalationDue = state.escalation?.dueAt ?? Number.POSITIVE_INFINITY;
        const first = Math.min(exceptionDue, pendingDue, realertDue, escalationDue);
        if (first > now) break;
        if (first === pendingDue && state.pending && state.pending.held === undefined) {
            state = stage(record, state, state.pending, { coverage, window }, now, policy, effects);
            if (state.alert?.sent && state.alert.at === now && levels >= 1)
                state = reopen(state, { escalation: { level: 1, dueAt: now + policy.escalation!.afterMs } });
        } else if (first === exceptionDue && state.status === 'drifting') {
            state = exception(state, now, effects);
        } else if (first === realertDue) {
            state = realert(record, state, coverage, now, effects);
        } else {
            state = escalate(state, levels, policy, now, effects);
        }
    }
    if (state === record.state) return unchanged(record);
    return commit(record, record, state, effects);
}

/**
 * The pending nudge or alert: deferred or skipped by the pre-check, else sent; the nudge makes the alert pending. An
 * alert that would go out while no channel is on shift is held until one is (`outside-hours`).
 */
function stage(
    record: AgentRecord,
    state: OpenEpisodeState,
    pending: PendingStage,
    checks: { coverage: Coverage; window: AlertWindow },
    now: number,
    policy: Policy,
    effects: Effect[]
): OpenEpisodeState {
    const { episode } = state;
    const defer = deferral(record, checks.coverage, now) ?? offShift(pending, checks.window, episode, policy, now);
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

/**
 * Nobody acknowledged, snoozed or decided the alert in time: it goes to the escalation target of its level (once per
 * level), the alert card says so, and the next level is due `afterMs` later while there is one with a target.
 */
function escalate(
    state: OpenEpisodeState,
    levels: number,
    policy: Policy,
    now: number,
    effects: Effect[]
): OpenEpisodeState {
    const { episode } = state;
    const level = state.escalation!.level;
    if (level > levels || state.ack) return reopen(state, { escalation: undefined });
    effects.push(logEntry('escalate', episode, now, { level }));
    effects.push(notify({ kind: 'escalation', key: `${episode.id}:escalate:${level}`, episode, at: now, level }));
    updateAlert(effects, state, now, `escalated:${level}`, 'escalated', { level });
    const next = level + 1 <= levels ? { level: level + 1, dueAt: now + policy.escalation!.afterMs } : undefined;
    return reopen(state, { escalation: next });
}

/** An alert (not skipped for good) due while no channel is on shift: held until one opens. */
function offShift(
    pending: PendingStage,
    window: AlertWindow,
    episode: OpenEpisodeState['episode'],
    policy: Policy,
    now: number
): Deferral | undefined {
    if (pending.stage !== 'alert' || window.open || window.opensAt <= now || skipReason(episode, policy))
        return undefined;
    return { until: window.opensAt, reason: 'outside-hours' };
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
