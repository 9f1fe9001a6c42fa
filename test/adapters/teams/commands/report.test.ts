import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../../../../src/adapters/teams/HandlerContext';
import { inChannel, personal, setup } from '../botServiceFixture';

describe('report command scope', () => {
    const groupChat = (teamsUserId: string, conversationId: string, aadObjectId?: string): Actor => ({
        teamsUserId,
        aadObjectId,
        conversationId,
        kind: 'groupChat'
    });

    it('refuses the report in a channel or group chat that is not subscribed to a unit, even to a * supervisor', async () => {
        const { service, store, reports, refusals } = await setup({
            withReport: true,
            supervisors: new Map([['aad-boss', ['*']]])
        });
        await store.subscribe('mu-2', '19:mu2-channel');
        const agent = await service.command(groupChat('29:x', '19:random-chat'), 'report 90');
        assert.equal(agent.refused, 'not-subscribed');
        assert.match(agent.message ?? '', /subscribe/);
        const boss = await service.command(inChannel('29:boss', '19:other-channel', 'aad-boss'), 'report');
        assert.equal(boss.refused, 'not-subscribed');
        assert.deepEqual(reports, [], 'no report was computed');
        assert.deepEqual(refusals, ['not-subscribed', 'not-subscribed']);
    });

    it('serves a subscribed channel only its own units, and only to someone who supervises them', async () => {
        const { service, store, reports } = await setup({ withReport: true });
        await store.subscribe('mu-2', '19:mu2-channel');
        await store.subscribe('mu-3', '19:mu2-channel');
        await store.subscribe('mu-1', '19:mu1-channel');
        assert.equal((await service.command(inChannel('29:x', '19:mu2-channel'), 'report 3')).refused, undefined);
        assert.deepEqual(reports, [{ days: 3, units: ['mu-2', 'mu-3'] }]);

        const strict = await setup({ withReport: true, channelMembersSupervise: false });
        await strict.store.subscribe('mu-1', '19:ch');
        await strict.store.subscribe('mu-2', '19:ch');
        const member = await strict.service.command(inChannel('29:x', '19:ch'), 'report');
        assert.equal(member.refused, 'not-supervisor', 'channel membership alone does not authorize here');
        await strict.service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'report');
        assert.deepEqual(strict.reports, [{ days: 7, units: ['mu-1'] }], "only the supervisor's units of the channel");
    });

    it('gives a supervisor in a personal chat their own units, a * supervisor all, and an agent a clear refusal', async () => {
        const { service, reports } = await setup({
            withReport: true,
            supervisors: new Map([
                ['aad-sup', ['mu-1']],
                ['29:two', ['mu-2', 'mu-3']],
                ['aad-boss', ['*']]
            ])
        });
        await service.command(personal('29:sup', 'aad-sup'), 'report');
        await service.command(personal('29:two'), 'report 2');
        await service.command(personal('29:boss', 'aad-boss'), 'report 1');
        assert.deepEqual(reports, [
            { days: 7, units: ['mu-1'] },
            { days: 2, units: ['mu-2', 'mu-3'] },
            { days: 1, units: [] }
        ]);
        const agent = await service.command(personal('29:a'), 'report');
        assert.equal(agent.refused, 'not-supervisor');
        assert.match(agent.message ?? '', /for supervisors.*status/);
        assert.equal(reports.length, 3);
    });
});
