import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserDirectory } from '../../../src/adapters/genesys/UserDirectory';
import { startRig, type Rig } from './support';

describe('UserDirectory', () => {
    let rig: Rig;
    before(async () => {
        rig = await startRig({ units: 1, agentsPerUnit: 150, rateLimitPerMinute: 0 });
    });
    after(() => rig.close());

    const userCalls = () => rig.emulator.control.requests.filter((r) => r.path === '/api/v2/users').length;

    it('returns names and emails in batches, caches them, and shares concurrent look-ups', async () => {
        const dir = new UserDirectory({ client: rig.client, clock: rig.clock, ttlMs: 60_000 });
        const ids = [...rig.emulator.control.center.agents.keys()];
        rig.emulator.control.clearRequests();
        const [a, b] = await Promise.all([dir.get(ids), dir.get(ids.slice(0, 10))]);
        assert.equal(a.size, 150);
        assert.equal(b.size, 10);
        assert.equal(userCalls(), 2, '150 ids in two batches, the second caller waits for the first');
        const agent = rig.emulator.control.center.agents.get(ids[0])!;
        assert.deepEqual(a.get(ids[0]), { id: ids[0], name: agent.name, email: agent.email });
        await dir.get(ids);
        assert.equal(userCalls(), 2, 'served from the cache');
        rig.clock.advance(60_000);
        await dir.get(ids.slice(0, 1));
        assert.equal(userCalls(), 3, 'expired entries are fetched again');
    });

    it('caches unknown ids as absent and finds users by email case-insensitively', async () => {
        const dir = new UserDirectory({ client: rig.client, clock: rig.clock });
        rig.emulator.control.clearRequests();
        const got = await dir.get(['nobody']);
        assert.equal(got.size, 0);
        await dir.get(['nobody']);
        assert.equal(userCalls(), 1);
        const agent = [...rig.emulator.control.center.agents.values()][3];
        const found = await dir.findByEmail(agent.email.toUpperCase());
        assert.equal(found?.id, agent.id);
        assert.equal(await dir.findByEmail('missing@contoso.example'), undefined);
        const searches = rig.emulator.control.requests.filter((r) => r.path === '/api/v2/users/search').length;
        await dir.findByEmail(agent.email);
        assert.equal(
            rig.emulator.control.requests.filter((r) => r.path === '/api/v2/users/search').length,
            searches,
            'cached'
        );
    });
});
