import type { Clock } from '../domain/clock';
import { coalescePath } from './pipeline/dedupe';
import type { AckedState, SyncEvent } from './pipeline/types';
import type { SyncConfig } from './syncConfig';
import type { SyncHttp } from './SyncHttp';
import { isSyncError, type SyncError } from './SyncError';
import {
    ackedState,
    failedOutcome,
    isConfigFailure,
    type AgentOutcome,
    type StepContext,
    type SyncTarget
} from './SyncTarget';

export interface PresenceTargetDeps {
    http: SyncHttp;
    config: Pick<SyncConfig, 'transitions' | 'bulkMax'> & { presenceSourceId: string };
    /** Genesys REST base, e.g. `https://api.mypurecloud.com`. */
    apiBaseUrl: string;
    clock: Clock;
    /** Genesys acknowledged `e` (the reconciler reads it back later). */
    onSent(e: SyncEvent, payloadHash: string): void;
    /** Events not sent because a later state of the agent reaches the same end within the matrix. */
    onCoalesced(count: number): void;
}

/**
 * The Genesys presence target: per agent, the fewest states that reach its latest one from the last acknowledged
 * state within the transition matrix (usually just the latest: coalescing), sent in rounds of bulk calls
 * (`PUT /api/v2/users/presences/bulk`: the per-user PATCH "does not support registered presence sources",
 * `PresenceApi.js:495`). Round n carries the n-th state of every agent still on its way; an agent goes on only once its
 * previous state was acknowledged. A bulk call refused for its entries is split in halves until each bad entry is
 * alone (and rejected with Genesys' reason), the others delivered.
 */
export function presenceTarget(deps: PresenceTargetDeps): SyncTarget {
    const { http, config, apiBaseUrl, clock } = deps;
    const sourceId = config.presenceSourceId;

    async function send(
        plan: ReadonlyMap<string, SyncEvent[]>,
        last: ReadonlyMap<string, AckedState>,
        step: StepContext
    ): Promise<Map<string, AgentOutcome>> {
        const out = new Map<string, AgentOutcome>();
        const paths = new Map<string, SyncEvent[]>();
        let coalesced = 0;
        for (const [agent, events] of plan) {
            const path = coalescePath(last.get(agent), events, config.transitions);
            coalesced += events.length - path.length;
            if (path.length === 0) out.set(agent, { kind: 'ok' });
            else paths.set(agent, path);
        }
        deps.onCoalesced(coalesced);
        const reached = new Map<string, AckedState>();
        let active = [...paths.keys()];
        for (let round = 0; active.length > 0; round++) {
            const results = await sendBulk(
                active.map((a) => paths.get(a)![round]),
                step
            );
            const next: string[] = [];
            for (const a of active) {
                const r = results.get(a)!;
                if (r.kind === 'ok' && r.acked) reached.set(a, r.acked);
                if (r.kind === 'ok' && round + 1 < paths.get(a)!.length) next.push(a);
                // Refused part-way: what was acknowledged before stays the agent's state.
                else if (r.kind === 'rejected' && reached.has(a)) out.set(a, { ...r, acked: reached.get(a) });
                else out.set(a, r);
            }
            active = next;
        }
        return out;
    }

    /** One state per agent in bulk calls of up to `bulkMax` users. */
    async function sendBulk(toSend: SyncEvent[], step: StepContext): Promise<Map<string, AgentOutcome>> {
        const out = new Map<string, AgentOutcome>();
        const chunks: SyncEvent[][] = [];
        for (let i = 0; i < toSend.length; i += config.bulkMax) chunks.push(toSend.slice(i, i + config.bulkMax));
        await Promise.all(chunks.map((chunk) => sendChunk(chunk, step, out, { sourceKnown: undefined })));
        return out;
    }

    /**
     * One bulk call for `chunk`. Refused for its entries (a 400, or a 404 while the presence source exists: a user
     * Genesys does not know), it is split in two and each half sent again, down to one entry, which is then rejected.
     * Refused for the worker's configuration (credentials, permission, presence source), every entry stays pending.
     */
    async function sendChunk(
        chunk: SyncEvent[],
        step: StepContext,
        out: Map<string, AgentOutcome>,
        seen: { sourceKnown: boolean | undefined }
    ): Promise<void> {
        let error: unknown;
        try {
            const res = await http.send({
                method: 'PUT',
                url: `${apiBaseUrl}/api/v2/users/presences/bulk`,
                body: chunk.map((e) => ({ id: e.agentId, sourceId, presenceDefinition: { id: e.target } })),
                signal: step.signal
            });
            step.accepted();
            for (const e of chunk) out.set(e.agentId, sent(e, res.payloadHash));
            return;
        } catch (caught) {
            error = caught;
        }
        if (isConfigFailure(error) && error.status === 404) seen.sourceKnown ??= await presenceSourceExists(step);
        const entryRefused =
            isSyncError(error) &&
            error.code === 'SYNC_TARGET_REJECTED' &&
            (error.status === 404 ? seen.sourceKnown === true : !isConfigFailure(error));
        if (!entryRefused) {
            const pending = isConfigFailure(error) && seen.sourceKnown === undefined && error.status === 404;
            for (const e of chunk) out.set(e.agentId, pending ? { kind: 'retry' } : failedOutcome(error, step));
            return;
        }
        if (chunk.length === 1) {
            const reason =
                (error as SyncError).status === 404
                    ? `Genesys does not know this user: ${(error as SyncError).message}`
                    : (error as SyncError).message;
            out.set(chunk[0].agentId, { kind: 'rejected', rejection: { code: 'TARGET_REJECTED', reason } });
            return;
        }
        const half = Math.ceil(chunk.length / 2);
        await sendChunk(chunk.slice(0, half), step, out, seen);
        await sendChunk(chunk.slice(half), step, out, seen);
    }

    /**
     * Whether the configured presence source exists (`GET /api/v2/presence/sources`); undefined when that cannot be
     * told right now. Tells a wrong `SYNC_PRESENCE_SOURCE_ID` (pause) from an unknown user (refuse that one entry).
     */
    async function presenceSourceExists(step: StepContext): Promise<boolean | undefined> {
        try {
            const res = await http.send<{ entities?: Array<{ id?: string }> } | Array<{ id?: string }>>({
                method: 'GET',
                url: `${apiBaseUrl}/api/v2/presence/sources`,
                signal: step.signal
            });
            const list = Array.isArray(res.data) ? res.data : (res.data?.entities ?? []);
            return list.some((source: { id?: string }) => source.id === sourceId);
        } catch {
            return undefined;
        }
    }

    function sent(e: SyncEvent, payloadHash: string): AgentOutcome {
        deps.onSent(e, payloadHash);
        return { kind: 'ok', acked: ackedState(e, payloadHash, clock.now()) };
    }

    return { send };
}
