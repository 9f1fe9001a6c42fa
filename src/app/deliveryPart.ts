import type { Cluster, Redis } from 'ioredis';
import type { AgentStateStore } from '../engine/ports';
import { RedisRateGate } from '../adapters/redis/RedisRateGate';
import type { BotStore } from '../adapters/teams/BotStore';
import type { TeamsConfig } from '../adapters/teams/teamsConfig';
import { OutboxDispatcher } from '../adapters/teams/delivery/OutboxDispatcher';
import type { Deliverer, DeliveryLimits } from '../adapters/teams/delivery/ports';
import { LocalRateGate, type RateGate } from '../kit/RateGate';
import type { AppContext } from './appContext';

/**
 * How long after its slot a send may reach Teams at the latest, ms, as far as the fleet's gate knows until the send
 * settles its slot: a process that dies (or loses Redis) mid-send leaves its slot counted that late.
 */
const IN_FLIGHT_MS = 1_000;

/**
 * Sends in flight at once: a quarter second of the app's budget (8 to 64), enough to keep it busy; each holds a claim,
 * so a process that dies leaves few behind.
 */
function inFlightFor(limits: DeliveryLimits): number {
    const perSecond = Math.min(...limits.perApp.map((w) => (w.limit * 1_000) / w.windowMs));
    return Math.min(64, Math.max(8, Math.ceil(perSecond / 4)));
}

/**
 * Teams' limits as one gate for every instance on the shared Redis (each send one Lua call; a 429's pause shared), or
 * for this process alone with the memory store.
 */
export function createRateGate(
    limits: DeliveryLimits,
    redis: Redis | Cluster | undefined,
    instanceId: string
): RateGate {
    const perKey = limits.perConversation;
    const overall = limits.perApp;
    // The shared client already prefixes every key with REDIS_KEY_PREFIX.
    return redis
        ? new RedisRateGate({ redis, limits: { perKey, overall, inFlightMs: IN_FLIGHT_MS }, owner: instanceId })
        : new LocalRateGate({ perKey, overall });
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
        redis: Redis | Cluster | undefined;
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
        maxInFlight: inFlightFor(config.limits),
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
