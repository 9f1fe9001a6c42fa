import type Redis from 'ioredis';
import type { AgentStateStore } from '../engine/ports';
import { RedisRateGate } from '../adapters/redis/RedisRateGate';
import type { BotStore } from '../adapters/teams/BotStore';
import type { TeamsConfig } from '../adapters/teams/teamsConfig';
import { OutboxDispatcher } from '../adapters/teams/delivery/OutboxDispatcher';
import type { Deliverer, DeliveryLimits } from '../adapters/teams/delivery/ports';
import { LocalRateGate, type RateGate } from '../kit/RateGate';
import type { AppContext } from './appContext';

/**
 * Teams' limits as one gate for every instance on the shared Redis (each send one Lua call; a 429's pause shared), or
 * for this process alone with the memory store.
 */
export function createRateGate(limits: DeliveryLimits, redis: Redis | undefined, instanceId: string): RateGate {
    const gateLimits = { perKey: limits.perConversation, overall: limits.perApp };
    // The shared client already prefixes every key with REDIS_KEY_PREFIX.
    return redis ? new RedisRateGate({ redis, limits: gateLimits, owner: instanceId }) : new LocalRateGate(gateLimits);
}

/**
 * The outbox dispatcher: sends the engine's durable notifications through the deliverer within the Teams limits
 * (shared by the fleet through `redis`, the shared connection, when the store is Redis), claiming each one (bot
 * store) so that one instance sends it; counted in the app's delivery metrics.
 */
export function createDispatcher(
    config: TeamsConfig,
    deps: {
        agentStore: AgentStateStore;
        botStore: BotStore;
        deliverer: Deliverer;
        instanceId: string;
        redis: Redis | undefined;
    },
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
        gate: createRateGate(config.limits, deps.redis, deps.instanceId),
        backoff: config.backoff,
        maxAttempts: config.maxAttempts,
        pollMs: config.outboxPollMs,
        claimLeaseMs: config.deliveryLeaseMs,
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
