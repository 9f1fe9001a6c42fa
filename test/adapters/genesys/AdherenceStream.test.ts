import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdherenceStream, type StreamEvent } from '../../../src/adapters/genesys/AdherenceStream';
import { seededRandom } from '../../../src/emulator/seededRandom';
import { RecordingSink, startRig, until } from './support';
import { STREAM_CONFIG, closeStreams, startStream, type StreamRig } from './streamRig';

const resyncs = (r: StreamRig): number => r.events.filter((e) => e.type === 'resynced').length;

/** An agent who is in adherence right now (so going Away is a real transition). */
function adherentAgent(r: StreamRig, skip: string[] = []) {
    return [...r.emulator.control.center.agents.values()].find(
        (a) => a.adherence.adherenceState === 'InAdherence' && !skip.includes(a.id)
    )!;
}

describe('AdherenceStream against the emulator', () => {
    afterEach(closeStreams);

    it('subscribes both unit topics on one channel, connects and re-syncs every unit through REST', async () => {
        const r = await startStream();
        const units = r.emulator.control.center.units.map((u) => u.id);
        const [channel] = r.emulator.control.channels();
        assert.deepEqual(
            new Set(channel.topics),
            new Set(
                units.flatMap((u) => [
                    `v2.workforcemanagement.managementunits.${u}.adherence`,
                    `v2.workforcemanagement.managementunits.${u}.agentschedules.changed`
                ])
            )
        );
        assert.deepEqual(new Set(r.sink.reconciled.map((x) => x.managementUnitId)), new Set(units));
        assert.ok(r.sink.reconciled.every((x) => x.observations.length === 25));
        const status = r.stream.status();
        assert.equal(status.connected, true);
        assert.equal(status.channels.length, 1);
        assert.equal(status.reconnects, 0);
    });

    it('delivers live adherence events with the user id and event time', async () => {
        const r = await startStream();
        const agent = adherentAgent(r);
        r.clock.advance(5_000);
        r.emulator.control.setPresence(agent.id, 'Away');
        await until(() => r.sink.observed.some((o) => o.userId === agent.id), 'live event');
        const obs = r.sink.observed.find((o) => o.userId === agent.id)!;
        assert.equal(obs.adherenceState, 'OutOfAdherence');
        assert.equal(obs.managementUnitId, agent.managementUnitId);
        assert.equal(obs.changedAt, r.clock.now());
        assert.equal(obs.actualCategory, 'Unavailable');
        assert.ok(r.stream.status().lastEventAt !== undefined);
    });

    it('reconnects after a server-side drop and recovers the transitions made while down from the snapshot', async () => {
        const r = await startStream();
        const a = adherentAgent(r);
        const b = adherentAgent(r, [a.id]);
        r.emulator.control.dropSockets();
        await until(() => !r.stream.status().connected, 'drop noticed');
        r.clock.advance(2_000);
        r.emulator.control.setPresence(a.id, 'Away');
        const lostAt = r.clock.now();
        r.emulator.control.setPresence(b.id, 'Meeting');
        assert.equal(r.sink.observed.length, 0, 'nothing arrives while down');
        const before = resyncs(r);
        r.clock.advance(10_000);
        await until(() => resyncs(r) > before, 're-sync after reconnect');
        const latest = new Map(r.sink.reconciled.flatMap((x) => x.observations).map((o) => [o.userId, o]));
        assert.equal(latest.get(a.id)!.adherenceState, 'OutOfAdherence');
        assert.equal(latest.get(a.id)!.changedAt, lostAt);
        assert.equal(latest.get(b.id)!.adherenceState, 'OutOfAdherence');
        const status = r.stream.status();
        assert.equal(status.connected, true);
        assert.equal(status.reconnects, 1);
        // the new socket carries live events again
        r.emulator.control.setPresence(a.id, 'OnQueue');
        await until(() => r.sink.observed.some((o) => o.userId === a.id), 'live after reconnect');
    });

    it('backs off further on every failed re-sync, and starts over once a re-sync succeeds', async () => {
        const r = await startStream();
        const delays = (): number[] =>
            r.logs
                .map((line) => JSON.parse(line) as { msg?: string; delayMs?: number })
                .filter((l) => l.msg === 'genesys stream reconnect scheduled')
                .map((l) => l.delayMs!);
        // The snapshot keeps failing (e.g. the OAuth client lacks wfm:realtimeAdherence:view): the socket opens,
        // the re-sync fails, and the stream reconnects.
        const realSnapshot = r.client.getUnitAdherence.bind(r.client);
        r.client.getUnitAdherence = () => Promise.reject(new Error('403 missing permission'));
        r.emulator.control.dropSockets();
        for (let cycle = 1; cycle <= 8; cycle++) {
            await until(() => delays().length >= cycle, `reconnect ${cycle} scheduled`);
            if (cycle < 8) r.clock.advance(delays()[cycle - 1]);
        }
        const failing = delays().slice(0, 8);
        assert.ok(Math.max(...failing) >= 5_000, `delays grow towards the 10 s cap: ${failing.join(', ')}`);
        // Healthy again: the next re-sync succeeds and the following drop starts from the initial delay.
        r.client.getUnitAdherence = realSnapshot;
        const before = resyncs(r);
        r.clock.advance(delays()[7]);
        await until(() => resyncs(r) > before, 're-sync once healthy');
        r.emulator.control.dropSockets();
        await until(() => delays().length >= 9, 'reconnect after a healthy period');
        assert.ok(delays()[8] <= 3_000, `backoff starts over: ${delays()[8]}`);
    });

    it('reconnects at once on v2.system.socket_closing and re-syncs, losing nothing', async () => {
        const r = await startStream();
        const a = adherentAgent(r);
        const channelsBefore = r.emulator.control.channels().map((c) => c.id);
        const before = resyncs(r);
        r.emulator.control.socketClosing(60_000);
        await until(
            () => r.events.some((e) => e.type === 'disconnected' && e.cause === 'socket-closing'),
            'socket_closing handled'
        );
        r.emulator.control.setPresence(a.id, 'Away');
        r.clock.advance(0);
        await until(() => resyncs(r) > before, 're-sync');
        const latest = new Map(r.sink.reconciled.flatMap((x) => x.observations).map((o) => [o.userId, o]));
        assert.equal(latest.get(a.id)!.adherenceState, 'OutOfAdherence');
        const connected = r.emulator.control.channels().filter((c) => c.connected);
        assert.equal(connected.length, 1);
        assert.ok(!channelsBefore.includes(connected[0].id), 'a new channel was created');
    });

    it('stays connected while heartbeats arrive, and pings then reconnects when neither heartbeat nor pong comes', async () => {
        const r = await startStream();
        for (let i = 0; i < 6; i++) {
            const frames = r.stream.status().framesReceived;
            r.clock.advance(30_000);
            await until(() => r.stream.status().framesReceived > frames, 'heartbeat');
        }
        assert.equal(r.stream.status().reconnects, 0);
        // A pong answers a ping: no heartbeat for a while is fine as long as the pong comes.
        r.emulator.control.silence(true);
        const before = resyncs(r);
        for (let t = 0; t < 90_000; t += 15_000) {
            r.clock.advance(15_000);
            await new Promise<void>((resolve) => setImmediate(resolve));
        }
        await until(
            () => r.events.some((e) => e.type === 'disconnected' && e.cause === 'heartbeat-timeout'),
            'heartbeat timeout'
        );
        r.emulator.control.silence(false);
        r.clock.advance(0);
        await until(() => resyncs(r) > before, 're-sync after timeout');
        assert.equal(r.stream.status().connected, true);
    });

    it('answers a quiet socket with a ping and accepts the pong as a sign of life', async () => {
        const r = await startStream({ heartbeatIntervalMs: 10 * 60_000 });
        const frames = r.stream.status().framesReceived;
        r.clock.advance(30_000);
        r.clock.advance(15_000);
        await until(() => r.stream.status().framesReceived > frames, 'pong received');
        r.clock.advance(30_000);
        await until(() => r.stream.status().framesReceived > frames + 1, 'second pong');
        r.clock.advance(15_000);
        await new Promise<void>((resolve) => setImmediate(resolve));
        assert.equal(r.stream.status().reconnects, 0);
    });

    it('renews subscriptions before the 24 h channel expiry without reconnecting', async () => {
        const r = await startStream(
            { heartbeatIntervalMs: 24 * 3_600_000 },
            { config: { pingIntervalMs: 48 * 3_600_000, heartbeatTimeoutMs: 96 * 3_600_000 } }
        );
        const [channel] = r.emulator.control.channels();
        r.emulator.control.clearRequests();
        r.clock.advance(23 * 3_600_000 - 1);
        await new Promise<void>((resolve) => setImmediate(resolve));
        assert.equal(r.emulator.control.requests.filter((x) => x.method === 'PUT').length, 0);
        r.clock.advance(1);
        await until(
            () => r.emulator.control.requests.some((x) => x.method === 'PUT' && x.status === 200),
            'renewal PUT'
        );
        const [renewed] = r.emulator.control.channels();
        assert.equal(renewed.id, channel.id);
        assert.equal(renewed.expiresAt, r.clock.now() + 24 * 3_600_000);
        assert.equal(r.stream.status().reconnects, 0);
    });

    it('reports refused topics with their missing permissions in status and logs, and still streams the rest', async () => {
        const r = await startStream({}, {}, (rig) => {
            const refused = rig.emulator.control.center.units[1].id;
            rig.emulator.control.refuseTopics(new RegExp(`managementunits\\.${refused}\\.adherence$`), [
                'wfm:realtimeAdherence:view'
            ]);
        });
        const refusedUnit = r.emulator.control.center.units[1].id;
        const status = r.stream.status();
        assert.deepEqual(status.rejectedTopics, [
            {
                topic: `v2.workforcemanagement.managementunits.${refusedUnit}.adherence`,
                reason: 'Missing permissions',
                missingPermissions: ['wfm:realtimeAdherence:view']
            }
        ]);
        const line = r.logs.find((l) => l.includes('refused subscription'));
        assert.ok(line, 'logged');
        assert.match(line, /wfm:realtimeAdherence:view/);
        assert.match(JSON.parse(line).level.toString(), /50/);
        const ok = [...r.emulator.control.center.agents.values()].find(
            (a) =>
                a.managementUnitId === r.emulator.control.center.units[0].id &&
                a.adherence.adherenceState === 'InAdherence'
        )!;
        r.emulator.control.setPresence(ok.id, 'Away');
        await until(() => r.sink.observed.some((o) => o.userId === ok.id), 'permitted unit still streams');
    });

    it('skips malformed frames and unknown topics, counting them, and keeps going', async () => {
        const r = await startStream();
        const a = adherentAgent(r);
        r.emulator.control.sendRaw('{this is not json');
        r.emulator.control.sendRaw('{this is not json either');
        r.emulator.control.sendRaw(JSON.stringify({ topicName: 'v2.workforcemanagement.adherence', eventBody: {} }));
        r.emulator.control.emitAdherence(a.managementUnitId, {
            user: { id: a.id },
            managementUnitId: a.managementUnitId,
            adherenceState: 'Sideways',
            adherenceChangeTime: new Date(r.clock.now()).toISOString()
        });
        r.emulator.control.setPresence(a.id, 'Away');
        await until(() => r.sink.observed.some((o) => o.userId === a.id), 'valid event after bad ones');
        const skipped = await r.metrics.framesSkipped.get();
        const by = Object.fromEntries(skipped.values.map((v) => [v.labels.reason, v.value]));
        assert.equal(by['malformed-json'], 2);
        assert.equal(by['unknown-topic'], 1);
        assert.equal(by['unknown-adherence-state'], 1);
        // Counted per frame, logged once per kind.
        assert.deepEqual(r.stream.refused.snapshot(), {
            'malformed-json': 2,
            'unknown-topic': 1,
            'unknown-adherence-state': 1
        });
        assert.equal(r.sink.observed.length, 1);
        assert.equal(r.stream.status().connected, true);
    });

    it('keeps an event whose activity category it does not know, as sent, counting it and saying so once', async () => {
        const r = await startStream();
        const a = adherentAgent(r);
        const event = (at: number) => ({
            user: { id: a.id },
            managementUnitId: a.managementUnitId,
            adherenceState: 'OutOfAdherence',
            impact: 'Negative',
            scheduledActivityCategory: 'Coaching',
            actualActivityCategory: 'OffQueueWork',
            adherenceChangeTime: new Date(at).toISOString()
        });
        r.emulator.control.emitAdherence(a.managementUnitId, event(r.clock.now()));
        r.emulator.control.emitAdherence(a.managementUnitId, event(r.clock.now() + 1));
        await until(() => r.sink.observed.filter((o) => o.userId === a.id).length === 2, 'both events kept');
        assert.equal(r.sink.observed[0].scheduledCategory, 'Coaching');
        assert.equal(r.sink.observed[0].actualCategory, 'OffQueueWork');
        const counted = await r.metrics.unknownCategories.get();
        assert.deepEqual(
            counted.values.map((v) => [v.labels.field, v.value]),
            [['scheduledActivityCategory', 2]]
        );
        assert.equal(r.logs.filter((l) => l.includes('"Coaching"')).length, 1);
        assert.deepEqual(r.stream.refused.snapshot(), {}, 'not refused');
    });

    it('spreads topics over several channels when they exceed the per-channel limit', async () => {
        const r = await startStream({ units: 3, agentsPerUnit: 2 }, { maxTopicsPerChannel: 2 });
        const channels = r.emulator.control.channels();
        assert.equal(channels.length, 3);
        assert.ok(channels.every((c) => c.topics.length === 2 && c.connected));
        assert.equal(r.stream.status().channels.length, 3);
        assert.equal(r.sink.reconciled.length, 3);
    });

    it('passes the schedule republish signal and the burst that follows', async () => {
        const r = await startStream();
        const unit = r.emulator.control.center.units[0].id;
        const moved = r.emulator.control.republish(unit, 1);
        assert.ok(moved.length > 0);
        await until(() => r.sink.scheduleChanges.includes(unit), 'agentschedules.changed');
        assert.deepEqual(r.sink.scheduleChangeAgents, [moved], 'the agents the change names');
        await until(() => r.sink.observed.length > 0, 'burst');
        assert.ok(
            r.sink.sequence.indexOf(`scheduleChanged:${unit}`) < r.sink.sequence.indexOf('observe'),
            'the signal comes before the burst'
        );
        assert.ok(r.sink.observed.every((o) => o.managementUnitId === unit));
    });

    it('closes its sockets on stop', async () => {
        const r = await startStream();
        assert.equal(r.emulator.control.openSockets(), 1);
        await r.stream.stop();
        await until(() => r.emulator.control.openSockets() === 0, 'sockets closed');
        assert.equal(r.stream.status().connected, false);
    });
});

describe('AdherenceStream start-up', () => {
    it('keeps retrying unit discovery in the background when Genesys is down at start', async () => {
        const rig = await startRig({ units: 1, agentsPerUnit: 2, rateLimitPerMinute: 0 }, { maxAttempts: 1 });
        const sink = new RecordingSink();
        const events: StreamEvent[] = [];
        const stream = new AdherenceStream({
            client: rig.client,
            sink,
            clock: rig.clock,
            random: seededRandom(1),
            onEvent: (e) => events.push(e),
            config: STREAM_CONFIG
        });
        try {
            rig.emulator.control.failNext(1, 503);
            await stream.start();
            assert.equal(stream.status().connected, false);
            assert.match(stream.status().lastError ?? '', /GENESYS_SERVER_ERROR/);
            rig.clock.advance(10_000);
            await until(() => events.some((e) => e.type === 'resynced'), 'connected after discovery retry');
            assert.equal(stream.status().connected, true);
            assert.equal(sink.reconciled.length, 1);
        } finally {
            await stream.stop();
            await rig.close();
        }
    });
});
