import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SyncWorker } from '../../src/sync/createSyncWorker';
import { MemorySyncQueue } from '../../src/sync/SyncQueue';
import { FakeClock } from '../support/FakeClock';
import { drive, ingest, presenceWorker, startPresenceRig, type PresenceRig } from './support';

// Genesys shows a user's presence from the primary presence source only (PresenceApi.js:255-280, 760-790); the strict
// emulator stores writes to any other source and shows none of them.

describe('sync worker, primary presence source, against the Genesys emulator', () => {
    let clock: FakeClock;
    let rig: PresenceRig;
    let queue: MemorySyncQueue;
    let worker: SyncWorker | undefined;

    beforeEach(async () => {
        clock = new FakeClock();
        rig = await startPresenceRig(clock);
        queue = new MemorySyncQueue();
    });
    afterEach(async () => {
        await worker?.stop();
        worker = undefined;
        await rig.close();
    });

    const make = (env: Record<string, string> = {}) => {
        const made = presenceWorker(rig, queue, clock, env);
        worker = made.worker;
        return made;
    };
    const shown = (agentId: string) => rig.emulator.control.center.agents.get(agentId)!.systemPresence;
    const primaryCalls = (method: string) =>
        rig.emulator.control.requests.filter((r) => r.method === method && r.path.endsWith('/primarysource'));
    const send = async (w: SyncWorker, config: ReturnType<typeof make>['config'], agents: string[], code: string) => {
        await ingest(
            queue,
            config,
            rig.agents,
            agents.map((agentId) => ({ agentId, reasonCode: code, at: clock.now() }))
        );
        while ((await queue.depth()) > 0) await drive(clock, w.runOnce());
    };

    it('reports every synced agent whose primary source is another one: diagnostics, metric, one warning', async () => {
        const { config, worker, metrics, logged } = make();
        const agents = rig.agents.slice(0, 3);
        const before = agents.map(shown);
        await send(worker, config, agents, 'MEAL');
        assert.deepEqual(agents.map(shown), before, 'the writes are stored, not shown');
        await drive(clock, worker.reconcileOnce());
        const d = (await worker.diagnostics()).primarySource!;
        assert.deepEqual(
            d.notPrimary.map((a) => [a.agentId, a.primarySourceId]),
            agents.map((id) => [id, 'PURECLOUD'])
        );
        assert.deepEqual(
            [d.sourceId, d.setPrimary, d.agents, d.madePrimary, d.problem],
            [rig.sourceId, false, 3, 0, null]
        );
        assert.equal((await metrics.notPrimary.get()).values[0].value, 3);
        const warnings = logged().filter((l) => l.level === 40 && /primary presence source/.test(l.msg));
        assert.equal(warnings.length, 1);
        assert.match(warnings[0].fix ?? '', /SYNC_SET_PRIMARY_SOURCE=true/);
        await drive(clock, worker.reconcileOnce());
        assert.equal(primaryCalls('GET').length, 3, 'checked once until the full re-check is due');
        assert.equal(logged().filter((l) => l.level === 40 && /primary presence source/.test(l.msg)).length, 1);
    });

    it('makes its source primary with SYNC_SET_PRIMARY_SOURCE=true, and Genesys then shows the writes', async () => {
        const { config, worker } = make({ SYNC_SET_PRIMARY_SOURCE: 'true' });
        const agents = rig.agents.slice(0, 2);
        await send(worker, config, agents, 'MEAL');
        await drive(clock, worker.reconcileOnce());
        assert.deepEqual(
            primaryCalls('PUT').map((r) => [r.path.split('/')[5], (r.body as { sourceId: string }).sourceId, r.status]),
            agents.map((id) => [id, rig.sourceId, 200])
        );
        assert.deepEqual(agents.map(shown), ['Meal', 'Meal'], 'the source now primary shows what it holds');
        await send(worker, config, agents, 'BREAK');
        assert.deepEqual(agents.map(shown), ['Break', 'Break']);
        const d = (await worker.diagnostics()).primarySource!;
        assert.deepEqual([d.notPrimary, d.madePrimary, d.problem], [[], 2, null]);
    });

    it('says once which permission is missing when it may not make its source primary, and lists the agents', async () => {
        const { config, worker, logged } = make({ SYNC_SET_PRIMARY_SOURCE: 'true' });
        rig.emulator.control.revokePermissions('presence:userPrimarySource:edit');
        await send(worker, config, rig.agents.slice(0, 3), 'MEAL');
        await drive(clock, worker.reconcileOnce());
        const d = (await worker.diagnostics()).primarySource!;
        assert.equal(d.notPrimary.length, 3);
        assert.match(d.problem ?? '', /presence:userPrimarySource:edit/);
        assert.equal(primaryCalls('PUT').length, 1, 'not asked again for every agent once refused');
        assert.equal(logged().filter((l) => l.level === 50 && /presence:userPrimarySource:edit/.test(l.msg)).length, 1);
    });

    it('checks the agent map at start and every agent again after SYNC_PRIMARY_CHECK_INTERVAL_MS', async () => {
        const [a, b] = rig.agents;
        const { config, worker } = make({
            SYNC_AGENT_MAP_FILE: 'map',
            'FILE:map': JSON.stringify({ 'ext-a': a, 'ext-b': b }),
            SYNC_PRIMARY_CHECK_INTERVAL_MS: '600000'
        });
        assert.equal(config.primaryCheckIntervalMs, 600_000);
        await drive(clock, worker.reconcileOnce());
        assert.equal(primaryCalls('GET').length, 2, 'both mapped agents, before any write');
        rig.emulator.control.setPrimarySource(a, rig.sourceId);
        await drive(clock, worker.reconcileOnce());
        assert.equal(primaryCalls('GET').length, 2);
        clock.advance(600_000);
        await drive(clock, worker.reconcileOnce());
        assert.equal(primaryCalls('GET').length, 4);
        assert.deepEqual(
            (await worker.diagnostics()).primarySource!.notPrimary.map((x) => x.agentId),
            [b]
        );
    });

    it('stops the pass at the first refused read and names the missing view permission', async () => {
        const { config, worker, logged } = make();
        rig.emulator.control.revokePermissions('presence:userPrimarySource:view');
        await send(worker, config, rig.agents.slice(0, 3), 'MEAL');
        await drive(clock, worker.reconcileOnce());
        assert.equal(primaryCalls('GET').length, 1);
        const d = (await worker.diagnostics()).primarySource!;
        assert.match(d.problem ?? '', /presence:userPrimarySource:view/);
        assert.deepEqual(d.notPrimary, []);
        await drive(clock, worker.reconcileOnce());
        assert.equal(logged().filter((l) => l.level === 50 && /userPrimarySource:view/.test(l.msg)).length, 1);
        rig.emulator.control.setPermissions(undefined);
        await drive(clock, worker.reconcileOnce());
        assert.equal((await worker.diagnostics()).primarySource!.notPrimary.length, 3, 'checked once allowed');
    });

    it('reads at most 10 agents a pass (a small share of the rate budget), never-checked agents first', async () => {
        const { config, worker } = make({ SYNC_PRIMARY_CHECK_INTERVAL_MS: '600000' });
        const first = rig.agents.slice(0, 12);
        await send(worker, config, first, 'MEAL');
        await drive(clock, worker.reconcileOnce());
        assert.equal(primaryCalls('GET').length, 10);
        clock.advance(600_000);
        const late = rig.agents[12];
        await send(worker, config, [late], 'MEAL');
        await drive(clock, worker.reconcileOnce());
        const second = primaryCalls('GET')
            .slice(10)
            .map((r) => r.path.split('/')[5]);
        assert.equal(second.length, 10);
        assert.deepEqual(second.slice(0, 3), [...first.slice(10), late], 'the never-checked ones first');
        assert.equal((await worker.diagnostics()).primarySource!.notPrimary.length, 13);
    });
});
