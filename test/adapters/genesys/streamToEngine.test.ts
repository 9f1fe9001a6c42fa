import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdherenceStream, type StreamEvent } from '../../../src/adapters/genesys/AdherenceStream';
import { MemoryAgentStateStore } from '../../../src/adapters/memory/MemoryAgentStateStore';
import { AdherenceEngine } from '../../../src/engine/AdherenceEngine';
import { defaultPolicy } from '../../../src/engine/engineConfig';
import { seededRandom } from '../../../src/emulator/seededRandom';
import { startRig, until, type Rig } from './support';
import { STREAM_CONFIG } from './streamRig';

/** Stream settings for tests that never move the clock far: no ping, no heartbeat timeout in sight. */
const QUIET_STREAM = {
    ...STREAM_CONFIG,
    pingIntervalMs: 24 * 3_600_000,
    heartbeatTimeoutMs: 48 * 3_600_000,
    reconnectMaxMs: 5_000
};

/** The stream from `rig` into `engine` (started), recording its events; resolves after the first re-sync. */
async function streamInto(rig: Rig, engine: AdherenceEngine, events: StreamEvent[]): Promise<AdherenceStream> {
    const stream = new AdherenceStream({
        client: rig.client,
        sink: engine,
        clock: rig.clock,
        random: seededRandom(5),
        onEvent: (e) => events.push(e),
        config: QUIET_STREAM
    });
    await stream.start();
    await until(() => events.some((e) => e.type === 'resynced'), 'initial re-sync');
    await engine.idle();
    return stream;
}

describe('emulator -> stream -> engine', () => {
    let rig: Rig;
    let engine: AdherenceEngine;
    let store: MemoryAgentStateStore;
    let stream: AdherenceStream;
    const events: StreamEvent[] = [];
    const resyncs = () => events.filter((e) => e.type === 'resynced').length;

    before(async () => {
        rig = await startRig({
            units: 1,
            agentsPerUnit: 10,
            rateLimitPerMinute: 0,
            heartbeatIntervalMs: 24 * 3_600_000
        });
        store = new MemoryAgentStateStore();
        engine = new AdherenceEngine({ store, clock: rig.clock, policy: defaultPolicy() });
        await engine.start();
        stream = await streamInto(rig, engine, events);
        assert.equal(resyncs(), 1);
    });
    after(async () => {
        await stream.stop();
        await engine.stop();
        await store.close();
        await rig.close();
    });

    it('tracks every agent from the first snapshot', () => {
        assert.equal(engine.trackedAgents, 10);
    });

    it('starts an episode at the real change time for a drift that happened while the socket was down, then nudges on time', async () => {
        const agent = [...rig.emulator.control.center.agents.values()].find(
            (a) => a.adherence.adherenceState === 'InAdherence' && a.adherence.scheduledCategory === 'OnQueueWork'
        )!;
        rig.emulator.control.dropSockets();
        await until(() => !stream.status().connected, 'drop noticed');
        rig.clock.advance(500);
        rig.emulator.control.setPresence(agent.id, 'Away');
        const t0 = rig.clock.now();
        rig.clock.advance(5_000);
        await until(() => resyncs() === 2, 're-sync after reconnect');
        await engine.idle();
        const record = engine.agent(agent.id)!;
        assert.equal(record.state.status, 'drifting');
        assert.equal(
            record.state.status === 'drifting' && record.state.episode.startedAt,
            t0,
            't0 is the Genesys change time, not the re-sync time'
        );

        rig.clock.advanceTo(t0 + 6 * 60_000 - 1);
        await engine.idle();
        assert.equal((await store.dueOutbox(rig.clock.now(), 10)).length, 0);
        rig.clock.advanceTo(t0 + 6 * 60_000);
        await engine.idle();
        const due = await store.dueOutbox(rig.clock.now(), 10);
        assert.deepEqual(
            due.map((d) => [d.notification.kind, d.notification.episode.userId]),
            [['nudge', agent.id]]
        );
    });

    it('resolves the episode from a live event once the agent is back', async () => {
        const open = engine.openEpisodes();
        assert.equal(open.length, 1);
        const userId = open[0].record.userId;
        rig.emulator.control.setPresence(userId, 'OnQueue');
        await until(() => engine.agent(userId)?.state.status === 'adherent', 'episode resolved by the live event');
    });
});

describe('emulator -> stream -> engine, a schedule change naming its agents', () => {
    it('dampens only the agents the change names: another agent drifting meanwhile is tracked (and nudged) on time', async () => {
        const rig = await startRig({
            units: 1,
            agentsPerUnit: 10,
            rateLimitPerMinute: 0,
            heartbeatIntervalMs: 24 * 3_600_000
        });
        const store = new MemoryAgentStateStore();
        const engine = new AdherenceEngine({
            store,
            clock: rig.clock,
            policy: defaultPolicy(),
            dampening: { windowMs: 60_000, burstThreshold: 200, burstWindowMs: 10_000 }
        });
        await engine.start();
        const stream = await streamInto(rig, engine, []);
        try {
            const center = rig.emulator.control.center;
            const unit = center.units[0].id;
            const moved = rig.emulator.control.republish(unit, 0.5);
            const inAdherence = (ids: string[]) =>
                ids.find((id) => center.agents.get(id)!.adherence.adherenceState === 'InAdherence')!;
            const named = inAdherence(moved);
            const other = inAdherence(center.units[0].agentIds.filter((id) => !moved.includes(id)));
            assert.ok(named && other, 'one named and one other agent in adherence');
            rig.clock.advance(1_000);
            rig.emulator.control.setPresence(named, 'Away');
            rig.emulator.control.setPresence(other, 'Away');
            await until(() => engine.agent(other)?.state.status === 'drifting', 'the other agent is not held');
            await engine.idle();
            assert.equal(engine.agent(named)?.state.status, 'adherent', 'the named agent is held for the window');
            rig.clock.advance(60_000);
            await until(() => engine.agent(named)?.state.status === 'drifting', 'released when the window settles');
        } finally {
            await stream.stop();
            await engine.stop();
            await store.close();
            await rig.close();
        }
    });
});
