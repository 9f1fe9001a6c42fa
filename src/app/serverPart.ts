import type { AddressInfo } from 'node:net';
import type * as restify from 'restify';
import type { AdherenceEngine } from '../engine/AdherenceEngine';
import type { AgentStateStore } from '../engine/ports';
import type { BotStore } from '../adapters/teams/BotStore';
import { RedisBotStore } from '../adapters/teams/RedisBotStore';
import type { TeamsBot } from '../adapters/teams/bot';
import type { AppConfig } from './config';
import type { AppContext } from './appContext';
import { createServer, type ReadinessCheck, type RouteRegistrar } from './server';

export interface AppServerDeps {
    bot: TeamsBot;
    engine: AdherenceEngine;
    agentStore: AgentStateStore;
    botStore: BotStore;
    /** Whether the Genesys stream is connected; absent when Genesys is not configured. */
    genesysConnected?: () => boolean;
    /** The Genesys stream's status when something is wrong (refused topics, last error), shown in `/readyz` details. */
    genesysDetail?: () => unknown;
    /** More readiness checks, after the store, Redis and Genesys ones. */
    readiness: readonly ReadinessCheck[];
    routes: readonly RouteRegistrar[];
}

/**
 * The HTTP server: the bot endpoint, `/readyz` (the agent store answers, the shared Redis answers, the Genesys stream
 * is connected, plus the given checks), `/metrics` (with the engine's gauges refreshed) and the parts' routes.
 */
export function createAppServer(deps: AppServerDeps, ctx: AppContext): restify.Server {
    const { engine, agentStore, botStore, genesysConnected, genesysDetail } = deps;
    const { metrics, logger } = ctx;
    return createServer({
        processMessage: (req, res) => deps.bot.process(req, res),
        readiness: [
            {
                name: 'store',
                check: async () => {
                    await agentStore.dueOutbox(0, 1);
                    return true;
                }
            },
            ...(botStore instanceof RedisBotStore ? [{ name: 'redis', check: () => botStore.ping() }] : []),
            ...(genesysConnected ? [{ name: 'genesys', check: genesysConnected, detail: genesysDetail }] : []),
            ...deps.readiness
        ],
        metrics: async () => {
            metrics.openEpisodes.set(engine.openEpisodes().length);
            metrics.queued.set(engine.queued);
            return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
        },
        routes: [...deps.routes],
        onError: (error) => logger.error({ err: String(error) }, 'request failed'),
        clock: ctx.clock
    });
}

/** Listens on the configured host and port; the `http://host:port` URL to reach it (loopback for `0.0.0.0`). */
export async function listen(server: restify.Server, config: Pick<AppConfig, 'host' | 'port'>): Promise<string> {
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    return `http://${host}:${address.port}`;
}
