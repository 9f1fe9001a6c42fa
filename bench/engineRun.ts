/** Runs the engine over frames as the stream feeds it, on a frozen clock (engine and fleet benchmarks). */
import { AdherenceEngine } from '../src/engine/AdherenceEngine';
import type { AgentStateStore } from '../src/engine/ports';
import { mapFrame } from '../src/adapters/genesys/mapping';
import { defaultPolicy } from '../src/engine/engineConfig';
import type { Clock, TimerHandle } from '../src/domain/clock';

/** A clock frozen at `now` (the throughput runs must not fire deadlines mid-measurement). */
export function frozenClock(now: number): Clock {
    return { now: () => now, setTimeout: () => ({}) as TimerHandle, clearTimeout: () => undefined };
}

/** An engine on a frozen clock with large batches, started (its restore is not part of any measurement here). */
export async function startFrozenEngine(store: AgentStateStore, now: number): Promise<AdherenceEngine> {
    const engine = new AdherenceEngine({
        store,
        clock: frozenClock(now),
        policy: defaultPolicy(),
        orphanPollMs: 0,
        maxBatch: 5_000
    });
    await engine.start();
    return engine;
}

/**
 * Frames through the engine as the stream feeds it: `mapFrame`, then `observe([observation])` per frame. The feed
 * yields every `batch` frames (as the socket's message events do), and the engine commits what queued meanwhile.
 */
export async function runEngine(store: AgentStateStore, frames: string[], now: number, batch: number): Promise<number> {
    const engine = await startFrozenEngine(store, now);
    const t = process.hrtime.bigint();
    for (let i = 0; i < frames.length; i++) {
        const frame = mapFrame(frames[i], now);
        if (frame.kind === 'adherence') engine.observe([frame.observation]);
        if (i % batch === batch - 1) await engine.idle();
    }
    await engine.idle();
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    await engine.stop();
    return frames.length / seconds;
}
