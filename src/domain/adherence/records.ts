import { dueAtOf } from './agentState';
import { kept } from './episodes';
import type {
    Acknowledgement,
    AgentRecord,
    AgentState,
    Effect,
    Episode,
    Observation,
    OpenEpisodeState,
    PendingStage,
    RefusalReason,
    StageOutcome,
    TransitionResult
} from './types';

/** The one adherent state (it holds nothing). */
export const ADHERENT: AgentState = { status: 'adherent' };

/** The effects of a transition that changes nothing: one shared, frozen empty list (most events change nothing). */
const NO_EFFECTS = Object.freeze([]) as unknown as Effect[];

/** Nothing changes: the very same record. */
export function unchanged(record: AgentRecord | undefined): TransitionResult {
    return { record, effects: NO_EFFECTS };
}

/** An observation older than the newest applied one: nothing changes. */
export function stale(record: AgentRecord | undefined): TransitionResult {
    return { record, effects: NO_EFFECTS, ignored: 'stale' };
}

/** A supervisor or agent action that cannot apply: nothing changes, the shell answers with the reason. */
export function refused(record: AgentRecord | undefined, reason: RefusalReason): TransitionResult {
    return { record, effects: [{ type: 'CommandRefused', reason }] };
}

/** The fields of a record besides its version and state. */
export type RecordBase = Pick<AgentRecord, 'userId' | 'lastChangeAt' | 'managementUnitId' | 'snooze' | 'approval'>;

/**
 * Build the next record and the effects every change carries: persistence and the deadline.
 *
 * Records and states are built field by field in one key order, never as `{ ...record, key }`: on Node 20 a spread
 * followed by a key the source lacks takes V8's slow path (about 0.5 µs per object, measured), which made the spreads
 * most of a transition's cost; one key order also keeps property reads monomorphic.
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

/** The record's own fields with this snooze and approval (a supervisor's snooze or approved overtime). */
export function holding(
    record: AgentRecord,
    snooze: AgentRecord['snooze'],
    approval: AgentRecord['approval']
): RecordBase {
    return {
        userId: record.userId,
        lastChangeAt: record.lastChangeAt,
        managementUnitId: record.managementUnitId,
        snooze,
        approval
    };
}

/** The record's own fields after an observation: its change time (never going back) and its unit. */
export function observedBase(record: AgentRecord | undefined, observation: Observation): RecordBase {
    const base: RecordBase = {
        userId: record?.userId ?? observation.userId,
        lastChangeAt: Math.max(record?.lastChangeAt ?? observation.changedAt, observation.changedAt),
        managementUnitId: kept(observation.managementUnitId, record?.managementUnitId)
    };
    if (record?.snooze) base.snooze = record.snooze;
    if (record?.approval) base.approval = record.approval;
    return base;
}

/** What an open state holds besides its status and exception time; every key present (`undefined` = absent). */
export interface OpenFields {
    episode: Episode;
    pending: PendingStage | undefined;
    nudge: StageOutcome | undefined;
    alert: StageOutcome | undefined;
    ack: Acknowledgement | undefined;
    agentAckAt: number | undefined;
    realertAt: number | undefined;
}

export function fieldsOf(state: OpenEpisodeState): OpenFields {
    return {
        episode: state.episode,
        pending: state.pending,
        nudge: state.nudge,
        alert: state.alert,
        ack: state.ack,
        agentAckAt: state.agentAckAt,
        realertAt: state.realertAt
    };
}

/** An open state in one key order, absent fields left out (see {@link commit} for why not a spread). */
export function openState(
    f: OpenFields,
    exception: { status: 'drifting'; exceptionDueAt: number } | { status: 'outOfAdherence'; exceptionAt: number }
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
    return state;
}

/** The same open state (status, exception time) with other fields. */
export function reopen(state: OpenEpisodeState, f: OpenFields): OpenEpisodeState {
    return openState(f, state);
}
