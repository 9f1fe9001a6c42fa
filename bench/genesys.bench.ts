/**
 * Genesys adapter benchmarks, on loopback against the emulator, wall clock:
 *  1. reconnect-to-resynced for one unit of 1,500 agents after a forced server-side drop (p50, p95), measured from the
 *     reconnect attempt (the jittered backoff wait is policy, reported separately) to the engine having applied the
 *     REST snapshot;
 *  2. socket -> decision throughput (frames/s): emulator events through the WebSocket, mapping, into a counting sink,
 *     and into the real AdherenceEngine (memory store) until it has committed every decision.
 *
 * Run: npx tsx bench/genesys.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { AdherenceStream, type AdherenceSink, type StreamEvent } from '../src/adapters/genesys/AdherenceStream';
import { GenesysClient } from '../src/adapters/genesys/GenesysClient';
import { createSystemClock } from '../src/kit/systemClock';
import { MemoryAgentStateStore } from '../src/adapters/memory/MemoryAgentStateStore';
import type { Observation } from '../src/domain/adherence/types';
import { AdherenceEngine } from '../src/engine/AdherenceEngine';
import { Secret } from '../src/kit/Secret';
import { defaultPolicy } from '../src/engine/engineConfig';
import { startGenesysEmulator, type RunningEmulator } from '../src/emulator/GenesysEmulator';

function report(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
    console.log(JSON.stringify({ bench: 'genesys', metric, value: Math.round(value * 10) / 10, unit, ...extra }));
}

function percentile(xs: number[], p: number): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function until(cond: () => boolean, deadlineMs = 30_000): Promise<void> {
    const start = Date.now();
    while (!cond()) {
        if (Date.now() - start > deadlineMs) throw new Error('bench timed out');
        await new Promise<void>((r) => setImmediate(r));
    }
}

function clientFor(emu: RunningEmulator, clock = createSystemClock()): GenesysClient {
    return new GenesysClient({
        config: {
            apiBaseUrl: emu.url,
            loginBaseUrl: emu.loginUrl,
            clientId: emu.clientId,
            clientSecret: new Secret(emu.clientSecret),
            tokenRefreshMarginMs: 300_000,
            requestsPerMinute: 100_000
        },
        clock,
        random: Math.random
    });
}

const streamConfig = {
    managementUnitIds: [] as string[],
    pingIntervalMs: 30_000,
    heartbeatTimeoutMs: 75_000,
    renewBeforeMs: 3_600_000,
    reconnectInitialMs: 1_000,
    reconnectMaxMs: 60_000
};

async function reconnectBench(): Promise<void> {
    const clock = createSystemClock();
    const emu = await startGenesysEmulator({ units: 1, agentsPerUnit: 1_500, rateLimitPerMinute: 0 });
    const client = clientFor(emu, clock);
    const store = new MemoryAgentStateStore();
    const engine = new AdherenceEngine({ store, clock, policy: defaultPolicy() });
    await engine.start();
    const events: StreamEvent[] = [];
    const stream = new AdherenceStream({
        client,
        sink: engine,
        clock,
        random: Math.random,
        config: streamConfig,
        onEvent: (e) => events.push(e)
    });
    await stream.start();
    await until(() => events.some((e) => e.type === 'resynced'));
    await engine.idle();

    const resyncMs: number[] = [];
    const totalMs: number[] = [];
    const agents = [...emu.control.center.agents.keys()];
    const rounds = 15;
    for (let i = 0; i < rounds; i++) {
        // Something changes while the socket is down: it must come back through the snapshot.
        const dropAt = performance.now();
        let connectingAt = 0;
        const resynced = events.filter((e) => e.type === 'resynced').length;
        const onConnecting = events.length;
        emu.control.dropSockets();
        await until(() => !stream.status().connected);
        emu.control.setPresence(agents[(i * 97) % agents.length], i % 2 ? 'OnQueue' : 'Away');
        await until(() => events.slice(onConnecting).some((e) => e.type === 'connecting'));
        connectingAt = performance.now();
        await until(() => events.filter((e) => e.type === 'resynced').length > resynced);
        await engine.idle();
        const done = performance.now();
        resyncMs.push(done - connectingAt);
        totalMs.push(done - dropAt);
    }
    const p50 = percentile(resyncMs, 50);
    report('reconnect_to_resynced_p50', p50, 'ms', { agents: 1_500, rounds, target: 1_000, pass: p50 <= 1_000 });
    report('reconnect_to_resynced_p95', percentile(resyncMs, 95), 'ms', { agents: 1_500, rounds });
    report('drop_to_resynced_incl_backoff_p50', percentile(totalMs, 50), 'ms', {
        agents: 1_500,
        rounds,
        note: 'includes the jittered reconnect backoff (GENESYS_RECONNECT_INITIAL_MS=1000)'
    });
    await stream.stop();
    await engine.stop();
    client.close();
    await emu.close();
}

class CountingSink implements AdherenceSink {
    count = 0;
    observe(observations: readonly Observation[]): void {
        this.count += observations.length;
    }
    reconcile(): void {}
    scheduleChanged(): void {}
}

async function throughputBench(useEngine: boolean): Promise<void> {
    const clock = createSystemClock();
    const emu = await startGenesysEmulator({ units: 1, agentsPerUnit: 1_500, rateLimitPerMinute: 0 });
    const client = clientFor(emu, clock);
    const counting = new CountingSink();
    let engine: AdherenceEngine | undefined;
    let sink: AdherenceSink = counting;
    if (useEngine) {
        engine = new AdherenceEngine({ store: new MemoryAgentStateStore(), clock, policy: defaultPolicy() });
        await engine.start();
        const e = engine;
        sink = {
            observe: (o) => {
                counting.observe(o);
                e.observe(o);
            },
            reconcile: (mu, o) => e.reconcile(mu, o),
            scheduleChanged: (mu) => e.scheduleChanged(mu)
        };
    }
    const events: StreamEvent[] = [];
    const stream = new AdherenceStream({
        client,
        sink,
        clock,
        random: Math.random,
        config: streamConfig,
        onEvent: (e) => events.push(e)
    });
    await stream.start();
    await until(() => events.some((e) => e.type === 'resynced'));
    await engine?.idle();

    const agents = [...emu.control.center.agents.keys()];
    const frames = useEngine ? 30_000 : 60_000;
    const start = performance.now();
    for (let i = 0; i < frames; i++) {
        const id = agents[i % agents.length];
        emu.control.setPresence(id, Math.floor(i / agents.length) % 2 === 0 ? 'Away' : 'OnQueue');
        if (i % 500 === 499) await new Promise<void>((r) => setImmediate(r));
    }
    const sent = emu.control.framesSent;
    await until(() => counting.count >= frames, 60_000);
    await engine?.idle();
    const seconds = (performance.now() - start) / 1000;
    const metric = useEngine ? 'socket_to_engine_decision_throughput' : 'socket_to_sink_throughput';
    const target = useEngine ? 1_000 : 5_000;
    report(metric, frames / seconds, 'frames/s', {
        frames,
        framesSent: sent,
        target,
        pass: frames / seconds >= target
    });
    await stream.stop();
    await engine?.stop();
    client.close();
    await emu.close();
}

async function main(): Promise<void> {
    await reconnectBench();
    await throughputBench(false);
    await throughputBench(true);
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e);
        process.exit(1);
    }
);
