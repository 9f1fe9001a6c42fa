import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisStore } from '../../src/adapters/redis/RedisAgentStateStore';
import { AdherenceEngine } from '../../src/engine/AdherenceEngine';
import { cleanup, redisUrl, uniquePrefix } from '../support/redis';
import { FakeClock } from '../support/FakeClock';
import { MIN, out, policy, T0 } from '../support/adherence';
import { drain, engineSuite } from './engineSuite';
import { explanationSuite } from './explanationSuite';

const prefixes: string[] = [];
const redisStores = {
    async make() {
        const keyPrefix = uniquePrefix('engine');
        prefixes.push(keyPrefix);
        const store = createRedisStore({ url: redisUrl, keyPrefix });
        return { store, shared: async () => createRedisStore({ url: redisUrl, keyPrefix }) };
    },
    async cleanup() {
        for (const p of prefixes.splice(0)) await cleanup(p);
    }
};
engineSuite('Redis', redisStores);
explanationSuite('Redis', redisStores);

describe('AdherenceEngine restart on Redis', () => {
    const keyPrefix = uniquePrefix('restart');
    after(() => cleanup(keyPrefix));

    async function instance(clock: FakeClock) {
        const store = createRedisStore({ url: redisUrl, keyPrefix });
        const engine = new AdherenceEngine({ store, clock, policy: policy(), orphanPollMs: 0 });
        await engine.start();
        return { store, engine };
    }

    it('fires each stage exactly once at its original due time across restarts (or at once if overdue)', async () => {
        const clock = new FakeClock(T0);
        // First life: two agents start drifting; 'early' is nudged before the stop.
        let { store, engine } = await instance(clock);
        engine.observe([out(T0, { userId: 'early' })]);
        clock.advanceTo(T0 + 2 * MIN);
        engine.observe([out(T0 + 2 * MIN, { userId: 'late' })]);
        await engine.idle();
        clock.advanceTo(T0 + 7 * MIN);
        await engine.idle();
        assert.deepEqual(await drain(store, clock.now()), ['nudge:early']);
        await engine.stop();
        await store.close();

        // Down for a while: 'late' is overdue for its nudge (due T0+8) when the next instance starts at T0+9.
        clock.advanceTo(T0 + 9 * MIN);
        ({ store, engine } = await instance(clock));
        clock.advance(0);
        await engine.idle();
        assert.deepEqual(
            await drain(store, clock.now()),
            ['nudge:late'],
            'overdue: at once, and early is not nudged again'
        );
        const late = engine.openEpisodes().find((e) => e.record.userId === 'late')!;
        assert.equal(late.state.episode.startedAt, T0 + 2 * MIN, 'the drift clock survived the restart');

        // Original due times from here on: early alert at T0+10, late alert at T0+12.
        clock.advanceTo(T0 + 10 * MIN);
        await engine.idle();
        assert.deepEqual(await drain(store, clock.now()), ['alert:early']);
        await engine.stop();
        await store.close();

        ({ store, engine } = await instance(clock));
        clock.advanceTo(T0 + 12 * MIN);
        await engine.idle();
        assert.deepEqual(await drain(store, clock.now()), ['alert:late']);
        clock.advanceTo(T0 + 30 * MIN);
        await engine.idle();
        assert.deepEqual((await drain(store, clock.now())).sort(), ['update:exception:early', 'update:exception:late']);
        const log = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
        const count = (type: string, user: string) => log.filter((e) => e.type === type && e.userId === user).length;
        for (const user of ['early', 'late']) {
            assert.equal(count('nudge', user), 1);
            assert.equal(count('alert', user), 1);
            assert.equal(count('exception', user), 1);
        }
        await engine.stop();
        await store.close();
    });
});
