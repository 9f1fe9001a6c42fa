import type { AdherenceEngine } from '../engine/AdherenceEngine';
import { GenesysClient } from '../adapters/genesys/GenesysClient';
import { ScheduleCoverage } from '../adapters/genesys/ScheduleCoverage';
import { UserDirectory } from '../adapters/genesys/UserDirectory';
import { AdherenceStream } from '../adapters/genesys/AdherenceStream';
import { ExplanationWriter, type ExplanationSink } from '../adapters/genesys/ExplanationWriter';
import type { GenesysConfig } from '../adapters/genesys/genesysConfig';
import { createGenesysMetrics } from '../adapters/genesys/genesysMetrics';
import type { DirectoryPort } from '../adapters/teams/ports';
import type { AppContext } from './appContext';
import { adherenceSink } from './adherenceSink';

export interface GenesysPart {
    client: GenesysClient;
    users: UserDirectory;
    coverage: ScheduleCoverage;
    /** The user directory and unit look-up the bot asks (names, e-mail mapping, `subscribe <unit>`). */
    directory: DirectoryPort;
    /** The explanation writer, reporting Genesys' answers to `sink` (the engine). */
    explanationWriter(sink: ExplanationSink): ExplanationWriter;
    /** Opens the adherence notification stream into the engine (once the engine started); counts reconnects. */
    startStream(engine: AdherenceEngine): Promise<AdherenceStream>;
}

/** The Genesys client (one token for the whole app), the user directory and the schedule coverage; closed on shutdown. */
export function createGenesysPart(config: GenesysConfig, ctx: AppContext): GenesysPart {
    const { clock, random, logger } = ctx;
    const metrics = createGenesysMetrics(ctx.metrics.registry);
    const client = new GenesysClient({ config, clock, random, logger, metrics });
    const users = new UserDirectory({ client, clock, ttlMs: config.userCacheTtlMs, logger });
    const coverage = new ScheduleCoverage({
        client,
        clock,
        exceptionActivityCodeIds: config.exceptionActivityCodeIds,
        exceptionCategories: config.exceptionCategories,
        ttlMs: config.scheduleCacheTtlMs,
        logger
    });
    ctx.onClose(() => {
        coverage.stop();
        client.close();
    });
    const directory: DirectoryPort = {
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
    let connectedOnce = false;
    const startStream = async (engine: AdherenceEngine): Promise<AdherenceStream> => {
        const stream = new AdherenceStream({
            client,
            sink: adherenceSink(engine, coverage),
            config,
            clock,
            random,
            logger,
            metrics,
            onEvent: (e) => {
                if (e.type !== 'connected') return;
                if (connectedOnce) ctx.metrics.reconnects.inc();
                connectedOnce = true;
            }
        });
        await stream.start();
        return stream;
    };
    const explanationWriter = (sink: ExplanationSink) => new ExplanationWriter({ client, sink, clock, logger });
    return { client, users, coverage, directory, startStream, explanationWriter };
}
