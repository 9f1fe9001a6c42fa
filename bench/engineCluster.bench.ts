/**
 * The engine on a three-master Redis Cluster against the standalone Redis, in the same run (issue 16): the trace of
 * `engine.bench.ts`'s Redis part (100,000 frames, 20,000 agents) through the engine on each backend, events/s, and the
 * restore of those 20,000 agents; each cluster figure with its ratio to the standalone one. The cluster is started on
 * loopback ports with Debian's redis-server and redis-cli, and stopped after.
 * Run: `npm run bench -- engineCluster` (REDIS_URL or redis://127.0.0.1:6379 for the standalone side).
 */
import { RedisAgentStateStore } from '../src/adapters/redis/RedisAgentStateStore';
import type { RedisClient } from '../src/adapters/redis/createRedisClient';
import { cleanup, connectRedis, uniquePrefix } from '../test/support/redis';
import { startRedisCluster } from '../test/support/redisCluster';
import { medianRestoreMs, runEngine } from './engineRig';
import { adherenceTrace, report } from './support';

const AGENTS = 20_000;

/** Events/s of the trace and the median restore time of its agents, on clients from `connect`. */
async function measure(connect: () => RedisClient, now: number, frames: string[]): Promise<[number, number]> {
    const keyPrefix = uniquePrefix('bench-engine');
    const store = new RedisAgentStateStore(connect(), { keyPrefix }, { owned: true });
    try {
        const rate = await runEngine(store, frames, now, 2_000);
        const restore = await medianRestoreMs(
            () => new RedisAgentStateStore(connect(), { keyPrefix }, { owned: true }),
            now,
            AGENTS
        );
        return [rate, restore];
    } finally {
        await store.close();
        await cleanup(keyPrefix);
    }
}

async function main(): Promise<void> {
    const now = Date.UTC(2026, 10, 23, 12);
    const trace = adherenceTrace(AGENTS, 5, now, 13);
    const cluster = await startRedisCluster(3);
    try {
        const [rate, restore] = await measure(connectRedis, now, trace.frames);
        const [clusterRate, clusterRestore] = await measure(() => cluster.connect(), now, trace.frames);
        const common = { frames: trace.frames.length, agents: AGENTS, masters: 3, note: 'same run, same trace' };
        report({
            bench: 'engine',
            metric: 'frames_to_decisions_redis_cluster',
            value: Math.round(clusterRate),
            unit: 'events/s',
            standalone: Math.round(rate),
            ratio: Math.round((clusterRate / rate) * 100) / 100,
            ...common,
            target: '>= 20000',
            pass: clusterRate >= 20_000
        });
        report({
            bench: 'engine',
            metric: 'restore_20000_agents_redis_cluster',
            value: Math.round(clusterRestore),
            unit: 'ms',
            standalone: Math.round(restore),
            ratio: Math.round((clusterRestore / restore) * 100) / 100,
            ...common,
            target: '<= 2000',
            pass: clusterRestore <= 2_000
        });
    } finally {
        await cluster.stop();
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
