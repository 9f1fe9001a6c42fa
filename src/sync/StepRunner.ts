import { setMaxListeners } from 'node:events';
import type { Clock } from '../domain/clock';
import { formatIsoUtc } from '../domain/isoInstant';
import type { Logger } from '../kit/Logger';
import type { ConfigFailureTracker } from './ConfigFailureTracker';
import type { SyncMetrics } from './createSyncMetrics';
import type { DiagnosticsLog } from './DiagnosticsLog';
import type { SyncConfig } from './syncConfig';
import { applyTransitionMatrix } from './pipeline/applyTransitionMatrix';
import { dedupe } from './pipeline/dedupe';
import type { AckedState, SyncEvent } from './pipeline/types';
import type { DeadLetter, QueuedEvent, SyncQueue } from './SyncQueue';
import type { AgentOutcome, StepContext, SyncTarget } from './SyncTarget';

/** Counters of the worker since start (the status route shows them). */
export interface SyncStats {
    delivered: number;
    requests: number;
    /** Span target: spans older than the agent's last acknowledged one, sent anyway. */
    late: number;
    saved: { duplicate: number; stale: number; coalesced: number };
}

export interface StepRunnerDeps {
    config: Pick<SyncConfig, 'readBatch' | 'transitions' | 'target'>;
    queue: SyncQueue;
    clock: Clock;
    logger: Logger;
    metrics: SyncMetrics;
    stats: SyncStats;
    target: SyncTarget;
    configFailures: ConfigFailureTracker;
    diagnostics: DiagnosticsLog;
}

/** An abort controller many senders wait on at once (limiter, sleeps): no listener-count warning. */
export function sharedAbort(): AbortController {
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    return c;
}

/**
 * One pipeline step over the queue: read (after the entries this process is retrying), apply the transition matrix
 * and dedupe against the last acknowledged state, send through the target, record what was acknowledged, then
 * acknowledge the queue entries. Agents that failed stay pending and are retried first, in order.
 */
export class StepRunner {
    /** Entries waiting for a retry in this process (still pending in the queue). */
    private carry: QueuedEvent[] = [];
    private stepNo = 0;
    lastStepAt: number | null = null;

    constructor(private readonly deps: StepRunnerDeps) {}

    /** Entries this process is retrying. */
    get retrying(): number {
        return this.carry.length;
    }

    /** One step; `signal` is the worker's (stop). Returns the entries handled. */
    async runOnce(signal: AbortSignal): Promise<number> {
        const { config, queue, clock, configFailures } = this.deps;
        // The target refuses the configuration: nothing is read or sent until the retry time.
        if (configFailures.retryAt !== undefined && clock.now() < configFailures.retryAt) return 0;
        const carry = queue.retain ? queue.retain(this.carry) : this.carry;
        const fresh = carry.length < config.readBatch ? await queue.read(config.readBatch - carry.length) : [];
        // XAUTOCLAIM may hand back entries this process is already retrying: keep one copy, in carry order.
        const carried = new Set(carry.map((q) => q.id));
        const entries = [...carry, ...fresh.filter((q) => !carried.has(q.id))];
        this.carry = [];
        if (entries.length === 0) return 0;
        this.lastStepAt = clock.now();
        const stepNo = ++this.stepNo;
        // Aborted when the target refuses the configuration: the step's other requests are not sent.
        const stepAbort = sharedAbort();
        const stepSignal = AbortSignal.any([signal, stepAbort.signal]);
        setMaxListeners(0, stepSignal);
        const step: StepContext = {
            signal: stepSignal,
            accepted: () => configFailures.accepted(),
            refused: (error) => {
                stepAbort.abort();
                configFailures.refused(error, stepNo);
            }
        };
        try {
            return await this.process(entries, step);
        } catch (error) {
            // Nothing was acknowledged: keep every entry for the next step (ordering and no loss preserved).
            this.carry = entries;
            throw error;
        }
    }

    private async process(entries: QueuedEvent[], step: StepContext): Promise<number> {
        const { queue, target, metrics } = this.deps;
        const byAgent = new Map<string, QueuedEvent[]>();
        for (const q of entries) {
            const list = byAgent.get(q.event.agentId);
            if (list) list.push(q);
            else byAgent.set(q.event.agentId, [q]);
        }
        const last = await queue.lastAcked([...byAgent.keys()]);
        // Matrix refusals are dead-lettered with the agent's other entries, not while the agent is retried (a retried
        // entry is refused again on the next step: once is enough).
        const refused = new Map<string, DeadLetter[]>();
        const plan = new Map<string, SyncEvent[]>();
        for (const [agent, list] of byAgent) {
            const p = this.planAgent(agent, list, last.get(agent));
            if (p.refused.length > 0) refused.set(agent, p.refused);
            plan.set(agent, p.send);
        }
        const outcomes = await target.send(plan, last, step);
        const letters: DeadLetter[] = [];
        const newAcked = new Map<string, AckedState>();
        const ackIds: string[] = [];
        for (const [agent, list] of byAgent) {
            const o: AgentOutcome = outcomes.get(agent) ?? { kind: 'ok' };
            if (o.kind === 'retry') {
                this.carry.push(...list);
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
                this.deps.stats.delivered++;
                metrics.delivered.inc();
            }
            if (o.kind === 'rejected') {
                letters.push({ at: this.deps.clock.now(), rejection: o.rejection, item: plan.get(agent) });
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

    /** What to send for one agent: its events through the matrix, then dedupe against its last acknowledged state. */
    private planAgent(
        agent: string,
        list: QueuedEvent[],
        la: AckedState | undefined
    ): { send: SyncEvent[]; refused: DeadLetter[] } {
        const { config, clock, logger, metrics, stats, diagnostics } = this.deps;
        let prev = la?.state;
        const events: SyncEvent[] = [];
        const refused: DeadLetter[] = [];
        for (const q of list) {
            const r = applyTransitionMatrix(prev, q.event, config.transitions);
            if (!r.ok) {
                refused.push({ at: clock.now(), rejection: r.rejection, item: q.event });
                continue;
            }
            events.push(...r.events);
            prev = q.event.state;
        }
        const agentLast = new Map<string, AckedState>();
        if (la) agentLast.set(agent, la);
        // A span is a historical fact: one older than the last acknowledged span (an entry re-claimed after newer
        // ones went out) is sent anyway, its idempotency key covers repeats. A presence state that old is superseded:
        // counted and kept inspectable, never dropped silently.
        const d = dedupe(events, agentLast, { stale: config.target === 'span' ? 'send' : 'drop' });
        stats.saved.duplicate += d.duplicates.length;
        stats.saved.stale += d.stale.length;
        metrics.saved.inc({ reason: 'duplicate' }, d.duplicates.length);
        metrics.saved.inc({ reason: 'stale' }, d.stale.length);
        if (d.stale.length > 0) {
            let newest: { state: string; startAt: number } | undefined = la;
            for (const e of d.send) if (!newest || e.startAt > newest.startAt) newest = e;
            diagnostics.noteSuperseded(d.stale, newest);
        }
        if (d.late.length > 0) {
            stats.late += d.late.length;
            metrics.late.inc(d.late.length);
            logger.info(
                { agentId: agent, spans: d.late.length, lastAckedStartTime: la && formatIsoUtc(la.startAt) },
                'sync: sending spans older than the last acknowledged one (re-claimed late)'
            );
        }
        return { send: d.send, refused };
    }
}
