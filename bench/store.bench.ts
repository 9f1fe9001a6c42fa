/**
 * Redis store benchmark: commit throughput (20,000 agents in batches of 500) and restore time (loadAll of 20,000), on
 * the standalone Redis and then, in the same run, on a three-master Redis Cluster started on loopback (Debian's
 * redis-server and redis-cli), with each cluster figure's ratio to the standalone one.
 * Run: npx tsx bench/store.bench.ts   (REDIS_URL or redis://127.0.0.1:6379; writes under a unique prefix, then deletes it)
 */
import { performance } from 'node:perf_hooks';
import type { AgentRecord } from '../src/domain/adherence/types';
import type { StateChange } from '../src/engine/ports';
import { RedisAgentStateStore } from '../src/adapters/redis/RedisAgentStateStore';
import type { RedisClient } from '../src/adapters/redis/createRedisClient';
import { change, logEntry, nudge, record } from '../test/adapters/storeContract';
import { cleanup, connectRedis, uniquePrefix } from '../test/support/redis';
import { startRedisCluster } from '../test/support/redisCluster';

const AGENTS = 20_000;
const BATCH = 500;
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

type Backend = 'standalone' | 'cluster';
/** The figures of one backend, by metric, for the ratios. */
type Figures = Map<string, number>;

function emitter(backend: Backend, figures: Figures) {
    return (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void => {
        figures.set(metric, value);
        const name = backend === 'standalone' ? metric : `${metric}_cluster`;
        const line = { bench: 'stores', metric: name, value: Math.round(value * 10) / 10, unit, backend, ...extra };
        console.log(JSON.stringify(line));
    };
}

/** Every figure of one backend; `connect` opens a new client on it (the bench closes each one). */
async function measure(backend: Backend, connect: () => RedisClient): Promise<Figures> {
    const figures: Figures = new Map();
    const emit = emitter(backend, figures);
    const prefix = uniquePrefix('bench');
    const client = connect();
    const store = new RedisAgentStateStore(client, { keyPrefix: prefix });
    const ids = Array.from({ length: AGENTS }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    try {
        await store.getMany(['warm-up']);

        // Round 1: new agents, each with a deadline, one log entry and one outbox notification (an episode start + nudge).
        const full = (id: string, i: number): StateChange =>
            change(id, 0, { dueAt: T0 + i, log: [logEntry(id, T0 + i)], outbox: [nudge(id, `${id}:nudge`, T0 + i)] });
        let started = performance.now();
        const latencies: number[] = [];
        for (let i = 0; i < AGENTS; i += BATCH) {
            const t = performance.now();
            const results = await store.commit(ids.slice(i, i + BATCH).map((id, j) => full(id, i + j)));
            latencies.push(performance.now() - t);
            if (!results.every((r) => r.ok)) throw new Error('unexpected conflict');
        }
        let elapsedS = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        emit('commit_throughput_with_log_outbox', AGENTS / elapsedS, 'changes/s', {
            agents: AGENTS,
            batch: BATCH,
            target: 2000,
            pass: AGENTS / elapsedS >= 2000
        });
        emit('commit_batch_p50', latencies[Math.floor(latencies.length / 2)], 'ms', { batch: BATCH });
        emit('commit_batch_p99', latencies[Math.floor(latencies.length * 0.99)], 'ms', { batch: BATCH });

        // Round 2: record + deadline only (the common "nothing to say" update).
        started = performance.now();
        for (let i = 0; i < AGENTS; i += BATCH) {
            await store.commit(
                ids.slice(i, i + BATCH).map((id, j) => ({
                    ...change(id, 1),
                    record: record(id, 2, { lastChangeAt: T0 + i + j }),
                    dueAt: T0 + 60_000 + i + j
                }))
            );
        }
        elapsedS = (performance.now() - started) / 1000;
        emit('commit_throughput_record_only', AGENTS / elapsedS, 'changes/s', {
            agents: AGENTS,
            batch: BATCH,
            target: 2000,
            pass: AGENTS / elapsedS >= 2000
        });

        // Restore: a fresh instance on a fresh connection loads every record.
        const restoreClient = connect();
        const restored = new RedisAgentStateStore(restoreClient, { keyPrefix: prefix });
        try {
            await restored.getExclusions();
            started = performance.now();
            const loaded: AgentRecord[] = [];
            await restored.loadAll((page) => loaded.push(...page));
            const restoreMs = performance.now() - started;
            if (loaded.length !== AGENTS) throw new Error(`restored ${loaded.length} of ${AGENTS}`);
            emit('restore_loadAll', restoreMs, 'ms', { records: AGENTS, target: 2000, pass: restoreMs <= 2000 });
            started = performance.now();
            const deadlines = await restored.listDeadlines();
            emit('restore_listDeadlines', performance.now() - started, 'ms', { deadlines: deadlines.length });
        } finally {
            await restored.close();
            restoreClient.disconnect();
        }
    } finally {
        await store.close();
        if (backend === 'standalone') await cleanup(prefix); // the cluster goes with its data after
        client.disconnect();
    }
    return figures;
}

async function main(): Promise<void> {
    const standalone = await measure('standalone', connectRedis);
    const cluster = await startRedisCluster(3);
    try {
        const onCluster = await measure('cluster', () => cluster.connect());
        for (const [metric, value] of onCluster) {
            const base = standalone.get(metric);
            if (base === undefined || base === 0) continue;
            console.log(
                JSON.stringify({
                    bench: 'stores',
                    metric: `${metric}_cluster_ratio`,
                    value: Math.round((value / base) * 100) / 100,
                    unit: 'x standalone',
                    cluster: Math.round(value * 10) / 10,
                    standalone: Math.round(base * 10) / 10,
                    masters: 3,
                    note: 'same run; throughput: higher is better, latency/time: lower is better'
                })
            );
        }
    } finally {
        await cluster.stop();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
