import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { until } from './support';
import { closeStreams, startStream, type StreamRig } from './streamRig';

const SUBSCRIPTIONS = /^\/api\/v2\/notifications\/channels\/[^/]+\/subscriptions$/;
const subscriptionCalls = (r: StreamRig) => r.emulator.control.requests.filter((x) => SUBSCRIPTIONS.test(x.path));
const channelsCreated = (r: StreamRig) =>
    r.emulator.control.requests.filter((x) => x.method === 'POST' && x.path === '/api/v2/notifications/channels')
        .length;
const errorLogs = (r: StreamRig, text: RegExp) =>
    r.logs.filter((l) => JSON.parse(l).level === 50 && text.test(JSON.parse(l).msg as string));
/** Let sockets and requests in flight finish without moving the clock: every request the emulator saw is answered. */
async function settle(r: StreamRig): Promise<void> {
    for (let i = 0; i < 3; i++) {
        await until(() => r.emulator.control.requests.every((x) => x.status !== undefined), 'requests answered');
        for (let turn = 0; turn < 10; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    }
}

function inAdherence(r: StreamRig, unit: string) {
    return [...r.emulator.control.center.agents.values()].find(
        (a) => a.managementUnitId === unit && a.adherence.adherenceState === 'InAdherence'
    )!;
}

describe('StreamChannel and the OAuth client role', () => {
    afterEach(closeStreams);

    it('streams adherence with the schedule topics refused: one subscription, each refusal in status, logs and metrics', async () => {
        const r = await startStream({}, {}, (rig) =>
            rig.emulator.control.revokePermissions('wfm:publishedSchedule:view', 'wfm:schedule:view')
        );
        const units = r.emulator.control.center.units.map((u) => u.id);
        assert.deepEqual(
            subscriptionCalls(r).map((x) => [x.method, x.query.ignoreErrors, x.status]),
            [['POST', ['true'], 200]]
        );
        assert.equal(channelsCreated(r), 1);
        const status = r.stream.status();
        assert.equal(status.connected, true);
        assert.deepEqual(
            status.rejectedTopics.map((t) => [t.topic, t.missingPermissions]),
            units.map((u) => [
                `v2.workforcemanagement.managementunits.${u}.agentschedules.changed`,
                ['wfm:publishedSchedule:view', 'wfm:schedule:view']
            ])
        );
        assert.equal(errorLogs(r, /schedule republishes are then told from bursts/).length, 2);
        const gauge = await r.metrics.topicsRefused.get();
        assert.deepEqual(Object.fromEntries(gauge.values.map((v) => [v.labels.kind, v.value])), {
            adherence: 0,
            schedules: 2,
            other: 0
        });
        const agent = inAdherence(r, units[0]);
        r.emulator.control.setPresence(agent.id, 'Away');
        await until(() => r.sink.observed.some((o) => o.userId === agent.id), 'live event');
        assert.equal(r.stream.status().reconnects, 0);
    });

    it('parks a channel whose every adherence topic is refused: says so once, opens no socket, asks again slowly on the same channel, and streams once the role allows it', async () => {
        const r = await startStream({ units: 1 });
        const [unit] = r.emulator.control.center.units.map((u) => u.id);
        r.emulator.control.revokePermissions('wfm:realtimeAdherence:view');
        r.emulator.control.clearRequests();
        r.emulator.control.dropSockets();
        await until(() => r.stream.status().reconnects === 1, 'drop seen');
        r.clock.advance(10_000);
        await until(() => subscriptionCalls(r).length === 1, 'new channel subscribed');
        await settle(r);
        const parked = r.emulator.control.channels().at(-1)!;
        assert.equal(parked.connected, false);
        assert.equal(r.emulator.control.openSockets(), 0);
        assert.equal(r.stream.status().connected, false);
        assert.match(r.stream.status().lastError ?? '', /wfm:realtimeAdherence:view/);
        for (let i = 0; i < 20; i++) {
            r.clock.advance(10_000);
            await settle(r);
        }
        assert.equal(channelsCreated(r), 1, 'no new channel every back-off');
        assert.equal(subscriptionCalls(r).length, 1, 'not asked again before GENESYS_REFUSED_RETRY_MS');
        assert.equal(errorLogs(r, /no adherence stream until the OAuth client's role allows it/).length, 1);
        r.clock.advance(100_000);
        await until(() => subscriptionCalls(r).length === 2, 'asked again after 300 s');
        await settle(r);
        assert.deepEqual(
            subscriptionCalls(r).map((x) => [x.method, x.path.split('/')[5]]),
            [
                ['POST', parked.id],
                ['PUT', parked.id]
            ]
        );
        assert.equal(errorLogs(r, /no adherence stream until/).length, 1, 'said once');
        r.emulator.control.setPermissions(undefined);
        const reconciledBefore = r.sink.reconciled.length;
        r.clock.advance(300_000);
        await until(() => r.stream.status().connected, 'streams once permitted');
        await until(() => r.sink.reconciled.length > reconciledBefore, 're-synced');
        assert.equal(r.sink.reconciled.at(-1)!.managementUnitId, unit);
        assert.equal(channelsCreated(r), 1);
        assert.equal(r.emulator.control.channels().at(-1)!.id, parked.id);
        const agent = inAdherence(r, unit);
        r.emulator.control.setPresence(agent.id, 'Away');
        await until(() => r.sink.observed.some((o) => o.userId === agent.id), 'live event');
    });

    it('streams the other units when a unit snapshot is refused (403), without reconnecting, and re-syncs it once allowed', async () => {
        let refused = '';
        const r = await startStream({}, {}, (rig) => {
            refused = rig.emulator.control.center.units[1].id;
            rig.emulator.control.failNext(1, 403, new RegExp(`/managementunits/${refused}/adherence$`));
        });
        const [ok] = r.emulator.control.center.units.map((u) => u.id);
        await settle(r);
        assert.deepEqual(
            r.sink.reconciled.map((x) => x.managementUnitId),
            [ok]
        );
        assert.equal(r.stream.status().connected, true);
        assert.equal(r.stream.status().reconnects, 0);
        assert.match(r.stream.status().lastError ?? '', new RegExp(`snapshot of unit ${refused}`));
        for (let i = 0; i < 10; i++) {
            r.clock.advance(30_000);
            await settle(r);
        }
        await until(() => r.sink.reconciled.some((x) => x.managementUnitId === refused), 'refused unit re-synced');
        assert.equal(channelsCreated(r), 1);
        assert.equal(r.stream.status().reconnects, 0);
    });

    it('keeps a working channel when its renewal fails, and renews it later', async () => {
        const r = await startStream(
            { heartbeatIntervalMs: 24 * 3_600_000 },
            { config: { pingIntervalMs: 48 * 3_600_000, heartbeatTimeoutMs: 96 * 3_600_000 } }
        );
        const [channel] = r.emulator.control.channels();
        r.emulator.control.clearRequests();
        r.emulator.control.failNext(4, 503, SUBSCRIPTIONS);
        r.clock.advance(23 * 3_600_000);
        await until(() => subscriptionCalls(r).some((x) => x.status === 503), 'renewal refused');
        for (let i = 0; i < 4; i++) {
            r.clock.advance(30_000);
            await settle(r);
        }
        assert.equal(r.emulator.control.channels().filter((c) => c.connected).length, 1);
        assert.equal(r.stream.status().reconnects, 0, 'the channel and its socket are kept');
        const agent = inAdherence(r, r.emulator.control.center.units[0].id);
        r.emulator.control.setPresence(agent.id, 'Away');
        await until(() => r.sink.observed.some((o) => o.userId === agent.id), 'still streaming');
        for (let i = 0; i < 10 && !subscriptionCalls(r).some((x) => x.status === 200); i++) {
            r.clock.advance(10_000);
            await settle(r);
        }
        const [renewed] = r.emulator.control.channels();
        assert.equal(renewed.id, channel.id);
        assert.ok(renewed.expiresAt > channel.expiresAt, 'renewed after the failure');
        assert.equal(r.stream.status().reconnects, 0);
        assert.equal(channelsCreated(r), 0);
    });

    it('replaces a channel Genesys no longer knows at renewal', async () => {
        const r = await startStream(
            { heartbeatIntervalMs: 24 * 3_600_000 },
            { config: { pingIntervalMs: 48 * 3_600_000, heartbeatTimeoutMs: 96 * 3_600_000 } }
        );
        r.emulator.control.clearRequests();
        r.emulator.control.failNext(1, 404, SUBSCRIPTIONS);
        r.clock.advance(23 * 3_600_000);
        await until(() => subscriptionCalls(r).some((x) => x.status === 404), 'renewal answered 404');
        await settle(r);
        r.clock.advance(1);
        await until(() => channelsCreated(r) === 1, 'new channel');
        await until(() => r.stream.status().connected, 'reconnected');
        assert.equal(r.stream.status().reconnects, 1);
        assert.equal(
            (await r.metrics.reconnects.get()).values.find((v) => v.labels.cause === 'channel-gone')?.value,
            1
        );
    });
});
