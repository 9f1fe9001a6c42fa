import type { AckedState, Rejection, SyncEvent } from './pipeline/types';
import { isSyncError, type SyncError } from './SyncError';

/** What became of one agent's events in a step. */
export type AgentOutcome =
    | { kind: 'ok'; acked?: AckedState }
    | { kind: 'retry' }
    | { kind: 'rejected'; rejection: Rejection; acked?: AckedState };

/** What a target gets from the step under way. */
export interface StepContext {
    /**
     * Aborted when the worker stops, or once the target refused the configuration (the step's other requests are
     * not sent).
     */
    readonly signal: AbortSignal;
    /** A write went through: the configuration is fine (again). */
    accepted(): void;
    /** The target refuses the worker's configuration: everything stays pending and the worker backs off. */
    refused(error: SyncError): void;
}

/** Where the worker sends: Genesys presence or a span endpoint. */
export interface SyncTarget {
    /** Send each agent's planned events (after its last acknowledged state); one outcome per agent of `plan`. */
    send(
        plan: ReadonlyMap<string, SyncEvent[]>,
        last: ReadonlyMap<string, AckedState>,
        step: StepContext
    ): Promise<Map<string, AgentOutcome>>;
}

/**
 * The target refused the worker itself (401 with a fresh token, 403, 404 on the bulk presence call or the span URL):
 * credentials, a permission or the presence source / URL is wrong, not the entries.
 */
export function isConfigFailure(error: unknown): error is SyncError {
    return (
        isSyncError(error) &&
        error.code === 'SYNC_TARGET_REJECTED' &&
        (error.status === 401 || error.status === 403 || error.status === 404)
    );
}

/**
 * The outcome of a failed write: a configuration refusal is reported to the step and retried later, an entry the
 * target refused is rejected (keeping `acked`, what went through before it), anything else is retried.
 */
export function failedOutcome(error: unknown, step: StepContext, acked?: AckedState): AgentOutcome {
    if (isConfigFailure(error)) {
        step.refused(error);
        return { kind: 'retry' };
    }
    if (isSyncError(error) && error.code === 'SYNC_TARGET_REJECTED')
        return { kind: 'rejected', rejection: { code: 'TARGET_REJECTED', reason: error.message }, acked };
    return { kind: 'retry' };
}

/** The state the target acknowledged for `e`, at `now`. */
export function ackedState(e: SyncEvent, payloadHash: string, now: number): AckedState {
    return { state: e.state, target: e.target, startAt: e.startAt, payloadHash, ackedAt: now };
}
