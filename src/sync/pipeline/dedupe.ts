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
 * Presence target: only the latest state per agent matters (presence is "now"), so keep the last event of each
 * agent, in the order of those last events. Returns the kept events and how many were folded away. Pure.
 */
export function coalesceLatest(events: readonly SyncEvent[]): { latest: SyncEvent[]; folded: number } {
    const last = new Map<string, number>();
    events.forEach((e, i) => {
        const prev = last.get(e.agentId);
        if (prev === undefined || events[prev].startAt <= e.startAt) last.set(e.agentId, i);
    });
    const keep = [...last.values()].sort((a, b) => a - b);
    return { latest: keep.map((i) => events[i]), folded: events.length - keep.length };
}
