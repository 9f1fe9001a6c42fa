import type { RedisClient } from '../adapters/redis/createRedisClient';
import type * as restify from 'restify';
import type { Clock, Random, TimerHandle } from '../domain/clock';
import type { GenesysClient } from '../adapters/genesys/GenesysClient';
import { RedisSyncQueue } from '../sync/RedisSyncQueue';
import { MemorySyncQueue, type SyncQueue } from '../sync/SyncQueue';
import { createSyncMetrics } from '../sync/createSyncMetrics';
import { createSyncWorker, type SyncWorker } from '../sync/createSyncWorker';
import type { SyncConfig } from '../sync/syncConfig';
import { registerSyncRoutes } from '../sync/registerSyncRoutes';
import { staticAgentResolver } from '../sync/pipeline/prepareIngest';
import type { AgentResolver } from '../sync/pipeline/validateEvent';
import type { Logger } from '../kit/Logger';
import type { Registry } from 'prom-client';

export interface SyncPartDeps {
    config: SyncConfig;
    clock: Clock;
    random: Random;
    logger: Logger;
    registry: Registry;
    /** Shared Redis connection (durable queue); without it the queue is in memory (sandbox, tests). */
    redis?: RedisClient;
    keyPrefix: string;
    /** Stable per instance, so a restart re-reads its own pending entries. */
    consumer: string;
    /**
     * The bot's Genesys client: shared token (one refresh in flight for the whole app) and the agents of these units
     * (all units with real-time adherence when empty) as the known agents.
     */
    genesys?: { client: GenesysClient; apiBaseUrl: string; managementUnitIds: readonly string[] };
    /** How often the list of known agents is refreshed, ms. @default 600000 */
    agentRefreshMs?: number;
}

export interface SyncPart {
    worker: SyncWorker;
    queue: SyncQueue;
    /** Registers POST /api/sync/events and GET /api/sync/diagnostics. */
    routes(server: restify.Server): void;
    start(): Promise<void>;
    stop(): Promise<void>;
}

/**
 * The sync worker wired into the app: a durable queue (Redis stream when Redis is configured), the worker on the
 * bot's shared Genesys token, and an agent resolver fed by the units' user lists (refreshed in the background).
 * Returns `undefined` when the ingest endpoint is off (`SYNC_INGEST_TOKEN` unset).
 */
export function createSyncPart(deps: SyncPartDeps): SyncPart | undefined {
    const { config, clock, logger } = deps;
    if (!config.enabled) return undefined;
    if (config.target === 'presence' && !deps.genesys) {
        throw new Error('SYNC_TARGET=presence needs the Genesys connection (GENESYS_* settings)');
    }
    const metrics = createSyncMetrics(deps.registry);
    const queue: SyncQueue = deps.redis
        ? new RedisSyncQueue({
              redis: deps.redis,
              keyPrefix: `${deps.keyPrefix}sync:`,
              consumer: deps.consumer,
              clock,
              partitions: config.partitions,
              partitionLeaseMs: config.partitionLeaseMs,
              logger,
              deadLetterItemMaxChars: config.deadLetterItemMaxChars
          })
        : new MemorySyncQueue(undefined, config.deadLetterItemMaxChars);
    const worker = createSyncWorker({
        config,
        queue,
        clock,
        random: deps.random,
        apiBaseUrl: deps.genesys?.apiBaseUrl,
        tokens: deps.genesys?.client.tokens,
        // Presence writes count against the same Genesys token as the bot's own calls: one bucket for both, and a
        // 429 Retry-After pauses both.
        ...(config.target === 'presence' && deps.genesys ? { limiter: deps.genesys.client.limiter } : {}),
        metrics,
        logger
    });

    let known: AgentResolver = staticAgentResolver([], config.agentMap);
    let knownCount = 0;
    let refreshTimer: TimerHandle | undefined;
    let stopped = false;
    const refreshAgents = async (): Promise<void> => {
        if (!deps.genesys) return;
        try {
            const next = new Set<string>();
            const { client } = deps.genesys;
            const units =
                deps.genesys.managementUnitIds.length > 0
                    ? deps.genesys.managementUnitIds
                    : (await client.listManagementUnits()).flatMap((u) => (u.id ? [u.id] : []));
            for (const unit of units) {
                for (const id of await deps.genesys.client.listUnitUsers(unit)) next.add(id);
            }
            if (next.size > 0) {
                known = staticAgentResolver(next, config.agentMap);
                knownCount = next.size;
            }
        } catch (error) {
            logger.warn(
                { err: String(error) },
                'sync: could not refresh the list of known agents; keeping the last one'
            );
        }
    };
    const schedule = (): void => {
        if (stopped) return;
        refreshTimer = clock.setTimeout(() => void refreshAgents().finally(schedule), deps.agentRefreshMs ?? 600_000);
    };
    // Without a Genesys connection (span target only) there is no agent list: a mapped id, else the id as given.
    const resolveAgent: AgentResolver = deps.genesys
        ? (id) => known(id)
        : (id) => (Object.prototype.hasOwnProperty.call(config.agentMap, id) ? config.agentMap[id] : id);

    return {
        worker,
        queue,
        routes: (server) => registerSyncRoutes(server, { config, queue, resolveAgent, clock, metrics, worker, logger }),
        async start() {
            await refreshAgents();
            schedule();
            worker.start();
            logger.info({ target: config.target, knownAgents: knownCount }, 'sync worker started');
        },
        async stop() {
            stopped = true;
            if (refreshTimer !== undefined) clock.clearTimeout(refreshTimer);
            await worker.stop();
            await queue.close();
        }
    };
}
