import { hostname } from 'node:os';
import type { RedisClient } from '../adapters/redis/createRedisClient';
import type * as restify from 'restify';
import type { Clock, Random } from '../domain/clock';
import type { AdherenceEngine } from '../engine/AdherenceEngine';
import type { AgentStateStore, CoverageSource } from '../engine/ports';
import type { AdherenceStream, AdherenceStreamStatus } from '../adapters/genesys/AdherenceStream';
import type { DirectoryPort } from '../adapters/teams/ports';
import type { BotStore } from '../adapters/teams/BotStore';
import type { AdaptiveCardJson } from '../cards/renderCard';
import type { OutboxDispatcher } from '../adapters/teams/delivery/OutboxDispatcher';
import type { Logger } from '../kit/Logger';
import { systemClock } from '../kit/systemClock';
import type { AppContext } from './appContext';
import type { Config } from './config';
import { createDispatcher } from './deliveryPart';
import { createEngine } from './enginePart';
import { withExplanationWrites } from './explanationDelivery';
import { createGenesysPart, type GenesysPart } from './genesysPart';
import { createLogger } from './logger';
import { createMetrics, type AppMetrics } from './metrics';
import { createReportPart } from './reportPart';
import { createShiftRouting } from './routingPart';
import type { ReadinessCheck, RouteRegistrar } from './server';
import { createAppServer, listen } from './serverPart';
import { createStoresPart } from './storesPart';
import { createSyncPart, type SyncPartDeps } from './syncPart';
import { createTeamsPart } from './teamsPart';

/** Test seams and the hooks other parts plug into. Everything is optional. */
export interface AppOverrides {
    clock?: Clock;
    random?: Random;
    logger?: Logger;
    /** Use this store instead of building one from the config (the caller closes it). */
    agentStore?: AgentStateStore;
    botStore?: BotStore;
    /** Genesys user directory and unit look-up. */
    directory?: DirectoryPort;
    coverage?: CoverageSource;
    /** `report [days]` card renderer (analytics). */
    report?(days: number, managementUnitIds: string[]): Promise<AdaptiveCardJson>;
    /** More readiness checks (e.g. the Genesys stream status). */
    readiness?: ReadinessCheck[];
    /** More routes (sync ingest, analytics JSON). */
    routes?: RouteRegistrar[];
    /** Called after the server listens (start the Genesys stream here); awaited by `close()` via `onClose`. */
    onStart?(app: App): Promise<void> | void;
    onClose?(): Promise<void> | void;
}

export interface App {
    server: restify.Server;
    /** `http://host:port` the server listens on. */
    url: string;
    engine: AdherenceEngine;
    dispatcher: OutboxDispatcher;
    /** The Genesys notification stream, when Genesys is configured. */
    stream: AdherenceStream | undefined;
    agentStore: AgentStateStore;
    botStore: BotStore;
    metrics: AppMetrics;
    logger: Logger;
    close(): Promise<void>;
}

/**
 * The sync worker's consumer name in the Redis consumer group and owner of its partition leases: `INSTANCE_ID`, else
 * the hostname. It stays the same across restarts of the same host, so a restarted process takes its own partitions
 * back at once (its leases name it) instead of waiting for them to expire. Several processes on one host need an
 * `INSTANCE_ID` each.
 */
export function syncConsumerName(instanceId: string | undefined, host: string = hostname()): string {
    return instanceId ?? host;
}

