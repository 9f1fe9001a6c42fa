import { applyTransitionMatrix, type TransitionMatrix } from './applyTransitionMatrix';
import type { AckedState, SyncEvent } from './types';

export interface DedupeResult {
    /** To send, in order (with `stale: 'send'`, late events too). */
    send: SyncEvent[];
    /** Same state and target as the last acknowledged one: nothing to send. */
    duplicates: SyncEvent[];
    /** Older than what was already acknowledged for the agent, and not sent (`stale: 'drop'`). */
    stale: SyncEvent[];
    /** Older than what was already acknowledged for the agent, and sent anyway (`stale: 'send'`). */
    late: SyncEvent[];
}

export interface DedupeOptions {
    /**
     * An event older than the agent's last acknowledged state: `drop` it (presence: "now" has moved on, the state is
     * superseded) or `send` it (spans: each span is a historical fact, and its idempotency key covers repeats). A late
     * event never becomes the agent's current state. @default 'drop'
     */
    stale?: 'drop' | 'send';
}

/**
 * Stage 4: drop events that would not change anything at the target, comparing each agent's events in order against
 * the last acknowledged state (and the events kept before it in the same batch). Order per agent is preserved. Pure.
 */
export function dedupe(
    events: readonly SyncEvent[],
    lastAcked: ReadonlyMap<string, AckedState>,
    options: DedupeOptions = {}
): DedupeResult {
    const current = new Map<string, { state: string; target: string; startAt: number; endAt?: number }>();
    for (const [id, a] of lastAcked) current.set(id, { state: a.state, target: a.target, startAt: a.startAt });
    const out: DedupeResult = { send: [], duplicates: [], stale: [], late: [] };
    for (const e of events) {
        const prev = current.get(e.agentId);
        if (prev && e.startAt < prev.startAt) {
            if (options.stale === 'send') {
                out.late.push(e);
                out.send.push(e);
            } else out.stale.push(e);
        } else if (prev && prev.state === e.state && prev.target === e.target && prev.endAt === e.endAt)
            out.duplicates.push(e);
        else {
            out.send.push(e);
            current.set(e.agentId, { state: e.state, target: e.target, startAt: e.startAt, endAt: e.endAt });
        }
    }
    return out;
}

/**
 * Presence target, one agent: the fewest states to send, in order, to go from the last acknowledged state to the
 * agent's latest event without a transition the matrix forbids. `events` are the agent's events as they passed the
 * matrix one after the other (repairs inserted), in time order. Usually that is just the latest event (or nothing when
 * it equals the acknowledged state); a state in between is kept only where jumping over it would be refused or need a
 * repair: a repair's intermediate state, or Available in Offline → Available → Busy when Offline → Busy is refused.
 * Each step sent is either allowed as is by the matrix or a step the events already took one after the other. Pure.
 */
export function coalescePath(
    lastAcked: Pick<AckedState, 'state' | 'target'> | undefined,
    events: readonly SyncEvent[],
    matrix: TransitionMatrix
): SyncEvent[] {
    const out: SyncEvent[] = [];
    const allowedAsIs = (from: string | undefined, to: SyncEvent): boolean => {
        const r = applyTransitionMatrix(from, to, matrix);
        return r.ok && !r.repaired;
    };
    let current: Pick<SyncEvent, 'state' | 'target'> | undefined = lastAcked;
    for (let i = -1; i < events.length - 1;) {
        let j = events.length - 1;
        while (j > i + 1 && !allowedAsIs(current?.state, events[j])) j--;
        const e = events[j];
        if (!current || current.state !== e.state || current.target !== e.target) out.push(e);
        current = e;
        i = j;
    }
    return out;
}
