import type { AgentStateStore } from '../engine/ports';
import type { BotStore } from '../adapters/teams/BotStore';
import type { TeamsConfig } from '../adapters/teams/teamsConfig';
import { OutboxDispatcher } from '../adapters/teams/delivery/OutboxDispatcher';
import type { Deliverer } from '../adapters/teams/delivery/ports';
import type { AppContext } from './appContext';

/**
 * The outbox dispatcher: sends the engine's durable notifications through the deliverer within the Teams limits,
 * claiming each one (bot store) so that one instance sends it; counted in the app's delivery metrics.
 */
export function createDispatcher(
    config: TeamsConfig,
    deps: { agentStore: AgentStateStore; botStore: BotStore; deliverer: Deliverer; instanceId: string },
    ctx: AppContext
): OutboxDispatcher {
    const { metrics } = ctx;
    return new OutboxDispatcher({
        store: deps.agentStore,
        deliverer: deps.deliverer,
        clock: ctx.clock,
        random: ctx.random,
        claims: deps.botStore,
        instanceId: deps.instanceId,
        limits: config.limits,
        backoff: config.backoff,
        maxAttempts: config.maxAttempts,
        pollMs: config.outboxPollMs,
        logger: ctx.logger,
        metrics: {
            sent: (kind, latencyMs) => {
                metrics.sent.inc({ kind });
                metrics.latency.observe(latencyMs / 1000);
            },
            failed: (code) => metrics.failures.inc({ code }),
            throttled: () => metrics.throttled.inc(),
            dropped: (reason) => metrics.dropped.inc({ reason })
        }
    });
}