/**
 * The one composition root: builds clock, logger, stores, engine, bot, outbox dispatcher and HTTP server from a
 * parsed {@link Config} (each part in its own wiring module), starts them, and returns a handle whose `close()` stops
 * everything it started.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
    const closers: Array<() => Promise<void> | void> = [];
    const ctx: AppContext = {
        clock: overrides.clock ?? systemClock,
        random: overrides.random ?? Math.random,
        logger: overrides.logger ?? createLogger({ level: config.app.logLevel }),
        metrics: createMetrics(),
        onClose: (step) => void closers.push(step)
    };
    const { logger } = ctx;
    const instanceId = config.app.instanceId ?? `${hostname()}-${process.pid}`;
    warnIfUnauthenticated(config, logger);

    const { agentStore, botStore, redis } = await createStoresPart(config.store, ctx, overrides);
    const genesys = config.genesys ? createGenesysPart(config.genesys, ctx) : undefined;
    const routing = createShiftRouting(config, botStore, ctx);
    const engine = createEngine(
        config.engine,
        { agentStore, coverage: overrides.coverage ?? genesys?.coverage, alertWindows: routing },
        ctx
    );
    const report = createReportPart(config.analytics, { agentStore, users: genesys?.users }, ctx);
    const teams = createTeamsPart(
        config.teams,
        {
            engine,
            botStore,
            agentStore,
            directory: overrides.directory ?? genesys?.directory,
            routing,
            schedule: genesys?.coverage,
            report: overrides.report ?? report.card
        },
        ctx
    );
    const dispatcher = createDispatcher(
        config.teams,
        {
            agentStore,
            botStore,
            deliverer: withExplanationWrites(teams.deliverer, genesys?.explanationWriter(engine)),
            instanceId,
            redis: await redis()
        },
        ctx
    );
    engine.onOutbox(() => dispatcher.kick());
    const sync = createSyncPart(syncDeps(config, ctx, config.sync.enabled ? await redis() : undefined, genesys));

    let stream: AdherenceStream | undefined;
    const server = createAppServer(
        {
            bot: teams.bot,
            engine,
            agentStore,
            botStore,
            genesysConnected: genesys ? () => stream?.status().connected ?? false : undefined,
            genesysDetail: () => streamTrouble(stream),
            readiness: overrides.readiness ?? [],
            routes: [report.routes, ...(sync ? [sync.routes] : []), ...(overrides.routes ?? [])]
        },
        ctx
    );

    await routing.start();
    await engine.start();
    dispatcher.start();
    report.retention.start();
    await sync?.start();
    if (genesys) stream = await genesys.startStream(engine);
    const url = await listen(server, config.app);
    logger.info({ url, mode: config.teams.mode, instanceId }, 'adherence drift bot listening');

    let closed: Promise<void> | undefined;
    const app: App = {
        server,
        url,
        engine,
        dispatcher,
        stream,
        agentStore,
        botStore,
        metrics: ctx.metrics,
        logger,
        close: () =>
            (closed ??= closeInOrder([
                () => overrides.onClose?.(),
                () => new Promise<void>((resolve) => server.close(() => resolve())),
                () => stream?.stop(),
                () => sync?.stop(),
                () => report.retention.stop(),
                () => dispatcher.stop(),
                () => engine.stop(),
                () => routing.stop(),
                ...closers.reverse()
            ]))
    };
    await overrides.onStart?.(app);
    return app;
}

function warnIfUnauthenticated(config: Config, logger: Logger): void {
    if (config.teams.botId) return;
    logger.warn(
        { mode: config.teams.mode },
        `running in ${config.teams.mode} mode WITHOUT Bot Framework authentication (BOT_ID is empty): never expose this instance`
    );
}

/** The sync part's dependencies: on the shared Redis (already prefixed) and the bot's Genesys client when configured. */
function syncDeps(
    config: Config,
    ctx: AppContext,
    redis: RedisClient | undefined,
    genesys: GenesysPart | undefined
): SyncPartDeps {
    return {
        config: config.sync,
        clock: ctx.clock,
        random: ctx.random,
        logger: ctx.logger,
        registry: ctx.metrics.registry,
        redis,
        // The shared client already prefixes every key with REDIS_KEY_PREFIX.
        keyPrefix: '',
        consumer: syncConsumerName(config.app.instanceId),
        genesys:
            genesys && config.genesys
                ? {
                      client: genesys.client,
                      apiBaseUrl: config.genesys.apiBaseUrl,
                      managementUnitIds: config.genesys.managementUnitIds
                  }
                : undefined
    };
}

/** Runs the shutdown steps one after the other, in the given order. */
async function closeInOrder(steps: ReadonlyArray<() => Promise<unknown> | unknown>): Promise<void> {
    for (const step of steps) await step();
}

/** The stream's status when something needs an operator (not connected, refused topics, an error), else undefined. */
function streamTrouble(stream: AdherenceStream | undefined): AdherenceStreamStatus | { started: false } | undefined {
    if (!stream) return { started: false };
    const status = stream.status();
    return status.connected && status.rejectedTopics.length === 0 && !status.lastError ? undefined : status;
}
