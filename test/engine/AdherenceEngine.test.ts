import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAgentStateStore } from '../../src/adapters/memory/MemoryAgentStateStore';
import { AdherenceEngine } from '../../src/engine/AdherenceEngine';
import { FakeClock } from '../support/FakeClock';
import { MIN, out, policy, T0 } from '../support/adherence';
import { engineSuite } from './engineSuite';
import { explanationSuite } from './explanationSuite';

const memoryStores = {
    async make() {
        const store = new MemoryAgentStateStore();
        // One process, one store: a second "instance" shares the same object (close is a no-op on shared data).
        return { store, shared: async () => store };
    },
    async cleanup() {}
};
engineSuite('the in-memory store', memoryStores);
explanationSuite('the in-memory store', memoryStores);

describe('AdherenceEngine.stop', () => {
    it('answers actions it could not apply before stopping with "stopping", not a misleading reason', async () => {
        const store = new MemoryAgentStateStore();
        const clock = new FakeClock(T0);
        const engine = new AdherenceEngine({ store, clock, policy: policy(), orphanPollMs: 0 });
        await engine.start();
        engine.observe([out(T0, { userId: 'a' })]);
        await engine.idle();
        clock.advanceTo(T0 + 10 * MIN);
        await engine.idle();
        const episodeId = engine.openEpisodes()[0].state.episode.id;
        // The store goes down: the acknowledge waits for a retry when the engine is told to stop.
        const commit = store.commit.bind(store);
        store.commit = () => Promise.reject(new Error('store down'));
        const acted = engine.acknowledge('a', episodeId, 'sup-1');
        await new Promise<void>((r) => setImmediate(r));
        const stopped = engine.stop();
        clock.advance(1_000);
        await stopped;
        assert.deepEqual(await acted, { ok: false, reason: 'stopping' });
        store.commit = commit;
        const state = engine.agent('a')!.state;
        assert.ok(state.status !== 'adherent' && state.ack === undefined, 'nothing was applied');
    });
});
