import { isOpen } from './agentState';
import { logEntry, updateAlert } from './effects';
import { commit, refused, reopen, unchanged } from './records';
import type { AgentRecord, AgentState, Effect, OpenEpisodeState, RefusalReason, TransitionResult } from './types';

/** The agent's open episode when it is `episodeId`, else why an action on it is refused. */
export function openEpisode(record: AgentRecord | undefined, episodeId: string): OpenEpisodeState | RefusalReason {
    if (!record) return 'unknown-agent';
    if (!isOpen(record.state)) return 'no-open-episode';
    if (record.state.episode.id !== episodeId) return 'episode-closed';
    return record.state;
}

/**
 * A sent, unacknowledged alert re-alerts once at `until` (when a snooze or approval ends); other states stay. Somebody
 * acted: the alert's escalation stops.
 */
function realertAt(state: OpenEpisodeState, until: number): OpenEpisodeState {
    if (state.alert?.sent && !state.ack) return reopen(state, { realertAt: until, escalation: undefined });
    return state.escalation === undefined ? state : reopen(state, { escalation: undefined });
}

/** A supervisor acknowledges the alert: who and when are recorded, re-alerts and escalation stop. */
export function acknowledge(
    record: AgentRecord | undefined,
    episodeId: string,
    by: string,
    now: number
): TransitionResult {
    const state = openEpisode(record, episodeId);
    if (typeof state === 'string') return refused(record, state);
    // The same supervisor again (a double click, or a retry after a lost reply) is a success that changes nothing.
    if (state.ack) return state.ack.by === by ? unchanged(record) : refused(record, 'already-acknowledged');
    const effects = [logEntry('acknowledge', state.episode, now, { by })];
    updateAlert(effects, state, now, 'ack', 'acknowledged', { by });
    const next = reopen(state, { ack: { by, at: now }, realertAt: undefined, escalation: undefined });
    return commit(record, record!, next, effects);
}

/**
 * A supervisor snoozes the agent until `until` (epoch ms): nudges and alerts wait until then, also in the agent's next
 * episodes; a sent alert re-alerts once when it ends.
 */
export function snooze(
    record: AgentRecord | undefined,
    episodeId: string,
    until: number,
    by: string,
    now: number
): TransitionResult {
    const state = openEpisode(record, episodeId);
    if (typeof state === 'string') return refused(record, state);
    if (!(until > now)) return refused(record, 'invalid-until');
    const effects = [logEntry('snooze', state.episode, now, { by, until })];
    updateAlert(effects, state, now, `snooze:${until}`, 'snoozed', { by, until });
    return commit(record, { ...record!, snooze: { until, by } }, realertAt(state, until), effects);
}

/**
 * A supervisor approves overtime until `until` (epoch ms): nudges and alerts wait until then. From an alert card
 * (`episodeId` given) it acts on that episode like a snooze; from a command it covers the agent whatever its state.
 */
export function approve(
    record: AgentRecord | undefined,
    until: number,
    by: string,
    now: number,
    episodeId?: string
): TransitionResult {
    if (!record) return refused(record, 'unknown-agent');
    if (!(until > now)) return refused(record, 'invalid-until');
    const effects: Effect[] = [];
    let next: AgentState = record.state;
    if (episodeId !== undefined) {
        const state = openEpisode(record, episodeId);
        if (typeof state === 'string') return refused(record, state);
        next = realertAt(state, until);
        effects.push(logEntry('approve', state.episode, now, { by, until }));
        updateAlert(effects, state, now, `approve:${until}`, 'approved', { by, until });
    } else {
        effects.push({
            type: 'LogEpisode',
            entry: {
                type: 'approve',
                at: now,
                userId: record.userId,
                managementUnitId: record.managementUnitId,
                by,
                until
            }
        });
    }
    return commit(record, { ...record, approval: { until, by } }, next, effects);
}

/** The agent pressed "I'm on it" on the nudge: logged once per episode; the episode and its deadlines stay. */
export function agentAck(record: AgentRecord | undefined, episodeId: string, now: number): TransitionResult {
    const state = openEpisode(record, episodeId);
    if (typeof state === 'string') return refused(record, state);
    // Pressed again (or retried after a lost reply): already recorded, nothing new.
    if (state.agentAckAt !== undefined) return unchanged(record);
    return commit(record, record!, reopen(state, { agentAckAt: now }), [logEntry('agent-ack', state.episode, now)]);
}
