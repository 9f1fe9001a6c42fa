import { Writable } from 'node:stream';
import {
    AdherenceStream,
    type AdherenceStreamOptions,
    type StreamEvent
} from '../../../src/adapters/genesys/AdherenceStream';
import { createGenesysMetrics } from '../../../src/adapters/genesys/genesysMetrics';
import { createLogger } from '../../../src/app/logger';
import { seededRandom } from '../../../src/emulator/seededRandom';
import type { GenesysEmulatorOptions } from '../../../src/emulator/GenesysEmulator';
import { RecordingSink, startRig, until, type Rig } from './support';

/** The stream settings of the tests (the production defaults, with a 10 s reconnect cap). */
export const STREAM_CONFIG: AdherenceStreamOptions['config'] = {
    managementUnitIds: [],
    pingIntervalMs: 30_000,
    heartbeatTimeoutMs: 75_000,
    renewBeforeMs: 3_600_000,
    reconnectInitialMs: 1_000,
    reconnectMaxMs: 10_000
};

export interface StreamRig extends Rig {
    stream: AdherenceStream;
    sink: RecordingSink;
    events: StreamEvent[];
    logs: string[];
    metrics: ReturnType<typeof createGenesysMetrics>;
}

const rigs: StreamRig[] = [];

/** Stop every stream started by {@link startStream} and close its rig (an `afterEach`). */
export async function closeStreams(): Promise<void> {
    for (const r of rigs.splice(0)) {
        await r.stream.stop();
        await r.close();
    }
}

/**
 * An emulator (2 units of 25 agents unless `emulatorOptions` say otherwise), a client and a started stream on one fake
 * clock, with a recording sink, the stream events, the JSON log lines and the metrics. Waits for the first re-sync of
 * every channel unless `waitForResync` is false.
 */
export async function startStream(
    emulatorOptions: GenesysEmulatorOptions = {},
    overrides: Partial<Omit<AdherenceStreamOptions, 'config'>> & {
        config?: Partial<AdherenceStreamOptions['config']>;
    } = {},
    beforeStart: (rig: Rig) => void = () => undefined,
    waitForResync = true
): Promise<StreamRig> {
    const rig = await startRig({ units: 2, agentsPerUnit: 25, rateLimitPerMinute: 0, ...emulatorOptions });
    beforeStart(rig);
    const sink = new RecordingSink();
    const events: StreamEvent[] = [];
    const logs: string[] = [];
    const metrics = createGenesysMetrics();
    const destination = new Writable({
        write(chunk, _enc, cb) {
            logs.push(String(chunk));
            cb();
        }
    });
    const stream = new AdherenceStream({
        client: rig.client,
        sink,
        clock: rig.clock,
        random: seededRandom(11),
        metrics,
        logger: createLogger({ level: 'debug', destination }),
        onEvent: (e) => events.push(e),
        ...overrides,
        config: { ...STREAM_CONFIG, ...overrides.config }
    });
    const r: StreamRig = { ...rig, stream, sink, events, logs, metrics };
    rigs.push(r);
    await stream.start();
    if (!waitForResync) return r;
    await until(
        () => events.filter((e) => e.type === 'resynced').length === stream.status().channels.length,
        'initial re-sync'
    );
    return r;
}
