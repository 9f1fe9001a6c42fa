import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { startGenesysEmulator, type RunningEmulator } from '../../src/emulator/GenesysEmulator';
import { silentLogger } from '../../src/kit/Logger';
import { FakeClock } from './FakeClock';
import { FakeBotConnector } from './fakeBotConnector';
import { QUIET_SOCKET_ENV, genesysEnv } from './genesysEnv';
import { cleanup as cleanPrefix, redisUrl as REDIS_URL } from './redis';

/** Polls `cond` (between real processes and sockets) until it holds; the deadline only stops a broken test. */
export async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
    }
}

/** The whole product path on one fake clock: Genesys emulator → app (real Redis, real botbuilder) → fake connector. */
export interface GenesysTeamsRig {
    clock: FakeClock;
    emulator: RunningEmulator;
    connector: FakeBotConnector;
    app: App;
    /** Move the fake clock `ms` ahead a second at a time, letting the engine and the outbox settle after each. */
    advance(ms: number): Promise<void>;
    close(): Promise<void>;
}

/**
 * Starts the emulator (one unit, no simulation), lets `prepare` script it and the connector's roster before the app
 * starts, then the app in test mode under `prefix` with `env` on top, and waits for the stream and the first snapshot.
 */
export async function startGenesysTeamsRig(options: {
    prefix: string;
    agentsPerUnit: number;
    /** More variables for the app, read once `prepare` ran (they may name what it picked). */
    env?(emulator: RunningEmulator): Record<string, string>;
    prepare?(emulator: RunningEmulator, connector: FakeBotConnector): void;
}): Promise<GenesysTeamsRig> {
    const clock = new FakeClock();
    const emulator = await startGenesysEmulator({
        clock,
        units: 1,
        agentsPerUnit: options.agentsPerUnit,
        simulate: false,
        rateLimitPerMinute: 0,
        heartbeatIntervalMs: 24 * 3_600_000
    });
    const connector = new FakeBotConnector();
    await connector.start();
    options.prepare?.(emulator, connector);
    const app = await createApp(
        loadConfig({
            ADHERENCE_MODE: 'test',
            PORT: '0',
            HOST: '127.0.0.1',
            REDIS_URL,
            REDIS_KEY_PREFIX: options.prefix,
            ...genesysEnv(emulator),
            ...QUIET_SOCKET_ENV,
            ...options.env?.(emulator)
        }),
        { clock, random: () => 0.5, logger: silentLogger() }
    );
    await until(() => app.stream?.status().connected === true, 'stream connected');
    await until(() => app.engine.trackedAgents === options.agentsPerUnit, 'first snapshot applied');
    return {
        clock,
        emulator,
        connector,
        app,
        async advance(ms) {
            const to = clock.now() + ms;
            while (clock.now() < to) {
                clock.advance(Math.min(1_000, to - clock.now()));
                await app.engine.idle();
                await app.dispatcher.idle();
            }
        },
        async close() {
            await app.close();
            await emulator.close();
            await connector.stop();
            await cleanPrefix(options.prefix);
        }
    };
}
