import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isFree, startRedisCluster } from './redisCluster';

describe('startRedisCluster: a real three-master Redis Cluster on loopback', () => {
    it('serves every slot from three masters, refuses cross-slot commands, and is gone after stop()', async () => {
        const cluster = await startRedisCluster();
        const client = cluster.connect();
        try {
            const slots = (await client.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
            const covered = slots.reduce((n, [from, to]) => n + to - from + 1, 0);
            assert.equal(covered, 16_384);
            assert.deepEqual(new Set(slots.map(([, , [, port]]) => port)), new Set(cluster.ports));
            await client.mset('{a}x', '1', '{a}y', '2');
            assert.deepEqual(await client.mget('{a}x', '{a}y'), ['1', '2']);
            await assert.rejects(
                client.call('MSET', 'x-one-slot', '1', 'y-another-slot', '2'),
                /CROSSSLOT/,
                'keys of two slots in one command are refused'
            );
        } finally {
            client.disconnect();
            await cluster.stop();
        }
        for (const port of cluster.ports) assert.ok(await isFree(port), `port ${port} is free again`);
    });
});
