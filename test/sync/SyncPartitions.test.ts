import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RedisClient } from '../../src/adapters/redis/createRedisClient';
import { SyncPartitions } from '../../src/sync/SyncPartitions';
import { cleanup, connectRedis, uniquePrefix } from '../support/redis';
import { FakeClock } from '../support/FakeClock';

describe('SyncPartitions (real Redis)', () => {
    const redis = connectRedis();
    const prefixes: string[] = [];
    after(async () => {
        for (const prefix of prefixes) await cleanup(prefix);
        redis.disconnect();
    });

    it('runs its rounds one at a time: a round started earlier never writes its older lease ends over a newer one', async () => {
        const prefix = uniquePrefix('syncp');
        prefixes.push(prefix);
        const clock = new FakeClock();
        // Holds the first round after it read the clock, until the second has had its chance, as a slow Redis or a busy
        // process would.
        let gate: (() => void) | undefined;
        const held = new Promise<void>((resolve) => (gate = resolve));
        let zcards = 0;
        const client = new Proxy(redis, {
            get(target, prop, receiver) {
                if (prop === 'zcard') {
                    // Every round counts the members once, after reading its clock: the first round waits there.
                    return async (...args: unknown[]) => {
                        if (zcards++ === 0) await held;
                        return (target.zcard as (...a: unknown[]) => Promise<unknown>)(...args);
                    };
                }
                const value = Reflect.get(target, prop, receiver) as unknown;
                return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
            }
        }) as unknown as RedisClient;
        const partitions = new SyncPartitions({
            redis: client,
            keyPrefix: prefix,
            consumer: 'me',
            clock,
            partitions: 4,
            leaseMs: 9_000,
            hasPending: async () => false,
            legacyLeft: async () => false
        });
        const first = partitions.refresh(); // reads the clock now: its leases end at t + 9 s
        await new Promise((resolve) => setImmediate(resolve));
        clock.advance(7_000);
        const second = partitions.refresh(); // 7 s later: its leases end at t + 16 s
        // Let the second round finish first if it may run beside the first (bounded in event-loop turns, no timers).
        const secondDone = second.then(() => true);
        const turn = () => new Promise<boolean>((resolve) => setImmediate(() => resolve(false)));
        for (let i = 0; i < 2_000 && !(await Promise.race([secondDone, turn()])); i++);
        gate!();
        await Promise.all([first, second]);
        // At t + 7 s a lease ending at t + 9 s has less than a third of its 9 s left: it would no longer count as owned.
        assert.deepEqual(partitions.owned().sort(), [0, 1, 2, 3], 'every partition owned by the newer round');
        await partitions.stop();
    });
});
