import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import Redis, { Cluster } from 'ioredis';
import { eventually } from './eventually';
import { keysUnder } from './redis';

/** A Redis Cluster of masters on loopback, started by a test from Debian's `redis-server` and `redis-cli`. */
export interface RunningRedisCluster {
    /** The masters' ports (the cluster bus of each is port + 10000). */
    ports: number[];
    /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…`: the `REDIS_URL` form the app takes for a cluster. */
    url: string;
    /** A new ioredis Cluster client on these nodes (the caller closes it). */
    connect(options?: { keyPrefix?: string }): Cluster;
    /** Every key under `prefix` on every master (SCAN of each node). */
    keysUnder(prefix: string): Promise<string[]>;
    /** Stops every node and deletes the data folder. */
    stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
});

/** Whether nothing listens on `port` of 127.0.0.1 (checked by binding it for a moment). */
export function isFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(false));
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
}

/** `count` free ports in 20000–29999 whose cluster bus port (+10000) is free too. */
async function freePorts(count: number): Promise<number[]> {
    const ports: number[] = [];
    for (let attempt = 0; ports.length < count && attempt < 200; attempt++) {
        const port = 20_000 + Math.floor(Math.random() * 10_000);
        if (ports.includes(port)) continue;
        if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
    }
    if (ports.length < count) throw new Error('no free loopback ports for a Redis Cluster');
    return ports;
}

async function ping(port: number): Promise<true | undefined> {
    const client = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null
    });
    client.on('error', () => undefined);
    try {
        await client.connect();
        return (await client.ping()) === 'PONG' ? true : undefined;
    } finally {
        client.disconnect();
    }
}

async function clusterOk(port: number): Promise<true | undefined> {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
        await client.connect();
        const info = String(await client.call('CLUSTER', 'INFO'));
        return /cluster_state:ok/.test(info) && /cluster_known_nodes:(\d+)/.exec(info)?.[1] ? true : undefined;
    } finally {
        client.disconnect();
    }
}

/**
 * Starts `masters` `redis-server --cluster-enabled yes` processes on free loopback ports (nothing persisted, data folder
 * under the OS temp folder), joins them with `redis-cli --cluster create … --cluster-yes` (no replicas) and waits until
 * every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<RunningRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'adb-cluster-'));
    const ports = await freePorts(masters);
    const children = ports.map((port) => {
        const data = join(dir, String(port));
        mkdirSync(data);
        const child = spawn(
            'redis-server',
            [
                // A long node timeout: on a loaded test machine a node slow to answer the cluster bus must not be
                // voted failed (three masters, no replicas: that would take the whole cluster down mid-test).
                ...['--port', String(port), '--bind', '127.0.0.1', '--dir', data],
                ...['--cluster-enabled', 'yes', '--cluster-config-file', join(data, 'nodes.conf')],
                ...['--cluster-node-timeout', '30000', '--save', '', '--appendonly', 'no', '--logfile', '']
            ],
            { stdio: 'ignore' }
        );
        running.add(child);
        child.once('exit', () => running.delete(child));
        return child;
    });
    const stop = async (): Promise<void> => {
        await Promise.all(
            children.map(
                (child) =>
                    new Promise<void>((resolve) => {
                        if (child.exitCode !== null || child.signalCode !== null) return resolve();
                        child.once('exit', () => resolve());
                        child.kill('SIGKILL');
                    })
            )
        );
        rmSync(dir, { recursive: true, force: true });
    };
    try {
        for (const port of ports) await eventually(() => ping(port), `redis-server on ${port}`, { timeoutMs: 10_000 });
        const create = spawnSync(
            'redis-cli',
            ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
            { encoding: 'utf8', timeout: 30_000 }
        );
        if (create.status !== 0)
            throw new Error(`redis-cli --cluster create failed:\n${create.stdout}${create.stderr}`);
        for (const port of ports) await eventually(() => clusterOk(port), `cluster_state:ok on ${port}`);
    } catch (error) {
        await stop();
        throw error;
    }
    const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
    return {
        ports,
        url: `redis+cluster://${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`,
        connect: (options = {}) =>
            new Cluster(nodes, {
                lazyConnect: true,
                keyPrefix: options.keyPrefix,
                redisOptions: { maxRetriesPerRequest: 1 }
            }),
        keysUnder: async (prefix) => {
            const found: string[] = [];
            for (const port of ports) {
                const node = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
                try {
                    found.push(...(await keysUnder(node, prefix)));
                } finally {
                    node.disconnect();
                }
            }
            return found.sort();
        },
        stop
    };
}

/**
 * A three-master cluster started before the enclosing `describe` (or file) and stopped after it. The getter throws
 * when read before `before()` ran.
 */
export function useRedisCluster(masters = 3): () => RunningRedisCluster {
    let cluster: RunningRedisCluster | undefined;
    before(async () => {
        cluster = await startRedisCluster(masters);
    });
    after(async () => {
        await cluster?.stop();
    });
    return () => {
        if (!cluster) throw new Error('the Redis Cluster starts in before()');
        return cluster;
    };
}
