import { dueAtOf } from './agentState';
import type { AgentRecord, AgentState, Effect, OpenEpisodeState, RefusalReason, TransitionResult } from './types';

/** The one adherent state (it holds nothing). */
export const ADHERENT: AgentState = { status: 'adherent' };

/** Nothing changes: the very same record. */
export function unchanged(record: AgentRecord | undefined): TransitionResult {
    return { record, effects: [] };
}

/** An observation older than the newest applied one: nothing changes. */
export function stale(record: AgentRecord | undefined): TransitionResult {
    return { record, effects: [], ignored: 'stale' };
}

/** A supervisor or agent action that cannot apply: nothing changes, the shell answers with the reason. */
export function refused(record: AgentRecord | undefined, reason: RefusalReason): TransitionResult {
    return { record, effects: [{ type: 'CommandRefused', reason }] };
}

/** The fields of a record besides its version and state (a record will do). */
export type RecordBase = Omit<AgentRecord, 'version' | 'state'>;

/**
 * Build the next record, one version higher, and the effects every change carries: its deadline and persistence.
 *
 * The record is built field by field: as `{ ...base, version, state }` (keys `base` may lack), V8 on Node 20 gives
 * each record a hidden class of its own, about 240 bytes more per agent (`npm run bench -- engine`, heap per agent).
 */
export function commit(
    previous: AgentRecord | undefined,
    base: RecordBase,
    state: AgentState,
    effects: Effect[]
): TransitionResult {
    const record: AgentRecord = {
        userId: base.userId,
        version: (previous?.version ?? 0) + 1,
        lastChangeAt: base.lastChangeAt,
        managementUnitId: base.managementUnitId,
        state
    };
    if (base.snooze !== undefined) record.snooze = base.snooze;
    if (base.approval !== undefined) record.approval = base.approval;
    const before = previous ? dueAtOf(previous.state) : null;
    const after = dueAtOf(record.state);
    if (after !== null && after !== before) effects.push({ type: 'ArmDeadline', userId: record.userId, dueAt: after });
    if (after === null && before !== null) effects.push({ type: 'CancelDeadline', userId: record.userId });
    effects.push({ type: 'PersistState', record });
    return { record, effects };
}

/** What an open state may hold besides its status and exception time (`undefined`: absent). */
export type OpenFields = Pick<
    OpenEpisodeState,
    'episode' | 'pending' | 'nudge' | 'alert' | 'ack' | 'agentAckAt' | 'realertAt' | 'escalation' | 'explanation'
>;

export function fieldsOf(state: OpenEpisodeState): OpenFields {
    const { episode, pending, nudge, alert, ack, agentAckAt, realertAt, escalation, explanation } = state;
    return { episode, pending, nudge, alert, ack, agentAckAt, realertAt, escalation, explanation };
}

/**
 * An open state with these fields, absent ones left out. Built in one key order like the record (see {@link commit}):
 * as `{ ...state, nudge }` each state past its nudge would get a hidden class of its own.
 */
export function openState(
    exception: { status: 'drifting'; exceptionDueAt: number } | { status: 'outOfAdherence'; exceptionAt: number },
    f: OpenFields
): OpenEpisodeState {
    const state: OpenEpisodeState =
        exception.status === 'drifting'
            ? { status: 'drifting', episode: f.episode, exceptionDueAt: exception.exceptionDueAt }
            : { status: 'outOfAdherence', episode: f.episode, exceptionAt: exception.exceptionAt };
    if (f.pending !== undefined) state.pending = f.pending;
    if (f.nudge !== undefined) state.nudge = f.nudge;
    if (f.alert !== undefined) state.alert = f.alert;
    if (f.ack !== undefined) state.ack = f.ack;
    if (f.agentAckAt !== undefined) state.agentAckAt = f.agentAckAt;
    if (f.realertAt !== undefined) state.realertAt = f.realertAt;
    if (f.escalation !== undefined) state.escalation = f.escalation;
    if (f.explanation !== undefined) state.explanation = f.explanation;
    return state;
}

/** The same open state (status, exception time) with some fields changed; a field set to `undefined` is removed. */
export function reopen(state: OpenEpisodeState, changes: Partial<OpenFields>): OpenEpisodeState {
    return openState(state, Object.assign(fieldsOf(state), changes));
}
