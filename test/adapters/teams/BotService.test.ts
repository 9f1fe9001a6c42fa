import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { personal, setup } from './botServiceFixture';

describe('BotService', () => {
    it('refuses an unsigned action and an unknown Teams user, and counts every refusal', async () => {
        const { service, sign, refusals } = await setup();
        assert.equal(
            (await service.action(personal('29:a'), { verb: 'myStatus', userId: 'g-a', episodeId: 'g-a@1' })).refused,
            'forged'
        );
        assert.equal((await service.action(personal('29:nobody'), sign('myStatus', 'g-a'))).refused, 'unknown-user');
        assert.deepEqual(refusals, ['forged', 'unknown-user']);
    });

    it('answers help and unknown text with the help card', async () => {
        const { service } = await setup();
        assert.match(JSON.stringify((await service.command(personal('29:a'), 'help')).card), /report \[days\]/);
        assert.match(JSON.stringify((await service.command(personal('29:a'), 'gibberish')).card), /didn't understand/);
    });
});
