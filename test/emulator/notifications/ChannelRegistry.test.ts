import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useRawEmulator } from '../support';

describe('Genesys emulator notification channels (raw protocol)', () => {
    const raw = useRawEmulator();
    const { clock, token, api } = raw;

    it('enforces 1,000 topics per channel and marks refused topics Rejected with missing permissions', async () => {
        raw.emu.control.setRateLimit(0);
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
        raw.emu.control.refuseTopics(/agentschedules\.changed$/);
        const mu = raw.emu.control.center.units[0].id;
        const res = await api(t, `/api/v2/notifications/channels/${ch.id}/subscriptions?ignoreErrors=true`, {
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

    it('lists subscriptions, answers HEAD on live channels, and keeps at most 20 channels per client', async () => {
        const t = await token();
        const created: string[] = [];
        for (let i = 0; i < 21; i++) {
            const ch = (await (await api(t, '/api/v2/notifications/channels', { method: 'POST' })).json()) as {
                id: string;
            };
            created.push(ch.id);
        }
        const mine = raw.emu.control.channels().map((c) => c.id);
        assert.equal(
            mine.filter((id) => created.includes(id)).length,
            20,
            'the 21st replaced the oldest unconnected one'
        );
        assert.ok(!mine.includes(created[0]));
        assert.equal((await api(t, `/api/v2/notifications/channels/${created[0]}`, { method: 'HEAD' })).status, 404);
        const last = created[20];
        assert.equal((await api(t, `/api/v2/notifications/channels/${last}`, { method: 'HEAD' })).status, 200);
        const mu = raw.emu.control.center.units[0].id;
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
});

describe('Genesys emulator subscriptions and permissions (raw protocol)', () => {
    const raw = useRawEmulator({ rateLimitPerMinute: 0 });
    const { token, api } = raw;

    it('fails the whole subscription on a topic the role may not read, unless ignoreErrors=true asks for per-topic answers', async () => {
        const t = await token();
        const ch = (await (await api(t, '/api/v2/notifications/channels', { method: 'POST' })).json()) as {
            id: string;
        };
        const mu = raw.emu.control.center.units[0].id;
        const adherence = `v2.workforcemanagement.managementunits.${mu}.adherence`;
        const schedules = `v2.workforcemanagement.managementunits.${mu}.agentschedules.changed`;
        const body = JSON.stringify([{ id: adherence }, { id: schedules }]);
        const subscriptions = `/api/v2/notifications/channels/${ch.id}/subscriptions`;
        const topicsOfChannel = () => raw.emu.control.channels().find((c) => c.id === ch.id)!.topics;
        raw.emu.control.revokePermissions('wfm:publishedSchedule:view', 'wfm:schedule:view');
        try {
            // NotificationsApi.js:172 (POST) and :233 (PUT): ignoreErrors "prevent[s] throwing of errors for failed
            // permissions checks", so without it one refused topic fails the request, and nothing is subscribed.
            for (const method of ['POST', 'PUT']) {
                const whole = await api(t, subscriptions, { method, body });
                assert.equal(whole.status, 403, method);
                const error = (await whole.json()) as { code: string; message: string };
                assert.equal(error.code, 'missing.permissions');
                assert.match(error.message, /agentschedules\.changed/);
                assert.deepEqual(topicsOfChannel(), []);
            }
            // With it, each topic answers for itself (ChannelTopic, index.d.ts:25809) and the permitted ones stand.
            const partial = await api(t, `${subscriptions}?ignoreErrors=true`, { method: 'POST', body });
            assert.equal(partial.status, 200);
            const { entities } = (await partial.json()) as {
                entities: Array<{ id: string; state: string; rejectionReason?: string; missingPermissions?: string[] }>;
            };
            assert.deepEqual(
                entities.map((e) => [e.id, e.state, e.rejectionReason, e.missingPermissions]),
                [
                    [adherence, 'Permitted', undefined, undefined],
                    [schedules, 'Rejected', 'Missing permissions', ['wfm:publishedSchedule:view', 'wfm:schedule:view']]
                ]
            );
            assert.deepEqual(topicsOfChannel(), [adherence]);
            const replaced = await api(t, `${subscriptions}?ignoreErrors=true`, {
                method: 'PUT',
                body: JSON.stringify([{ id: schedules }])
            });
            assert.equal(replaced.status, 200);
            assert.deepEqual(topicsOfChannel(), [], 'a replacing PUT keeps only what it permits');
        } finally {
            raw.emu.control.setPermissions(undefined);
        }
    });
});
