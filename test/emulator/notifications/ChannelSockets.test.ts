import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { FakeClock } from '../../support/FakeClock';
import { startGenesysEmulator } from '../../../src/emulator/GenesysEmulator';
import { until, useRawEmulator } from '../support';

describe('Genesys emulator notification sockets (raw protocol)', () => {
    const raw = useRawEmulator();
    const { clock, token, api } = raw;

    it('sends heartbeats, answers ping with pong, drops the first socket on a second connection, and streams adherence', async () => {
        const t = await token();
        const ch = (await (await api(t, '/api/v2/notifications/channels', { method: 'POST' })).json()) as {
            id: string;
            connectUri: string;
        };
        const agent = [...raw.emu.control.center.agents.values()].find(
            (a) => a.adherence.adherenceState === 'InAdherence'
        )!;
        await api(t, `/api/v2/notifications/channels/${ch.id}/subscriptions`, {
            method: 'PUT',
            body: JSON.stringify([{ id: `v2.workforcemanagement.managementunits.${agent.managementUnitId}.adherence` }])
        });
        const frames: Array<{ topicName: string; eventBody: Record<string, unknown> }> = [];
        const ws = new WebSocket(ch.connectUri);
        ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
        await new Promise((r) => ws.once('open', r));
        await until(() => raw.emu.control.openSockets() >= 1, 'socket registered');
        clock.advance(30_000);
        await until(() => frames.some((f) => f.eventBody.message === 'WebSocket Heartbeat'), 'heartbeat');
        ws.send(JSON.stringify({ message: 'ping' }));
        await until(
            () => frames.some((f) => f.topicName === 'channel.metadata' && f.eventBody.message === 'pong'),
            'pong'
        );
        raw.emu.control.setPresence(agent.id, 'Away');
        await until(() => frames.some((f) => f.topicName.endsWith('.adherence')), 'adherence event');
        const ev = frames.find((f) => f.topicName.endsWith('.adherence'))!;
        assert.deepEqual((ev.eventBody.user as { id: string }).id, agent.id);
        assert.equal(ev.eventBody.adherenceState, 'OutOfAdherence');
        assert.equal(ev.eventBody.adherenceChangeTime, new Date(clock.now()).toISOString());
        assert.equal('name' in (ev.eventBody.user as object), false, 'events carry no name');
        const closed = new Promise((r) => ws.once('close', r));
        const second = new WebSocket(ch.connectUri);
        await new Promise((r) => second.once('open', r));
        await closed;
        second.terminate();
    });
});

describe('Genesys emulator: channel expiry', () => {
    it('stops streaming on a channel 24 h after its last subscription change and closes its socket', async () => {
        const clock = new FakeClock();
        const emu = await startGenesysEmulator({ clock, units: 1, agentsPerUnit: 3, rateLimitPerMinute: 0 });
        try {
            const login = await fetch(`${emu.loginUrl}/oauth/token`, {
                method: 'POST',
                headers: {
                    Authorization: 'Basic ' + Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64'),
                    'Content-Type': 'application/x-www-form-urlencoded'
                },
                body: 'grant_type=client_credentials'
            });
            const t = ((await login.json()) as { access_token: string }).access_token;
            const headers = { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' };
            const ch = (await (
                await fetch(`${emu.url}/api/v2/notifications/channels`, { method: 'POST', headers })
            ).json()) as { id: string; connectUri: string };
            const [agent, other] = [...emu.control.center.agents.values()];
            await fetch(`${emu.url}/api/v2/notifications/channels/${ch.id}/subscriptions`, {
                method: 'PUT',
                headers,
                body: JSON.stringify([
                    { id: `v2.workforcemanagement.managementunits.${agent.managementUnitId}.adherence` }
                ])
            });
            const frames: Array<{ topicName: string }> = [];
            const ws = new WebSocket(ch.connectUri);
            ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
            const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
            await new Promise((r) => ws.once('open', r));
            await until(() => emu.control.openSockets() >= 1, 'socket registered');
            clock.advance(24 * 3_600_000); // never renewed
            emu.control.setPresence(agent.id, agent.adherence.adherenceState === 'InAdherence' ? 'Away' : 'OnQueue');
            emu.control.setPresence(other.id, 'Meeting');
            clock.advance(30_000); // the next heartbeat tick closes it
            await until(() => ws.readyState === WebSocket.CLOSED, 'expired socket closed');
            assert.equal(await closed, 1000);
            assert.equal(
                frames.filter((f) => f.topicName.endsWith('.adherence')).length,
                0,
                'an expired channel carried no events before it closed'
            );
        } finally {
            await emu.close();
        }
    });
});
