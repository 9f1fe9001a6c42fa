import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdherenceEngine } from '../../src/engine/AdherenceEngine';
import type { AgentStateStore } from '../../src/engine/ports';
import { FakeClock } from '../support/FakeClock';
import { MIN, out, policy, T0 } from '../support/adherence';
import { drain, type StoreFactory } from './engineSuite';

/**
 * The explanation loop and interaction holds through a real store (memory, Redis): what is committed, queued and
 * logged, and what a second instance on the same store (a restart) sees.
 */
export function explanationSuite(name: string, factory: StoreFactory): void {
    describe(`AdherenceEngine explanations on ${name}`, () => {
        const engines: AdherenceEngine[] = [];
        const stores: AgentStateStore[] = [];

        async function engineOn(store: AgentStateStore, clock: FakeClock) {
            const engine = new AdherenceEngine({ store, clock, policy: policy(), orphanPollMs: 0 });
            engines.push(engine);
            await engine.start();
            return engine;
        }

        afterEach(async () => {
            for (const e of engines.splice(0)) await e.stop();
            for (const s of stores.splice(0)) await s.close();
            await factory.cleanup();
        });

        async function alerted() {
            const { store, shared } = await factory.make();
            stores.push(store);
            const clock = new FakeClock(T0);
            const engine = await engineOn(store, clock);
            engine.observe([out(T0, { userId: 'a' })]);
            await engine.idle();
            clock.advanceTo(T0 + 6 * MIN);
            await engine.idle();
            clock.advanceTo(T0 + 10 * MIN);
            await engine.idle();
            await drain(store, clock.now());
            const episodeId = engine.openEpisodes()[0].state.episode.id;
            return { store, shared, clock, engine, episodeId };
        }

        it('explain → recorded → approved: logged with reason, outcome and times, queued once, the ladder ended', async () => {
            const { store, clock, engine, episodeId } = await alerted();
            clock.advanceTo(T0 + 11 * MIN);
            const explained = await engine.explain('a', episodeId, { reason: 'My supervisor asked me' });
            assert.equal(explained.ok, true);
            assert.deepEqual(await engine.explain('a', episodeId, { reason: 'Other' }), {
                ok: false,
                reason: 'already-explained'
            });
            const write = (await store.dueOutbox(clock.now(), 10)).find((e) => e.key.endsWith(':explanation'));
            assert.ok(write?.notification.kind === 'explanation-add');
            await engine.explanationRecorded(write.notification.episode, { ok: true, explanationId: 'x-1' });
            clock.advanceTo(T0 + 13 * MIN);
            const decided = await engine.decideExplanation('a', episodeId, 'Approved', 'sup-1');
            assert.ok(decided.ok);
            assert.deepEqual((await drain(store, clock.now())).sort(), [
                'agent-note:a',
                'explanation-add:a',
                'explanation-decide:a',
                'update:explained:a',
                'update:explanation-decided:a',
                'update:explanation-recorded:a'
            ]);
            const log = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
            const picked = log
                .filter((e) => e.type.startsWith('expla'))
                .map((e) => [e.type, e.at, e.explanationReason, e.outcome, e.by, e.episodeId]);
            assert.deepEqual(picked, [
                ['explained', T0 + 11 * MIN, 'My supervisor asked me', undefined, undefined, episodeId],
                ['explanation-recorded', T0 + 11 * MIN, undefined, undefined, undefined, episodeId],
                ['explanation-decided', T0 + 13 * MIN, 'My supervisor asked me', 'Approved', 'sup-1', episodeId]
            ]);
            assert.deepEqual(await store.listDeadlines(), [], 'no formal exception after an approval');
            clock.advanceTo(T0 + 20 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), []);
        });

        it('a restarted instance keeps the explanation and its decision (nothing due, nothing re-sent)', async () => {
            const { store, shared, clock, engine, episodeId } = await alerted();
            await engine.explain('a', episodeId, { reason: 'Other', note: 'fire drill', backInMinutes: 5 });
            await engine.decideExplanation('a', episodeId, 'Approved', 'sup-1');
            await drain(store, clock.now());
            const other = await shared();
            if (other !== store) stores.push(other);
            const second = await engineOn(other, clock);
            const state = second.agent('a')!.state;
            assert.ok(state.status === 'drifting');
            assert.deepEqual(state.explanation?.decision, { outcome: 'Approved', by: 'sup-1', at: T0 + 10 * MIN });
            assert.equal(state.explanation?.note, 'fire drill');
            // Genesys answers after the restart: the decision is written then, once.
            await second.explanationRecorded(state.episode, { ok: true, explanationId: 'x-2' });
            assert.deepEqual((await drain(other, clock.now())).sort(), [
                'explanation-decide:a',
                'update:explanation-recorded:a'
            ]);
            clock.advanceTo(T0 + 30 * MIN);
            await second.idle();
            assert.deepEqual(await drain(other, clock.now()), []);
        });

        it('holds the nudge through the store while the agent is interacting, and sends it when that ends', async () => {
            const { store } = await factory.make();
            stores.push(store);
            const clock = new FakeClock(T0);
            const engine = await engineOn(store, clock);
            engine.observe([out(T0, { userId: 'b', routingStatus: 'INTERACTING' })]);
            await engine.idle();
            clock.advanceTo(T0 + 7 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), []);
            engine.observe([out(T0, { userId: 'b', routingStatus: 'IDLE' })]);
            await engine.idle();
            clock.advance(0);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), ['nudge:b']);
            const log = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
            assert.deepEqual(
                log.map((e) => (e.type === 'suppressed' ? `suppressed:${e.reason}` : e.type)),
                ['start', 'suppressed:on-interaction', 'nudge']
            );
        });
    });
}
