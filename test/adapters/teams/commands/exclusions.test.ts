import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { personal, setup } from '../botServiceFixture';

describe('exclude and include commands', () => {
    it('changes exclusions for supervisors only and validates the category', async () => {
        const { service, calls } = await setup();
        assert.equal((await service.command(personal('29:x'), 'exclude Break')).refused, 'not-supervisor');
        assert.equal((await service.command(personal('29:sup', 'aad-sup'), 'exclude Lunch')).refused, 'invalid-input');
        const ok = await service.command(personal('29:sup', 'aad-sup'), 'exclude break');
        assert.match(JSON.stringify(ok.card), /Break will no longer trigger alerts/);
        await service.command(personal('29:sup', 'aad-sup'), 'include Break');
        assert.deepEqual(calls, ['exclude:Break', 'include:Break']);
    });
});
