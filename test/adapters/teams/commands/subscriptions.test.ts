import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ShiftRouting } from '../../../../src/adapters/teams/ShiftRouting';
import { inChannel, personal, setup } from '../botServiceFixture';

describe('subscribe and unsubscribe commands', () => {
    it('subscribes a channel for a supervisor of the unit and refuses others', async () => {
        const { service, store } = await setup();
        assert.equal((await service.command(inChannel('29:x', '19:ch'), 'subscribe mu-1')).refused, 'not-supervisor');
        assert.equal((await service.command(personal('29:sup', 'aad-sup'), 'subscribe mu-1')).refused, 'invalid-input');
        await service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'subscribe mu-1');
        assert.equal(await store.subscriptionOf('mu-1'), '19:ch');
        await service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'unsubscribe');
        assert.equal(await store.subscriptionOf('mu-1'), undefined);
    });

    it('subscribing a unit clears its "no alert channel" marker, so a later loss of the channel is reported again', async () => {
        const { service, store } = await setup();
        assert.equal(await store.reportOnce('no-channel:mu-1'), true);
        assert.equal(await store.reportOnce('no-channel:mu-1'), false);
        await service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'subscribe mu-1');
        assert.equal(await store.reportOnce('no-channel:mu-1'), true);
    });

    it('answers a subscribe while the Genesys unit look-up fails, saying so, and subscribes nothing', async () => {
        const { service, store } = await setup({
            extra: {
                directory: {
                    findUnit: () =>
                        Promise.reject(new Error('GENESYS_UNAVAILABLE: 503 from /api/v2/workforcemanagement'))
                }
            }
        });
        const reply = await service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'subscribe Sales');
        assert.match(JSON.stringify(reply.card), /couldn.t reach Genesys to check the unit .*Sales/);
        assert.doesNotMatch(JSON.stringify(reply.card), /GENESYS_UNAVAILABLE|503/);
        assert.equal(await store.subscriptionOf('Sales'), undefined);
    });

    it('subscribes with hours and days, the unit name keeping its spaces, and refreshes the routing', async () => {
        const refreshed: string[] = [];
        const { service, store } = await setup({
            supervisors: new Map([['aad-sup', ['*']]]),
            extra: {
                routing: {
                    refresh: async () => void refreshed.push('refresh')
                } as unknown as ShiftRouting
            }
        });
        const res = await service.command(
            inChannel('29:sup', '19:day', 'aad-sup'),
            'subscribe Unit B 06:00-14:00 mon-fri'
        );
        assert.match(JSON.stringify(res.card), /Alerts for Unit B will be posted here from 06:00-14:00 mon-fri/);
        assert.deepEqual(await store.subscriptionsOf('Unit B'), [
            { conversationId: '19:day', hours: { from: 360, to: 840, days: [1, 2, 3, 4, 5] } }
        ]);
        assert.deepEqual(refreshed, ['refresh']);
        await service.command(inChannel('29:sup', '19:day', 'aad-sup'), 'unsubscribe');
        assert.deepEqual(refreshed, ['refresh', 'refresh']);
    });

    it('refuses bad hours with the reason and the usage, subscribing nothing', async () => {
        const { service, store } = await setup();
        for (const [text, reason] of [
            ['subscribe mu-1 25:00-14:00', /not a time range like 06:00-14:00/],
            ['subscribe mu-1 06:00-14:00 weekdays', /not a list of days like mon-fri/],
            ['subscribe 06:00-14:00', /Usage: subscribe <management unit name or id> \[HH:MM-HH:MM \[days\]\]/]
        ] as const) {
            const res = await service.command(inChannel('29:sup', '19:ch', 'aad-sup'), text);
            assert.equal(res.refused, 'invalid-input', text);
            assert.match(JSON.stringify(res.card), reason, text);
        }
        assert.deepEqual(await store.unitsOf('19:ch'), []);
    });

    it("subscribes a channel to a level of the unit's escalations, refusing a bad level and non-supervisors", async () => {
        const { service, store } = await setup();
        const sup = inChannel('29:sup', '19:leads', 'aad-sup');
        const res = await service.command(sup, 'subscribe mu-1 escalation');
        assert.match(JSON.stringify(res.card), /will be escalated here \(level 1\)/);
        await service.command(inChannel('29:sup', '19:managers', 'aad-sup'), 'subscribe mu-1 escalation 2');
        assert.deepEqual([...(await store.allEscalations()).get('mu-1')!].sort(), [
            [1, '19:leads'],
            [2, '19:managers']
        ]);
        assert.equal(await store.subscriptionOf('mu-1'), undefined, 'not an alert subscription');
        assert.match(
            JSON.stringify((await service.command(sup, 'subscribe mu-1 escalation 9')).card),
            /level must be a number from 1 to 5/
        );
        assert.equal(
            (await service.command(inChannel('29:x', '19:leads'), 'subscribe mu-1 escalation')).refused,
            'not-supervisor'
        );
    });
});
