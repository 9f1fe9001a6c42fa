import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type * as restify from 'restify';
import type { Clock, Random } from '../domain/clock';
import { AdherenceEngine } from '../engine/AdherenceEngine';
import type { AgentStateStore, CoverageSource } from '../engine/ports';
import { createAgentStateStore } from '../adapters/store/createAgentStateStore';
import { createRetentionJob } from '../analytics/retentionJob';
import { adherenceSink } from './adherenceSink';
import { createSyncPart } from './syncPart';
import { sharedRedis } from './sharedRedis';
import { ActionSigner } from '../adapters/teams/ActionSigner';
import { BotService, type DirectoryPort } from '../adapters/teams/BotService';
import type { BotStore } from '../adapters/teams/BotStore';
import { MemoryBotStore } from '../adapters/teams/MemoryBotStore';
import { RedisBotStore } from '../adapters/teams/RedisBotStore';
import { TeamsDeliverer } from '../adapters/teams/TeamsDeliverer';
import { createTeamsBot } from '../adapters/teams/bot';
import type { AdaptiveCardJson } from '../cards/renderCard';
import { OutboxDispatcher } from '../delivery/OutboxDispatcher';
import { GenesysClient } from '../adapters/genesys/GenesysClient';
import { UserDirectory } from '../adapters/genesys/UserDirectory';
import { ScheduleCoverage } from '../adapters/genesys/ScheduleCoverage';
import { AdherenceStream } from '../adapters/genesys/adherenceStream';
import { createGenesysMetrics } from '../adapters/genesys/genesysMetrics';
import { registerReportRoutes } from '../adapters/http/reportRoutes';
import { createDriftReportService } from '../analytics/driftReportService';
import { createReportCardProvider } from '../adapters/teams/reportCardProvider';
import type { Config } from './config';
import type { Logger } from '../kit/Logger';
import { createLogger } from './logger';
import { createMetrics, type AppMetrics } from './metrics';
import { createServer, type ReadinessCheck, type RouteRegistrar } from './server';
import { systemClock } from '../kit/systemClock';

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
 * The sync worker's consumer name in the Redis consumer group: `INSTANCE_ID`, else the hostname. It stays the same
 * across restarts of the same host, so a restarted process re-reads its own pending entries first, before newer ones; a
 * per-process name (`hostname-pid`) left them to XAUTOCLAIM `SYNC_CLAIM_IDLE_MS` later, after newer events had been
 * sent. Several processes on one host need an `INSTANCE_ID` each.
 */
export function syncConsumerName(instanceId: string | undefined, host: string = hostname()): string {
    return instanceId ?? host;
}

