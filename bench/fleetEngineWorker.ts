/**
 * One instance of the fleet engine benchmark (`fleet.bench.ts` starts it): the engine on Redis over its share of the
 * trace's management units (an instance of a fleet is given its units with GENESYS_MANAGEMENT_UNITS). Prints `ready`
 * once the trace is built, starts on a line on stdin, then prints `{"frames","start","end"}` (epoch ms).
 * Args: share index, shares, Redis key prefix.
 */
import { createRedisStore } from '../src/adapters/redis/RedisAgentStateStore';
import { runEngine } from './engineRig';
import { adherenceTrace } from './support';

export const FLEET_TRACE = {
    agents: 20_000,
    framesPerAgent: 5,
    now: Date.UTC(2026, 10, 23, 12),
    seed: 13,
    unitSize: 1_500
};

async function main(): Promise<void> {
    const [share, shares] = process.argv.slice(2, 4).map(Number);
    const keyPrefix = process.argv[4];
    const { agents, framesPerAgent, now, seed, unitSize } = FLEET_TRACE;
    const trace = adherenceTrace(agents, framesPerAgent, now, seed);
    // Frame i is agent i % agents, whose unit is that agent's block of 1,500.
    const mine = trace.frames.filter((_, i) => Math.floor((i % agents) / unitSize) % shares === share);
    const store = createRedisStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix });
    process.stdout.write('ready\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const rate = await runEngine(store, mine, now, 2_000);
    const end = Date.now();
    process.stdout.write(
        `${JSON.stringify({ frames: mine.length, start: end - (mine.length / rate) * 1_000, end })}\n`
    );
    await store.close();
    process.exit(0);
}

void main();
