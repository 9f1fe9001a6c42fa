import { isOpen } from './agentState';
import { logEntry, notify, updateAlert } from './effects';
import { commit, refused, reopen, unchanged } from './records';
import { openEpisode } from './actionTransitions';
import type {
    AgentRecord,
    Effect,
    Episode,
    Explanation,
    ExplanationOutcome,
    ExplanationResult,
    TransitionResult
} from './types';

/** What the agent gave on the nudge card. */
export interface ExplanationInput {
    reason: string;
    note?: string;
    backInMinutes?: number;
}

/**
 * The agent explains the episode from the nudge (once per episode): logged `explained` with the reason, written to
 * Genesys through the outbox (`explanation-add`), shown on the alert card (updated in place when it is already out,
 * else carried by the alert when it goes at its normal time). The ladder keeps running until a supervisor approves.
 */
export function explain(
    record: AgentRecord | undefined,
    episodeId: string,
    input: ExplanationInput,
    now: number
): TransitionResult {
    const state = openEpisode(record, episodeId);
    if (typeof state === 'string') return refused(record, state);
    if (state.explanation) return refused(record, 'already-explained');
    const explanation: Explanation = { reason: input.reason, at: now, genesys: { status: 'sending' } };
    if (input.note) explanation.note = input.note;
    if (input.backInMinutes !== undefined) explanation.backInMinutes = input.backInMinutes;
    const next = reopen(state, { explanation });
    const { episode } = state;
    const effects: Effect[] = [
        logEntry('explained', episode, now, { explanationReason: input.reason }),
        notify({ kind: 'explanation-add', key: `${episode.id}:explanation`, episode, at: now, explanation })
    ];
    updateAlert(effects, next, now, 'explained', 'explained');
    return commit(record, record!, next, effects);
}

/**
 * Genesys answered the explanation's write: recorded (its id kept; a decision already taken is written now), or not
 * (the agent is told plainly, the card says so). An answer for an episode that has ended still tells the agent of a
 * failure; a repeated answer changes nothing.
 */
export function recorded(
    record: AgentRecord | undefined,
    episode: Episode,
    result: ExplanationResult,
    now: number
): TransitionResult {
    if (!record) return unchanged(record);
    const state = record.state;
    if (!isOpen(state) || state.episode.id !== episode.id || !state.explanation) {
        if (result.ok) return unchanged(record);
        // The episode ended before Genesys answered: the agent still hears that it was not recorded.
        const gone: Explanation = { reason: '', at: now, genesys: { status: 'failed', error: result.error } };
        return commit(record, record, state, [
            logEntry('explanation-recorded', episode, now, { error: result.error }),
            noteOf(episode, now, 'explanation-failed', gone)
        ]);
    }
    const current = state.explanation;
    if (current.genesys.status !== 'sending') return unchanged(record);
    const explanation: Explanation = {
        ...current,
        genesys: result.ok
            ? { status: 'recorded', id: result.explanationId }
            : { status: 'failed', error: result.error }
    };
    const next = reopen(state, { explanation });
    const effects: Effect[] = [
        logEntry('explanation-recorded', state.episode, now, result.ok ? {} : { error: result.error })
    ];
    if (!result.ok) effects.push(noteOf(state.episode, now, 'explanation-failed', explanation));
    else if (explanation.decision) effects.push(decideWrite(state.episode, now, result.explanationId, explanation));
    updateAlert(effects, next, now, 'explanation-recorded', 'explanation-recorded');
    return commit(record, record, next, effects);
}

/**
 * A supervisor approves or denies the explanation (once; the same supervisor again changes nothing): logged
 * `explanation-decided` with the reason and outcome, written to Genesys when it has the explanation's id (else when
 * the id arrives), every alert card updated, the agent told kindly, any escalation still due dropped. Approved ends the ladder; denied leaves it running.
 */
export function decide(
    record: AgentRecord | undefined,
    episodeId: string,
    outcome: ExplanationOutcome,
    by: string,
    now: number
): TransitionResult {
    const state = openEpisode(record, episodeId);
    if (typeof state === 'string') return refused(record, state);
    const current = state.explanation;
    if (!current) return refused(record, 'no-explanation');
    if (current.decision)
        return current.decision.outcome === outcome && current.decision.by === by
            ? unchanged(record)
            : refused(record, 'already-decided');
    const explanation: Explanation = { ...current, decision: { outcome, by, at: now } };
    const approved = outcome === 'Approved';
    // Deciding is acting on the alert: any escalation still to come is dropped (approved also ends the ladder).
    const next = reopen(
        state,
        approved
            ? { explanation, pending: undefined, realertAt: undefined, escalation: undefined }
            : { explanation, escalation: undefined }
    );
    const { episode } = state;
    const effects: Effect[] = [
        logEntry('explanation-decided', episode, now, { explanationReason: current.reason, outcome, by }),
        noteOf(episode, now, approved ? 'explanation-approved' : 'explanation-denied', explanation)
    ];
    if (current.genesys.status === 'recorded') effects.push(decideWrite(episode, now, current.genesys.id, explanation));
    updateAlert(effects, next, now, 'explanation-decided', 'explanation-decided', { by });
    return commit(record, record!, next, effects);
}

function decideWrite(episode: Episode, at: number, explanationId: string, explanation: Explanation): Effect {
    const outcome = explanation.decision!.outcome;
    return notify({ kind: 'explanation-decide', key: `${episode.id}:decision`, episode, at, explanationId, outcome });
}

function noteOf(
    episode: Episode,
    at: number,
    note: 'explanation-failed' | 'explanation-approved' | 'explanation-denied',
    explanation: Explanation
): Effect {
    return notify({ kind: 'agent-note', key: `${episode.id}:${note}`, episode, at, note, explanation });
}
