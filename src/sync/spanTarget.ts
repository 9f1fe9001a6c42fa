import type { Clock } from '../domain/clock';
import { formatIsoUtc } from '../domain/isoInstant';
import { idempotencyKey } from './pipeline/payloadHash';
import { splitAtMidnight } from './pipeline/splitAtMidnight';
import type { AckedState, SyncEvent } from './pipeline/types';
import type { SyncConfig } from './syncConfig';
import type { SyncHttp } from './SyncHttp';
import { ackedState, failedOutcome, type AgentOutcome, type StepContext, type SyncTarget } from './SyncTarget';

export interface SpanTargetDeps {
    http: SyncHttp;
    config: Pick<SyncConfig, 'timeZone'> & { spanUrl: string };
    clock: Clock;
    /** Agents sent concurrently. @default 16 */
    concurrency?: number;
}

/**
 * The generic span endpoint: each event is POSTed as spans split at local midnight, each with a deterministic
 * `Idempotency-Key`, in order per agent; agents go concurrently. An agent stops at its first failed span.
 */
export function spanTarget(deps: SpanTargetDeps): SyncTarget {
    const { http, config, clock } = deps;

    async function sendAgent(events: SyncEvent[], step: StepContext): Promise<AgentOutcome> {
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
                        url: config.spanUrl,
                        body,
                        headers: { 'Idempotency-Key': idempotencyKey(span) },
                        signal: step.signal
                    });
                    hash = res.payloadHash;
                    step.accepted();
                } catch (error) {
                    return failedOutcome(error, step, lastAcked);
                }
            }
            // The newest span sent is the agent's state (a late span sent after a newer one does not replace it).
            if (!lastAcked || e.startAt >= lastAcked.startAt) lastAcked = ackedState(e, hash, clock.now());
        }
        return { kind: 'ok', acked: lastAcked };
    }

    async function send(
        plan: ReadonlyMap<string, SyncEvent[]>,
        _last: ReadonlyMap<string, AckedState>,
        step: StepContext
    ): Promise<Map<string, AgentOutcome>> {
        const out = new Map<string, AgentOutcome>();
        const agents = [...plan.keys()];
        let next = 0;
        const workers = Array.from({ length: Math.min(deps.concurrency ?? 16, agents.length) }, async () => {
            while (next < agents.length) {
                const a = agents[next++];
                out.set(a, await sendAgent(plan.get(a)!, step));
            }
        });
        await Promise.all(workers);
        return out;
    }

    return { send };
}
