import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
});
