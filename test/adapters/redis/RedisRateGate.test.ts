import { after, describe } from 'node:test';
import type { Cluster, Redis } from 'ioredis';
import { RedisRateGate } from '../../../src/adapters/redis/RedisRateGate';
import type { RateGateLimits } from '../../../src/kit/RateGate';
import { TEST_LIMITS, rateGateContract } from '../../kit/rateGateContract';
import { cleanup, connectRedis, uniquePrefix } from '../../support/redis';
import { useRedisCluster } from '../../support/redisCluster';

/** `n` gates, each on its own connection (as the instances of a fleet), under a fresh prefix. */
function gatesOn(connect: () => Redis | Cluster, prefixes: string[], clients: Array<Redis | Cluster>) {
    return (n: number, limits: RateGateLimits = TEST_LIMITS) => {
        const keyPrefix = uniquePrefix('rate');
        prefixes.push(keyPrefix);
        return Array.from({ length: n }, (_, i) => {
            const redis = connect();
            clients.push(redis);
            return new RedisRateGate({ redis, limits, keyPrefix, owner: `instance-${i}` });
        });
    };
}

describe('RedisRateGate on standalone Redis', () => {
    const prefixes: string[] = [];
    const clients: Array<Redis | Cluster> = [];
    after(async () => {
        for (const c of clients) c.disconnect();
        for (const p of prefixes) await cleanup(p);
    });
    rateGateContract(gatesOn(connectRedis, prefixes, clients));
});

describe('RedisRateGate on a three-master Redis Cluster', () => {
    const cluster = useRedisCluster();
    const clients: Array<Redis | Cluster> = [];
    after(() => {
        for (const c of clients) c.disconnect();
    });
    rateGateContract(gatesOn(() => cluster().connect(), [], clients));
});
