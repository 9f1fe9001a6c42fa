/** One item of `POST /api/sync/events`, as the external WFM sends it. */
export interface SyncEventInput {
    agentId: string;
    state: string;
    reasonCode: string;
    startTime: string;
    endTime?: string;
    externalEventId?: string;
}

/** A validated event: UTC epoch ms, the agent resolved to a Genesys user id. */
export interface ValidatedEvent {
    /** Genesys user id (mapped from an external id when needed). */
    agentId: string;
    state: string;
    reasonCode: string;
    startAt: number;
    endAt?: number;
    externalEventId?: string;
}

/** A validated, translated event: its target id resolved too. */
export interface SyncEvent extends ValidatedEvent {
    /** Presence definition id (presence target) or target code (span target). */
    target: string;
}

/** What the store remembers per agent: the last state the target acknowledged. */
export interface AckedState {
    state: string;
    target: string;
    startAt: number;
    payloadHash: string;
    ackedAt: number;
}

/** A per-item refusal with a stable code and a human-readable reason. */
export interface Rejection {
    code: RejectionCode;
    reason: string;
}

export type RejectionCode =
    | 'INVALID_ITEM'
    | 'MISSING_FIELD'
    | 'BAD_TIME'
    | 'LOCAL_TIME_NOT_ALLOWED'
    | 'END_NOT_AFTER_START'
    | 'TIME_OUT_OF_RANGE'
    | 'UNKNOWN_AGENT'
    | 'UNMAPPED_REASON_CODE'
    | 'ILLEGAL_TRANSITION'
    | 'TARGET_REJECTED';

export type StageResult<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };
