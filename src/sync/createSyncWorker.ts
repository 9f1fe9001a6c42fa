import { setMaxListeners } from 'node:events';
import type { Clock, Random, TimerHandle } from '../domain/clock';
import type { Logger } from '../app/logger';
import { silentLogger } from '../app/logger';
import { RateLimiter } from '../adapters/genesys/rateLimiter';
import { clockSleep, decorrelatedJitter, type Sleep } from '../adapters/genesys/resilience';
import type { TokenManager } from '../adapters/genesys/tokenManager';
import type { AxiosInstance } from 'axios';
import { applyTransitionMatrix } from './pipeline/applyTransitionMatrix';
import { coalescePath, dedupe } from './pipeline/dedupe';
import { formatIsoUtc } from '../domain/isoInstant';
import { idempotencyKey } from './pipeline/payloadHash';
import { splitAtMidnight } from './pipeline/splitAtMidnight';
import type { AckedState, Rejection, SyncEvent } from './pipeline/types';
import type { SyncConfig } from './parseSyncConfig';
import { SuccessRateBreaker, type BreakerState } from './SuccessRateBreaker';
import { SyncHttp } from './SyncHttp';
import { isSyncError, type SyncError } from './SyncError';
import type { DeadLetter, QueuedEvent, SyncQueue } from './SyncQueue';
import { createSyncMetrics, type SyncMetrics } from './createSyncMetrics';

export interface SyncWorkerDeps {
    config: SyncConfig;
    queue: SyncQueue;
    clock: Clock;
    /** Jitter source (test seam). */
    random: Random;
    /** Waits between retries. @default clockSleep(clock) */
    sleep?: Sleep;
    /** Genesys REST base, e.g. `https://api.mypurecloud.com` (presence target and reconcile). */
    apiBaseUrl?: string;
    /** The shared Genesys token manager (required for the presence target; used for the span target when given). */
    tokens?: TokenManager;
    /** Token bucket at the target's limit. @default a new one at config.requestsPerMinute */
    limiter?: RateLimiter;
    metrics?: SyncMetrics;
    logger?: Logger;
    /** Agents sent concurrently on the span target. @default 16 */
    spanConcurrency?: number;
    /** Test seam for the HTTP client. */
    http?: AxiosInstance;
}

/** One reconciliation finding: the target reports something else than what was last sent. */
export interface SyncMismatch {
    agentId: string;
    expected: string;
    actual: string | null;
    payloadHash: string;
    sentAt: string;
    detectedAt: string;
    lastTokenRefreshAt: string | null;
    recent429s: Array<{ at: string; retryAfterMs: number }>;
    queueDepth: number;
    breakerState: BreakerState;
}

/** A presence state not sent because a newer one was already acknowledged for the agent (e.g. re-claimed late). */
export interface SyncSuperseded {
    agentId: string;
    state: string;
    target: string;
    startTime: string;
    /** The newest state known for the agent when it was dropped (acknowledged, or in the same step). */
    supersededBy: { state: string; startTime: string } | null;
    at: string;
}

/**
 * The target refused the worker itself (401 with a fresh token, 403, 404 on the bulk presence call or the span URL):
 * credentials, a permission or the presence source / URL is wrong. Nothing is wrong with the entries: they stay
 * pending, and the worker pauses and retries with backoff until the target accepts writes again.
 */
export interface SyncConfigFailure {
    status: number;
    /** The request and the target's message. */
    message: string;
    /** What to fix. */
    hint: string;
    since: string;
    lastAt: string;
    /** Refusals in a row. */
    attempts: number;
    /** When the worker tries again. */
    retryAt: string;
}

export interface SyncDiagnostics {
    mismatches: SyncMismatch[];
    /** Set while the target refuses the worker's configuration (see {@link SyncConfigFailure}). */
    configFailure: SyncConfigFailure | null;
    /** Presence states dropped as superseded: how many since start, and the most recent ones. */
    superseded: { total: number; recent: SyncSuperseded[] };
    recent429s: Array<{ at: string; retryAfterMs: number }>;
    breakerState: BreakerState;
    breakerOpens: number;
    queueDepth: number;
    lastTokenRefreshAt: string | null;
    deadLetters: DeadLetter[];
}

export interface SyncStatus {
    running: boolean;
    target: SyncConfig['target'];
    breakerState: BreakerState;
    /** Entries waiting for a retry in this process (still pending in the queue). */
    retrying: number;
    delivered: number;
    requests: number;
    saved: { duplicate: number; stale: number; coalesced: number };
    /** Span target: spans older than the agent's last acknowledged one, sent anyway. */
    late: number;
    /** Paused until then (epoch ms) because the target refuses the configuration; null when not paused. */
    pausedUntil: number | null;
    lastStepAt: number | null;
}

export interface SyncWorker {
    start(): void;
    stop(): Promise<void>;
    diagnostics(): Promise<SyncDiagnostics>;
    status(): SyncStatus;
    /** One pipeline step over the queue (test seam; the loop calls it). Returns entries handled. */
    runOnce(): Promise<number>;
    /** One reconciliation pass (test seam; the loop calls it every reconcileIntervalMs). */
    reconcileOnce(): Promise<void>;
}

type AgentOutcome =
    | { kind: 'ok'; acked?: AckedState }
    | { kind: 'retry' }
    | { kind: 'rejected'; rejection: Rejection; acked?: AckedState };

/**
 * The sync worker: reads the durable queue, applies the transition matrix and dedupe against the last acknowledged
 * state, sends to the target (bulk presence or spans), records what was acknowledged, then acknowledges the queue
 * entries. Failed agents stay pending and are retried in order; reconcile reads presence back.
 */
export function createSyncWorker(deps: SyncWorkerDeps): SyncWorker {
    const { config, queue, clock } = deps;
    const logger = deps.logger ?? silentLogger();
    const metrics = deps.metrics ?? createSyncMetrics();
    const sleep = deps.sleep ?? clockSleep(clock);
    // Genesys counts requests in a rolling minute: burst + rate × 60 s must not exceed the limit, so keep the burst
    // small (1 s worth) and the sustained rate at the limit minus that burst.
    const burst = Math.max(1, Math.floor(config.requestsPerMinute / 60));
    const limiter =
        deps.limiter ??
        new RateLimiter({ clock, requestsPerMinute: Math.max(1, config.requestsPerMinute - burst), burst });
    const breaker = new SuccessRateBreaker({
        clock,
        minSuccessRate: config.breakerMinSuccessRate,
        windowMs: config.breakerWindowMs,
        minRequests: config.breakerMinRequests,
        pauseMs: config.breakerPauseMs
    });
    const recent429: Array<{ at: number; retryAfterMs: number }> = [];
    const stats = { delivered: 0, requests: 0, late: 0, saved: { duplicate: 0, stale: 0, coalesced: 0 } };
    const superseded: SyncSuperseded[] = [];
    let supersededTotal = 0;
    const http = new SyncHttp({
        clock,
        random: deps.random,
        sleep,
        limiter,
        breaker,
        tokens: deps.tokens,
        timeoutMs: config.requestTimeoutMs,
        maxAttempts: config.maxAttempts,
        logger,
        http: deps.http,
        onOutcome: (status, retryAfterMs) => {
            stats.requests++;
            metrics.requests.inc({ outcome: status === 0 ? 'network' : String(status) });
            if (status === 429) {
                metrics.rateLimited.inc();
                recent429.push({ at: clock.now(), retryAfterMs: retryAfterMs ?? 0 });
                if (recent429.length > 50) recent429.shift();
            }
            metrics.breakerOpen.set(breaker.state === 'closed' ? 0 : 1);
        }
    });
    if (config.target === 'presence' && (!deps.apiBaseUrl || !deps.tokens || !config.presenceSourceId))
        throw new TypeError('presence target needs apiBaseUrl, tokens and config.presenceSourceId');
    if (config.target === 'span' && !config.spanUrl) throw new TypeError('span target needs config.spanUrl');

    const sent = new Map<string, { target: string; sentAt: number; payloadHash: string; reported: boolean }>();
    const mismatches: SyncMismatch[] = [];
    let carry: QueuedEvent[] = [];
    let running = false;
    let abort = newAbort();
    let stepTimer: TimerHandle | undefined;
    let reconcileTimer: TimerHandle | undefined;
    let stepping: Promise<unknown> | undefined;
    let reconciling: Promise<unknown> | undefined;
    let lastStepAt: number | null = null;
    /** Aborted when the target refuses the configuration: the step's other requests are not sent. */
    let stepAbort = newAbort();
    let sendSignal: AbortSignal = abort.signal;
    let configFailure:
        | (Omit<SyncConfigFailure, 'since' | 'lastAt' | 'retryAt'> & {
              since: number;
              lastAt: number;
              retryAt: number;
              delays: Generator<number, never, void>;
              /** The step that last counted an attempt (several requests of one step count once). */
              step: number;
          })
        | undefined;
    let stepNo = 0;

    /** Many senders wait on one signal (limiter, sleeps): lift the listener warning threshold. */
    function newAbort(): AbortController {
        const c = new AbortController();
        setMaxListeners(0, c.signal);
        return c;
    }

    const acked = (e: SyncEvent, payloadHash: string): AckedState => ({
        state: e.state,
        target: e.target,
        startAt: e.startAt,
        payloadHash,
        ackedAt: clock.now()
    });

    /**
     * Presence: per agent, the fewest states that reach its latest one from the last acknowledged state within the
     * transition matrix (usually just the latest: coalescing), sent in rounds of bulk calls. Round n carries the n-th
     * state of every agent still on its way; an agent goes on only once its previous state was acknowledged.
     */
    async function sendPresence(
        plan: Map<string, SyncEvent[]>,
        last: Map<string, AckedState>
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
        stats.saved.coalesced += coalesced;
        metrics.saved.inc({ reason: 'coalesced' }, coalesced);
        const reached = new Map<string, AckedState>();
        let active = [...paths.keys()];
        for (let round = 0; active.length > 0; round++) {
            const results = await sendBulk(active.map((a) => paths.get(a)![round]));
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
    async function sendBulk(toSend: SyncEvent[]): Promise<Map<string, AgentOutcome>> {
        const out = new Map<string, AgentOutcome>();
        const sourceId = config.presenceSourceId!;
        const chunks: SyncEvent[][] = [];
        for (let i = 0; i < toSend.length; i += config.bulkMax) chunks.push(toSend.slice(i, i + config.bulkMax));
        await Promise.all(
            chunks.map(async (chunk) => {
                try {
                    const res = await http.send({
                        method: 'PUT',
                        url: `${deps.apiBaseUrl}/api/v2/users/presences/bulk`,
                        body: chunk.map((e) => ({ id: e.agentId, sourceId, presenceDefinition: { id: e.target } })),
                        signal: sendSignal
                    });
                    targetAccepts();
                    for (const e of chunk) {
                        out.set(e.agentId, { kind: 'ok', acked: acked(e, res.payloadHash) });
                        sent.set(e.agentId, {
                            target: e.target,
                            sentAt: clock.now(),
                            payloadHash: res.payloadHash,
                            reported: false
                        });
                    }
                } catch (error) {
                    const sourceKnown =
                        isConfigFailure(error) && error.status === 404 ? await presenceSourceExists(sourceId) : false;
                    if (sourceKnown === undefined) {
                        for (const e of chunk) out.set(e.agentId, { kind: 'retry' });
                    } else if (sourceKnown) {
                        // A 404 while the presence source exists: a user of the chunk is unknown to Genesys (deleted
                        // after ingest). One PATCH per user finds who; the others go through.
                        for (const e of chunk) out.set(e.agentId, await patchOne(e, sourceId, true));
                    } else if (isConfigFailure(error)) {
                        // Wrong credentials, permission or presence source: one PATCH per user would be refused
                        // the same way. Keep every entry pending and pause.
                        noteConfigFailure(error);
                        for (const e of chunk) out.set(e.agentId, { kind: 'retry' });
                    } else if (isSyncError(error) && error.code === 'SYNC_TARGET_REJECTED') {
                        // One bad entry spoils a bulk call (a 400): fall back to one PATCH per user.
                        for (const e of chunk) out.set(e.agentId, await patchOne(e, sourceId));
                    } else for (const e of chunk) out.set(e.agentId, { kind: 'retry' });
                }
            })
        );
        return out;
    }

    /**
     * Whether the configured presence source exists (`GET /api/v2/presence/sources`); undefined when that cannot be
     * told right now. Tells a wrong `SYNC_PRESENCE_SOURCE_ID` (pause) from an unknown user (refuse that one entry).
     */
    async function presenceSourceExists(sourceId: string): Promise<boolean | undefined> {
        try {
            const res = await http.send<{ entities?: Array<{ id?: string }> } | Array<{ id?: string }>>({
                method: 'GET',
                url: `${deps.apiBaseUrl}/api/v2/presence/sources`,
                signal: sendSignal
            });
            const list = Array.isArray(res.data) ? res.data : (res.data?.entities ?? []);
            return list.some((source: { id?: string }) => source.id === sourceId);
        } catch {
            return undefined;
        }
    }

    /** `sourceKnown`: the presence source was just seen to exist, so a 404 means this user is unknown. */
    async function patchOne(e: SyncEvent, sourceId: string, sourceKnown = false): Promise<AgentOutcome> {
        try {
            const res = await http.send({
                method: 'PATCH',
                url: `${deps.apiBaseUrl}/api/v2/users/${encodeURIComponent(e.agentId)}/presences/${encodeURIComponent(sourceId)}`,
                body: { presenceDefinition: { id: e.target } },
                signal: sendSignal
            });
            targetAccepts();
            sent.set(e.agentId, {
                target: e.target,
                sentAt: clock.now(),
                payloadHash: res.payloadHash,
                reported: false
            });
            return { kind: 'ok', acked: acked(e, res.payloadHash) };
        } catch (error) {
            if (sourceKnown && isConfigFailure(error) && error.status === 404)
                return {
                    kind: 'rejected',
                    rejection: { code: 'TARGET_REJECTED', reason: `Genesys does not know this user: ${error.message}` }
                };
            if (isConfigFailure(error)) {
                noteConfigFailure(error);
                return { kind: 'retry' };
            }
            if (isSyncError(error) && error.code === 'SYNC_TARGET_REJECTED')
                return { kind: 'rejected', rejection: { code: 'TARGET_REJECTED', reason: error.message } };
            return { kind: 'retry' };
        }
    }

    async function sendSpansOfAgent(events: SyncEvent[]): Promise<AgentOutcome> {
        let lastAcked: AckedState | undefined;
        for (const e of events) {
            let hash = '';
            for (const span of splitAtMidnight(e, config.timeZone)) {
                const body: Record<string, unknown> = {
                    agentId: span.agentId,
                    state: span.state,
                    code: span.target,
                    reasonCode: span.reasonCode,
                    startTime: formatIsoUtc(span.startAt)
                };
                if (span.endAt !== undefined) body.endTime = formatIsoUtc(span.endAt);
                if (span.externalEventId !== undefined) body.externalEventId = span.externalEventId;
                try {
                    const res = await http.send({
                        method: 'POST',
                        url: config.spanUrl!,
                        body,
                        headers: { 'Idempotency-Key': idempotencyKey(span) },
                        signal: sendSignal
                    });
                    hash = res.payloadHash;
                    targetAccepts();
                } catch (error) {
                    if (isConfigFailure(error)) {
                        noteConfigFailure(error);
                        return { kind: 'retry' };
                    }
                    if (isSyncError(error) && error.code === 'SYNC_TARGET_REJECTED')
                        return {
                            kind: 'rejected',
                            rejection: { code: 'TARGET_REJECTED', reason: error.message },
                            acked: lastAcked
                        };
                    return { kind: 'retry' };
                }
            }
            // The newest span sent is the agent's state (a late span sent after a newer one does not replace it).
            if (!lastAcked || e.startAt >= lastAcked.startAt) lastAcked = acked(e, hash);
        }
        return { kind: 'ok', acked: lastAcked };
    }

    async function sendSpans(plan: Map<string, SyncEvent[]>): Promise<Map<string, AgentOutcome>> {
        const out = new Map<string, AgentOutcome>();
        const agents = [...plan.keys()];
        let next = 0;
        const workers = Array.from({ length: Math.min(deps.spanConcurrency ?? 16, agents.length) }, async () => {
            while (next < agents.length) {
                const a = agents[next++];
                out.set(a, await sendSpansOfAgent(plan.get(a)!));
            }
        });
        await Promise.all(workers);
        return out;
    }

    async function runOnce(): Promise<number> {
        // The target refuses the configuration: nothing is read or sent until the retry time.
        if (configFailure && clock.now() < configFailure.retryAt) return 0;
        const fresh = carry.length < config.readBatch ? await queue.read(config.readBatch - carry.length) : [];
        // XAUTOCLAIM may hand back entries this process is already retrying: keep one copy, in carry order.
        const carried = new Set(carry.map((q) => q.id));
        const entries = [...carry, ...fresh.filter((q) => !carried.has(q.id))];
        carry = [];
        if (entries.length === 0) return 0;
        lastStepAt = clock.now();
        stepNo++;
        stepAbort = newAbort();
        sendSignal = AbortSignal.any([abort.signal, stepAbort.signal]);
        setMaxListeners(0, sendSignal);
        try {
            return await processEntries(entries);
        } catch (error) {
            // Nothing was acknowledged: keep every entry for the next step (ordering and no loss preserved).
            carry = entries;
            throw error;
        }
    }

    async function processEntries(entries: QueuedEvent[]): Promise<number> {
        const byAgent = new Map<string, QueuedEvent[]>();
        for (const q of entries) {
            const list = byAgent.get(q.event.agentId);
            if (list) list.push(q);
            else byAgent.set(q.event.agentId, [q]);
        }
        const last = await queue.lastAcked([...byAgent.keys()]);
        const letters: DeadLetter[] = [];
        // Matrix refusals are dead-lettered with the agent's other entries, not while the agent is retried (a retried
        // entry is refused again on the next step: once is enough).
        const refused = new Map<string, DeadLetter[]>();
        const plan = new Map<string, SyncEvent[]>();
        for (const [agent, list] of byAgent) {
            let prev = last.get(agent)?.state;
            const events: SyncEvent[] = [];
            for (const q of list) {
                const r = applyTransitionMatrix(prev, q.event, config.transitions);
                if (!r.ok) {
                    const list = refused.get(agent) ?? [];
                    list.push({ at: clock.now(), rejection: r.rejection, item: q.event });
                    refused.set(agent, list);
                    continue;
                }
                events.push(...r.events);
                prev = q.event.state;
            }
            const agentLast = new Map<string, AckedState>();
            const la = last.get(agent);
            if (la) agentLast.set(agent, la);
            // A span is a historical fact: one older than the last acknowledged span (an entry re-claimed after
            // newer ones went out) is sent anyway, its idempotency key covers repeats. A presence state that old is
            // superseded: counted and kept inspectable, never dropped silently.
            const d = dedupe(events, agentLast, { stale: config.target === 'span' ? 'send' : 'drop' });
            stats.saved.duplicate += d.duplicates.length;
            stats.saved.stale += d.stale.length;
            metrics.saved.inc({ reason: 'duplicate' }, d.duplicates.length);
            metrics.saved.inc({ reason: 'stale' }, d.stale.length);
            if (d.stale.length > 0) {
                let newest: { state: string; startAt: number } | undefined = la;
                for (const e of d.send) if (!newest || e.startAt > newest.startAt) newest = e;
                noteSuperseded(d.stale, newest);
            }
            if (d.late.length > 0) {
                stats.late += d.late.length;
                metrics.late.inc(d.late.length);
                logger.info(
                    { agentId: agent, spans: d.late.length, lastAckedStartTime: la && formatIsoUtc(la.startAt) },
                    'sync: sending spans older than the last acknowledged one (re-claimed late)'
                );
            }
            plan.set(agent, d.send);
        }
        const outcomes = config.target === 'presence' ? await sendPresence(plan, last) : await sendSpans(plan);
        const newAcked = new Map<string, AckedState>();
        const ackIds: string[] = [];
        for (const [agent, list] of byAgent) {
            const o = outcomes.get(agent) ?? { kind: 'ok' };
            if (o.kind === 'retry') {
                carry.push(...list);
                continue;
            }
            for (const l of refused.get(agent) ?? []) {
                letters.push(l);
                metrics.rejected.inc({ code: l.rejection.code });
            }
            if (o.acked) {
                // A late span never moves the agent's last acknowledged state back.
                const prev = last.get(agent);
                if (!prev || o.acked.startAt >= prev.startAt) newAcked.set(agent, o.acked);
                stats.delivered++;
                metrics.delivered.inc();
            }
            if (o.kind === 'rejected') {
                letters.push({ at: clock.now(), rejection: o.rejection, item: plan.get(agent) });
                metrics.rejected.inc({ code: o.rejection.code });
            }
            ackIds.push(...list.map((q) => q.id));
        }
        await queue.deadLetter(letters);
        await queue.setLastAcked(newAcked);
        await queue.ack(ackIds);
        metrics.queueDepth.set(await queue.depth());
        return entries.length;
    }

    async function reconcileOnce(): Promise<void> {
        if (config.target !== 'presence') return;
        const now = clock.now();
        const horizon = Math.max(300_000, config.reconcileMismatchMs * 4);
        for (const [id, s] of sent) if (now - s.sentAt > horizon) sent.delete(id);
        const ids = [...sent.keys()];
        for (let i = 0; i < ids.length; i += 50) {
            const chunk = ids.slice(i, i + 50);
            const qs = chunk.map((id) => `id=${encodeURIComponent(id)}`).join('&');
            let res;
            try {
                res = await http.send<Array<{ userId?: string; presenceDefinition?: { id?: string } }>>({
                    method: 'GET',
                    url: `${deps.apiBaseUrl}/api/v2/users/presences/${encodeURIComponent(config.presenceSourceId!)}/bulk?${qs}`,
                    signal: abort.signal
                });
            } catch (error) {
                if (abort.signal.aborted) return;
                // One failed read skips its chunk only: the other agents are still checked.
                logger.warn({ err: (error as Error).message, agents: chunk.length }, 'sync reconcile read failed');
                continue;
            }
            const actual = new Map<string, string | null>();
            for (const p of Array.isArray(res.data) ? res.data : [])
                if (p.userId) actual.set(p.userId, p.presenceDefinition?.id ?? null);
            for (const id of chunk) {
                const s = sent.get(id);
                if (!s) continue;
                const a = actual.get(id) ?? null;
                if (a === s.target) {
                    s.reported = false;
                    continue;
                }
                if (s.reported || clock.now() - s.sentAt < config.reconcileMismatchMs) continue;
                s.reported = true;
                const m: SyncMismatch = {
                    agentId: id,
                    expected: s.target,
                    actual: a,
                    payloadHash: s.payloadHash,
                    sentAt: formatIsoUtc(s.sentAt),
                    detectedAt: formatIsoUtc(clock.now()),
                    lastTokenRefreshAt: deps.tokens?.lastRefreshAt ? formatIsoUtc(deps.tokens.lastRefreshAt) : null,
                    recent429s: recent429s(),
                    queueDepth: await queue.depth(),
                    breakerState: breaker.state
                };
                mismatches.push(m);
                if (mismatches.length > 500) mismatches.shift();
                metrics.mismatches.inc();
                logger.warn({ agentId: id, expected: s.target, actual: a }, 'sync reconcile mismatch');
            }
        }
    }

    function noteSuperseded(events: readonly SyncEvent[], by: { state: string; startAt: number } | undefined): void {
        const supersededBy = by ? { state: by.state, startTime: formatIsoUtc(by.startAt) } : null;
        if (supersededTotal === 0)
            logger.warn(
                {
                    agentId: events[0].agentId,
                    state: events[0].state,
                    startTime: formatIsoUtc(events[0].startAt),
                    supersededBy
                },
                'sync: a presence state older than the last acknowledged one was not sent (superseded). Logged once; ' +
                    'all are counted in sync_events_superseded_total and the latest listed in GET /api/sync/diagnostics'
            );
        supersededTotal += events.length;
        metrics.superseded.inc(events.length);
        for (const e of events) {
            superseded.push({
                agentId: e.agentId,
                state: e.state,
                target: e.target,
                startTime: formatIsoUtc(e.startAt),
                supersededBy,
                at: formatIsoUtc(clock.now())
            });
            if (superseded.length > 100) superseded.shift();
        }
    }

    function isConfigFailure(error: unknown): error is SyncError {
        return (
            isSyncError(error) &&
            error.code === 'SYNC_TARGET_REJECTED' &&
            (error.status === 401 || error.status === 403 || error.status === 404)
        );
    }

    function configHint(status: number): string {
        if (config.target === 'span') {
            if (status === 404) return `SYNC_SPAN_URL (${config.spanUrl}) answers 404: check the URL`;
            return 'the span endpoint (SYNC_SPAN_URL) refuses the worker: check the credentials it expects';
        }
        if (status === 401)
            return 'Genesys refuses the OAuth client even with a fresh token: check GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and the region';
        if (status === 403)
            return "the OAuth client may not set presence: add the permission presence:userPresence:edit to its role (and the users' divisions)";
        return `presence source "${config.presenceSourceId}" (SYNC_PRESENCE_SOURCE_ID) is unknown to Genesys: register one with POST /api/v2/presence/sources and set its id (a 404 can also name a user Genesys does not know: see the message)`;
    }

    /** The target refused the configuration: stop this step's other requests, keep everything pending, back off. */
    function noteConfigFailure(error: SyncError): void {
        stepAbort.abort();
        const now = clock.now();
        const status = error.status ?? 0;
        metrics.configRefusals.inc({ status: String(status) });
        if (!configFailure || configFailure.status !== status) {
            configFailure = {
                status,
                message: error.message,
                hint: configHint(status),
                attempts: 0,
                since: now,
                lastAt: now,
                retryAt: now,
                delays: decorrelatedJitter({ initialMs: 5000, maxMs: 300_000, random: deps.random }),
                step: -1
            };
            logger.error(
                { status, message: error.message, fix: configFailure.hint },
                'sync: the target refuses the worker configuration; every entry stays pending (nothing is ' +
                    'dead-lettered) and the worker retries with backoff until it is fixed. Logged once; see ' +
                    'sync_config_failure and GET /api/sync/diagnostics'
            );
        }
        if (configFailure.step !== stepNo) {
            configFailure.step = stepNo;
            configFailure.attempts++;
            configFailure.retryAt = now + configFailure.delays.next().value;
        }
        configFailure.lastAt = now;
        configFailure.message = error.message;
        metrics.configFailure.set(1);
    }

    /** A write went through: the configuration is fine (again). */
    function targetAccepts(): void {
        if (!configFailure) return;
        logger.info(
            {
                status: configFailure.status,
                since: formatIsoUtc(configFailure.since),
                attempts: configFailure.attempts
            },
            'sync: the target accepts writes again'
        );
        configFailure = undefined;
        metrics.configFailure.set(0);
    }

    function recent429s(): Array<{ at: string; retryAfterMs: number }> {
        return recent429.slice(-20).map((r) => ({ at: formatIsoUtc(r.at), retryAfterMs: r.retryAfterMs }));
    }

    function unref(h: TimerHandle): TimerHandle {
        (h as { unref?: () => void }).unref?.();
        return h;
    }

    function scheduleStep(ms: number): void {
        if (!running) return;
        stepTimer = unref(
            clock.setTimeout(() => {
                stepTimer = undefined;
                stepping = runOnce().then(
                    (n) =>
                        scheduleStep(
                            configFailure
                                ? Math.max(config.pollIntervalMs, configFailure.retryAt - clock.now())
                                : n > 0 && carry.length < n
                                  ? 0
                                  : config.pollIntervalMs
                        ),
                    (error: unknown) => {
                        logger.error({ err: (error as Error).message }, 'sync step failed');
                        scheduleStep(config.pollIntervalMs);
                    }
                );
            }, ms)
        );
    }

    function scheduleReconcile(): void {
        if (!running || config.target !== 'presence') return;
        reconcileTimer = unref(
            clock.setTimeout(() => {
                reconcileTimer = undefined;
                reconciling = reconcileOnce()
                    .catch((error: unknown) => logger.error({ err: (error as Error).message }, 'sync reconcile failed'))
                    .then(scheduleReconcile);
            }, config.reconcileIntervalMs)
        );
    }

    return {
        start() {
            if (running) return;
            running = true;
            abort = newAbort();
            scheduleStep(0);
            scheduleReconcile();
        },
        async stop() {
            running = false;
            if (stepTimer !== undefined) clock.clearTimeout(stepTimer);
            if (reconcileTimer !== undefined) clock.clearTimeout(reconcileTimer);
            stepTimer = reconcileTimer = undefined;
            abort.abort();
            await Promise.allSettled([stepping, reconciling]);
            http.close();
        },
        async diagnostics() {
            return {
                mismatches: [...mismatches],
                configFailure: configFailure
                    ? {
                          status: configFailure.status,
                          message: configFailure.message,
                          hint: configFailure.hint,
                          since: formatIsoUtc(configFailure.since),
                          lastAt: formatIsoUtc(configFailure.lastAt),
                          attempts: configFailure.attempts,
                          retryAt: formatIsoUtc(configFailure.retryAt)
                      }
                    : null,
                superseded: { total: supersededTotal, recent: superseded.slice(-50) },
                recent429s: recent429s(),
                breakerState: breaker.state,
                breakerOpens: breaker.opens,
                queueDepth: await queue.depth(),
                lastTokenRefreshAt: deps.tokens?.lastRefreshAt ? formatIsoUtc(deps.tokens.lastRefreshAt) : null,
                deadLetters: await queue.deadLetters(50)
            };
        },
        status() {
            return {
                running,
                target: config.target,
                breakerState: breaker.state,
                retrying: carry.length,
                delivered: stats.delivered,
                requests: stats.requests,
                saved: { ...stats.saved },
                late: stats.late,
                pausedUntil: configFailure ? configFailure.retryAt : null,
                lastStepAt
            };
        },
        runOnce,
        reconcileOnce
    };
}
