import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inChannel, personal, setup } from '../botServiceFixture';

describe('alert actions: authorization', () => {
    it('lets a configured supervisor act only on agents of their units', async () => {
        const { service, sign, calls } = await setup();
        assert.equal(
            (await service.action(personal('29:sup', 'aad-sup'), sign('acknowledge', 'g-a'))).refused,
            undefined
        );
        assert.equal(
            (await service.action(personal('29:sup', 'aad-sup'), sign('acknowledge', 'g-c'))).refused,
            'not-supervisor'
        );
        assert.deepEqual(calls, ['acknowledge']);
    });

    it("lets members of a unit's subscribed channel act for that unit only", async () => {
        const { service, sign, store } = await setup();
        await store.subscribe('mu-2', '19:ch2');
        assert.equal(
            (await service.action(inChannel('29:x', '19:ch2'), sign('acknowledge', 'g-c'))).refused,
            undefined
        );
        assert.equal(
            (await service.action(inChannel('29:x', '19:ch2'), sign('acknowledge', 'g-a'))).refused,
            'not-supervisor'
        );
        assert.equal(
            (await service.action(inChannel('29:x', '19:other'), sign('acknowledge', 'g-c'))).refused,
            'not-supervisor'
        );
    });

    it('refuses a snooze length that was not offered, an overtime end in the past or too far, and unknown verbs', async () => {
        const { service, sign, clock, calls } = await setup();
        const sup = personal('29:sup', 'aad-sup');
        assert.equal((await service.action(sup, sign('snooze', 'g-a', 45))).refused, 'invalid-input');
        assert.equal(
            (await service.action(sup, { ...sign('approveOvertime', 'g-a'), until: clock.now() - 1 })).refused,
            'invalid-until'
        );
        assert.equal(
            (await service.action(sup, { ...sign('approveOvertime', 'g-a'), until: clock.now() + 13 * 3_600_000 }))
                .refused,
            'invalid-until'
        );
        assert.equal((await service.action(sup, sign('deleteEverything', 'g-a'))).refused, 'unknown-verb');
        assert.equal((await service.action(sup, sign('snooze', 'g-a', 30))).refused, undefined);
        assert.deepEqual(calls, ['snooze']);
    });
});

describe('alert actions when the actor is not mapped to Genesys', () => {
    it('refuses an unmapped member of the subscribed channel (they may be the agent), and changes nothing', async () => {
        const { service, sign, store, calls } = await setup();
        await store.subscribe('mu-1', '19:team-general');
        const res = await service.action(inChannel('29:unmapped', '19:team-general'), {
            ...sign('approveOvertime', 'g-a'),
            until: String(Date.UTC(2026, 10, 23, 12, 0, 0))
        });
        assert.equal(res.refused, 'unknown-user');
        assert.match(res.message ?? '', /map your account/);
        assert.equal(
            (await service.action(inChannel('29:unmapped', '19:team-general'), sign('acknowledge', 'g-a'))).refused,
            'unknown-user'
        );
        assert.deepEqual(calls, []);
    });

    it('still lets an unmapped configured supervisor of the unit act', async () => {
        const { service, sign, calls } = await setup();
        const res = await service.action(personal('29:sup-unmapped', 'aad-sup'), sign('acknowledge', 'g-a'));
        assert.equal(res.refused, undefined);
        assert.deepEqual(calls, ['acknowledge']);
    });

    it("refuses an actor whose Teams or AAD id is the agent's own, even when configured as a supervisor", async () => {
        const { service, sign, store, calls } = await setup({
            supervisors: new Map([['aad-a', ['mu-1']]])
        });
        await store.saveUser({ teamsUserId: '29:a', genesysUserId: 'g-a', aadObjectId: 'aad-a' });
        const res = await service.action(personal('29:a-elsewhere', 'aad-a'), {
            ...sign('approveOvertime', 'g-a'),
            until: String(Date.UTC(2026, 10, 23, 12, 0, 0))
        });
        assert.equal(res.refused, 'self-action');
        assert.deepEqual(calls, []);
    });
});