/**
 * The one composition root: builds clock, logger, stores, engine, bot, outbox dispatcher and HTTP server from a
 * parsed {@link Config}, starts them, and returns a handle whose `close()` stops everything it started.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
    const clock = overrides.clock ?? systemClock;
    const random = overrides.random ?? Math.random;
    const logger = overrides.logger ?? createLogger({ level: config.app.logLevel });
    const metrics = createMetrics();
    const instanceId = config.app.instanceId ?? `${hostname()}-${process.pid}`;
    const closers: Array<() => Promise<void> | void> = [];

    if (!config.teams.botId) {
        logger.warn(
            { mode: config.teams.mode },
            `running in ${config.teams.mode} mode WITHOUT Bot Framework authentication (BOT_ID is empty): never expose this instance`
        );
    }

    const redis = sharedRedis(config.store, (client) => closers.push(() => void client.disconnect()));
    let agentStore = overrides.agentStore;
    if (!agentStore) {
        agentStore = createAgentStateStore(config.store);
        const owned = agentStore;
        closers.push(() => owned.close());
    }
    let botStore = overrides.botStore;
    if (!botStore) {
        const client = await redis();
        botStore = client ? new RedisBotStore(client) : new MemoryBotStore(clock);
    }

    let genesys: { client: GenesysClient; users: UserDirectory; coverage: ScheduleCoverage } | undefined;
    let directory = overrides.directory;
    if (config.genesys) {
        const g = config.genesys;
        const genesysMetrics = createGenesysMetrics(metrics.registry);
        const client = new GenesysClient({ config: g, clock, random, logger, metrics: genesysMetrics });
        const users = new UserDirectory({ client, clock, ttlMs: g.userCacheTtlMs, logger });
        const coverage = new ScheduleCoverage({
            client,
            clock,
            exceptionActivityCodeIds: g.exceptionActivityCodeIds,
            exceptionCategories: g.exceptionCategories,
            ttlMs: g.scheduleCacheTtlMs,
            logger
        });
        genesys = { client, users, coverage };
        closers.push(() => {
            coverage.stop();
            client.close();
        });
        directory ??= {
            displayName: async (id) => (await users.get([id])).get(id)?.name,
            findByEmail: async (email) => users.findByEmail(email),
            findUnit: async (nameOrId) => {
                const units = await client.listManagementUnits();
                const unit =
                    units.find((u) => u.id === nameOrId) ??
                    units.find((u) => u.name?.toLowerCase() === nameOrId.toLowerCase());
                return unit?.id ? { id: unit.id, name: unit.name ?? unit.id } : undefined;
            }
        };
    }

    const engine = new AdherenceEngine({
        store: agentStore,
        clock,
        policy: config.engine.policy,
        coverage: overrides.coverage ?? genesys?.coverage,
        dampening: config.engine.dampening,
        deadlineLeaseMs: config.engine.deadlineLeaseMs,
        orphanPollMs: config.engine.orphanPollMs,
        maxQueued: config.engine.maxQueued,
        logger,
        metrics: {
            observations: (n) => metrics.eventsIn.inc(n),
            folded: (n) => metrics.folded.inc(n),
            episodesStarted: (n) => metrics.episodesStarted.inc(n),
            notificationsQueued: (kind, n) => metrics.notificationsQueued.inc({ kind }, n)
        }
    });

    const a = config.analytics;
    const directoryUsers = genesys?.users;
    const reports = createDriftReportService({
        store: agentStore,
        clock,
        timeZoneOf: (unit) => a.unitTimeZones[unit] ?? a.defaultTimeZone,
        retentionDays: a.retentionDays,
        topAgents: a.topAgents,
        ...(directoryUsers ? { namesOf: async (ids: string[]) => namesFrom(await directoryUsers.get(ids)) } : {}),
        cacheMs: a.cacheMs
    });
    const reportLimits = { defaultDays: a.defaultDays, maxDays: a.maxDays };
    const reportToken = a.reportApiToken?.reveal();
    const retention = createRetentionJob({
        store: agentStore,
        clock,
        retentionDays: a.retentionDays,
        intervalMs: a.trimIntervalMs,
        onTrimmed: ({ trimmed }) =>
            trimmed > 0 && logger.info({ trimmed }, 'episode log trimmed to the retention period'),
        onError: (err) => logger.warn({ err: String(err) }, 'episode log trim failed; retrying at the next interval')
    });
    const reportCard = createReportCardProvider({ reports, limits: reportLimits });

    const signer = config.teams.actionSigningSecret
        ? new ActionSigner(config.teams.actionSigningSecret.reveal())
        : ActionSigner.random();
    const store = agentStore;
    const service = new BotService({
        engine,
        store: botStore,
        signer,
        clock,
        directory,
        readLog: (q) => store.readLog(q),
        report: overrides.report ?? ((days, units) => reportCard(days, units) as Promise<AdaptiveCardJson>),
        supervisors: config.teams.supervisors,
        channelMembersSupervise: config.teams.channelMembersSupervise,
        userOverrides: config.teams.userOverrides,
        timeZone: config.teams.timeZone,
        onRefusal: (reason) => metrics.refusals.inc({ reason }),
        logger
    });
    const bot = createTeamsBot({
        credentials: {
            appId: config.teams.botId,
            appPassword: config.teams.botPassword.reveal(),
            appType: config.teams.botType,
            tenantId: config.teams.botTenantId
        },
        service,
        store: botStore,
        logger
    });
    const deliverer = new TeamsDeliverer(
        botStore,
        bot.sender,
        service,
        {
            noPersonalConversation: () => metrics.noPersonalConversation.inc(),
            noAlertChannel: () => metrics.noAlertChannel.inc(),
            referenceDropped: (kind) => metrics.referencesDropped.inc({ kind })
        },
        logger
    );
    const dispatcher = new OutboxDispatcher({
        store: agentStore,
        deliverer,
        clock,
        random,
        claims: botStore,
        instanceId,
        limits: config.teams.limits,
        backoff: config.teams.backoff,
        maxAttempts: config.teams.maxAttempts,
        pollMs: config.teams.outboxPollMs,
        logger,
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
    engine.onOutbox(() => dispatcher.kick());

    const sync = createSyncPart({
        config: config.sync,
        clock,
        random,
        logger,
        registry: metrics.registry,
        redis: config.sync.enabled ? await redis() : undefined,
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
    });

    const bots = botStore;
    let stream: AdherenceStream | undefined;
    let connectedOnce = false;
    const server = createServer({
        processMessage: (req, res) => bot.process(req, res),
        readiness: [
            {
                name: 'store',
                check: async () => {
                    await store.dueOutbox(0, 1);
                    return true;
                }
            },
            ...(bots instanceof RedisBotStore ? [{ name: 'redis', check: () => bots.ping() }] : []),
            ...(config.genesys ? [{ name: 'genesys', check: () => stream?.status().connected ?? false }] : []),
            ...(overrides.readiness ?? [])
        ],
        metrics: async () => {
            metrics.openEpisodes.set(engine.openEpisodes().length);
            metrics.queued.set(engine.queued);
            return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
        },
        routes: [
            (srv) => void registerReportRoutes(srv, { token: reportToken, reports, limits: reportLimits, logger }),
            ...(sync ? [sync.routes] : []),
            ...(overrides.routes ?? [])
        ],
        onError: (error) => logger.error({ err: String(error) }, 'request failed')
    });

    await engine.start();
    dispatcher.start();
    retention.start();
    await sync?.start();
    if (genesys && config.genesys) {
        stream = new AdherenceStream({
            client: genesys.client,
            sink: adherenceSink(engine, genesys.coverage),
            config: config.genesys,
            clock,
            random,
            logger,
            onEvent: (e) => {
                if (e.type !== 'connected') return;
                if (connectedOnce) metrics.reconnects.inc();
                connectedOnce = true;
            }
        });
        await stream.start();
    }
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.app.port, config.app.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = config.app.host === '0.0.0.0' ? '127.0.0.1' : config.app.host;
    const url = `http://${host}:${address.port}`;
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
        metrics,
        logger,
        close: () =>
            (closed ??= (async () => {
                await overrides.onClose?.();
                await new Promise<void>((resolve) => server.close(() => resolve()));
                await stream?.stop();
                await sync?.stop();
                await retention.stop();
                await dispatcher.stop();
                await engine.stop();
                for (const c of closers.reverse()) await c();
            })())
    };
    await overrides.onStart?.(app);
    return app;
}

/** Display names out of the Genesys user directory's answer. */
function namesFrom(users: ReadonlyMap<string, { name: string }>): Map<string, string> {
    return new Map([...users].map(([id, user]) => [id, user.name]));
}
