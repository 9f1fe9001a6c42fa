import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { FakeClock } from '../support/FakeClock';
import { startGenesysEmulator, type RunningEmulator } from '../../src/emulator/GenesysEmulator';
import { ContactCenter } from '../../src/emulator/center/ContactCenter';
import { seededRandom } from '../../src/emulator/seededRandom';

async function until(cond: () => boolean, what: string): Promise<void> {
    const start = Date.now();
    while (!cond()) {
        if (Date.now() - start > 5_000) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((r) => setImmediate(r));
    }
}

describe('Genesys emulator (raw protocol)', () => {
    const clock = new FakeClock();
    let emu: RunningEmulator;
    before(async () => {
        emu = await startGenesysEmulator({
            clock,
            units: 2,
            agentsPerUnit: 5,
            rateLimitPerMinute: 5,
            tokenLifetimeSec: 600
        });
    });
    after(() => emu.close());

    const basic = (id = emu.clientId, secret = emu.clientSecret) =>
        'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');
    async function token(): Promise<string> {
        const res = await fetch(`${emu.loginUrl}/oauth/token`, {
            method: 'POST',
            headers: { Authorization: basic(), 'Content-Type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials'
        });
        const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
        assert.equal(body.token_type, 'bearer');
        assert.equal(body.expires_in, 600);
        return body.access_token;
    }
    const api = (t: string, path: string, init: RequestInit = {}) =>
        fetch(`${emu.url}${path}`, {
            ...init,
            headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json', ...init.headers }
        });

    it('issues client-credentials tokens with Basic auth and refuses bad clients and grants', async () => {
        await token();
        const bad = await fetch(`${emu.loginUrl}/oauth/token`, {
            method: 'POST',
            headers: { Authorization: basic('x', 'y') },
            body: 'grant_type=client_credentials'
        });
        assert.equal(bad.status, 401);
        const grant = await fetch(`${emu.loginUrl}/oauth/token`, {
            method: 'POST',
            headers: { Authorization: basic() },
            body: 'grant_type=password'
        });
        assert.equal(grant.status, 400);
        assert.equal(((await grant.json()) as { error: string }).error, 'unsupported_grant_type');
    });

    it('answers 401 once a token has expired on its clock', async () => {
        const t = await token();
        assert.equal((await api(t, '/api/v2/workforcemanagement/managementunits')).status, 200);
        clock.advance(600_000);
        const res = await api(t, '/api/v2/workforcemanagement/managementunits');
        assert.equal(res.status, 401);
        const body = (await res.json()) as { status: number; code: string; contextId: string };
        assert.equal(body.status, 401);
        assert.ok(body.contextId);
    });

    it('answers 429 with Retry-After seconds and the Genesys body once its per-token limit is exceeded', async () => {
        const t = await token();
        for (let i = 0; i < 5; i++)
            assert.equal((await api(t, '/api/v2/workforcemanagement/managementunits')).status, 200);
        clock.advance(20_000);
        const res = await api(t, '/api/v2/workforcemanagement/managementunits');
        assert.equal(res.status, 429);
        assert.equal(res.headers.get('retry-after'), '40');
        const body = (await res.json()) as { code: string; message: string };
        assert.equal(body.code, 'too.many.requests.retry.after');
        assert.match(body.message, /Retry the request in \[40\] seconds/);
        assert.ok(res.headers.get('inin-correlation-id'));
        clock.advance(40_000);
        assert.equal((await api(t, '/api/v2/workforcemanagement/managementunits')).status, 200);
    });

    it('enforces 1,000 topics per channel and marks refused topics Rejected with missing permissions', async () => {
        emu.control.setRateLimit(0);
        const t = await token();
        const ch = (await (await api(t, '/api/v2/notifications/channels', { method: 'POST' })).json()) as {
            id: string;
            connectUri: string;
            expires: string;
        };
        assert.match(ch.connectUri, /^ws:\/\/127\.0\.0\.1:\d+\/channels\//);
        assert.equal(Date.parse(ch.expires), clock.now() + 86_400_000);
        const tooMany = Array.from({ length: 1001 }, (_, i) => ({
            id: `v2.users.u${i}.workforcemanagement.adherence`
        }));
        const over = await api(t, `/api/v2/notifications/channels/${ch.id}/subscriptions`, {
            method: 'POST',
            body: JSON.stringify(tooMany)
        });
        assert.equal(over.status, 400);
        emu.control.refuseTopics(/agentschedules\.changed$/);
        const mu = emu.control.center.units[0].id;
        const res = await api(t, `/api/v2/notifications/channels/${ch.id}/subscriptions`, {
            method: 'POST',
            body: JSON.stringify([
                { id: `v2.workforcemanagement.managementunits.${mu}.adherence` },
                { id: `v2.workforcemanagement.managementunits.${mu}.agentschedules.changed` },
                { id: 'v2.workforcemanagement.adherence' }
            ])
        });
        const body = (await res.json()) as {
            entities: Array<{ id: string; state: string; missingPermissions?: string[] }>;
        };
        assert.deepEqual(
            body.entities.map((e) => [e.state, e.missingPermissions ?? []]),
            [
                ['Permitted', []],
                ['Rejected', ['wfm:realtimeAdherence:view']],
                ['Rejected', []]
            ]
        );
    });

    it('sends heartbeats, answers ping with pong, drops the first socket on a second connection, and streams adherence', async () => {
        const t = await token();
        const ch = (await (await api(t, '/api/v2/notifications/channels', { method: 'POST' })).json()) as {
            id: string;
            connectUri: string;
        };
        const agent = [...emu.control.center.agents.values()].find(
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
        await until(() => emu.control.openSockets() >= 1, 'socket registered');
        clock.advance(30_000);
        await until(() => frames.some((f) => f.eventBody.message === 'WebSocket Heartbeat'), 'heartbeat');
        ws.send(JSON.stringify({ message: 'ping' }));
        await until(
            () => frames.some((f) => f.topicName === 'channel.metadata' && f.eventBody.message === 'pong'),
            'pong'
        );
        emu.control.setPresence(agent.id, 'Away');
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

    it('lists subscriptions, answers HEAD on live channels, and keeps at most 20 channels per client', async () => {
        const t = await token();
        const created: string[] = [];
        for (let i = 0; i < 21; i++) {
            const ch = (await (await api(t, '/api/v2/notifications/channels', { method: 'POST' })).json()) as {
                id: string;
            };
            created.push(ch.id);
        }
        const mine = emu.control.channels().map((c) => c.id);
        assert.equal(
            mine.filter((id) => created.includes(id)).length,
            20,
            'the 21st replaced the oldest unconnected one'
        );
        assert.ok(!mine.includes(created[0]));
        assert.equal((await api(t, `/api/v2/notifications/channels/${created[0]}`, { method: 'HEAD' })).status, 404);
        const last = created[20];
        assert.equal((await api(t, `/api/v2/notifications/channels/${last}`, { method: 'HEAD' })).status, 200);
        const mu = emu.control.center.units[0].id;
        await api(t, `/api/v2/notifications/channels/${last}/subscriptions`, {
            method: 'POST',
            body: JSON.stringify([{ id: `v2.workforcemanagement.managementunits.${mu}.adherence` }])
        });
        const list = (await (await api(t, `/api/v2/notifications/channels/${last}/subscriptions`)).json()) as {
            entities: Array<{ id: string }>;
        };
        assert.deepEqual(
            list.entities.map((e) => e.id),
            [`v2.workforcemanagement.managementunits.${mu}.adherence`]
        );
    });

    it('serves adherence for 1-100 user ids only and presence read-back for 1-50 ids only', async () => {
        const t = await token();
        const ids = Array.from({ length: 101 }, (_, i) => `userId=u${i}`).join('&');
        assert.equal((await api(t, `/api/v2/workforcemanagement/adherence?${ids}`)).status, 400);
        const src = (await (
            await api(t, '/api/v2/presence/sources', { method: 'POST', body: JSON.stringify({ name: 's' }) })
        ).json()) as { id: string };
        const ids51 = Array.from({ length: 51 }, (_, i) => `id=u${i}`).join('&');
        assert.equal((await api(t, `/api/v2/users/presences/${src.id}/bulk?${ids51}`)).status, 400);
    });
});

describe('ContactCenter adherence', () => {
    it('computes adherence from scheduled vs actual category, with impact and event-time changes', () => {
        const clock = new FakeClock();
        const changes: string[] = [];
        const cc = new ContactCenter({ clock, random: seededRandom(2), units: 1, agentsPerUnit: 1 }, (a) =>
            changes.push(a.adherence.adherenceState)
        );
        const agent = [...cc.agents.values()][0];
        const now = clock.now();
        agent.activities = [
            { startAt: now - 60_000, lengthMinutes: 30, activityCodeId: '0' },
            { startAt: now + 29 * 60_000, lengthMinutes: 15, activityCodeId: '1' }
        ];
        cc.setPresence(agent.id, 'OnQueue');
        assert.equal(agent.adherence.adherenceState, 'InAdherence');
        clock.advance(60_000);
        cc.setPresence(agent.id, 'Available');
        assert.deepEqual(
            [
                agent.adherence.adherenceState,
                agent.adherence.impact,
                agent.adherence.scheduledCategory,
                agent.adherence.actualCategory
            ],
            ['OutOfAdherence', 'Negative', 'OnQueueWork', 'OffQueueWork']
        );
        const outAt = agent.adherence.changedAt;
        assert.equal(outAt, clock.now());
        clock.advance(60_000);
        cc.setPresence(agent.id, 'Away');
        assert.equal(agent.adherence.changedAt, outAt, 'still out: the change time does not move');
        cc.setPresence(agent.id, 'OnQueue');
        clock.advance(29 * 60_000);
        cc.refresh(agent, clock.now());
        assert.deepEqual(
            [agent.adherence.adherenceState, agent.adherence.impact],
            ['OutOfAdherence', 'Positive'],
            'on queue during a break'
        );
        clock.advance(20 * 60_000);
        cc.refresh(agent, clock.now());
        assert.equal(agent.adherence.adherenceState, 'Unscheduled');
        assert.ok(changes.length >= 4);
    });

    it('is deterministic for a seed and simulates late agents and drifts over time', () => {
        const mk = () => {
            const clock = new FakeClock();
            let events = 0;
            const cc = new ContactCenter(
                {
                    clock,
                    random: seededRandom(42),
                    units: 2,
                    agentsPerUnit: 25,
                    driftPerAgentPerHour: 1,
                    lateProbability: 0.5
                },
                () => events++
            );
            for (let i = 0; i < 4 * 60; i++) {
                clock.advance(60_000);
                cc.tick();
            }
            return { cc, events };
        };
        const a = mk();
        const b = mk();
        assert.equal(a.events, b.events);
        assert.deepEqual(
            [...a.cc.agents.values()].map((x) => x.name),
            [...b.cc.agents.values()].map((x) => x.name)
        );
        assert.ok(a.events > 50, `expected traffic, got ${a.events}`);
        assert.equal(new Set([...a.cc.agents.values()].map((x) => x.email)).size, 50);
    });

    it('republish moves schedules of many agents at once', () => {
        const clock = new FakeClock();
        const cc = new ContactCenter({ clock, random: seededRandom(3), units: 1, agentsPerUnit: 40 });
        const moved = cc.republish(cc.units[0].id, 0.5);
        assert.ok(moved.length > 10 && moved.length < 30);
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
