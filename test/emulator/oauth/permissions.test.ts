import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useRawEmulator } from '../support';

/**
 * Permissions as the SDK docs list them per operation (`platform-client-sdk-javascript` 259.0.0 `build/docs/*Api.md`,
 * "Requires ANY/ALL/NO permissions"), answered like Genesys: 403 with `missing.any.permissions` / `missing.permissions`.
 */
describe('Genesys emulator permissions (raw protocol)', () => {
    const raw = useRawEmulator({ rateLimitPerMinute: 0 });
    const { token, api } = raw;

    it('grants every permission by default (the zero-configuration sandbox)', async () => {
        const t = await token();
        const mu = raw.emu.control.center.units[0].id;
        for (const path of [
            `/api/v2/workforcemanagement/managementunits/${mu}/adherence`,
            `/api/v2/workforcemanagement/managementunits/${mu}/users`,
            '/api/v2/presence/sources',
            '/api/v2/presence/definitions'
        ])
            assert.equal((await api(t, path)).status, 200, path);
    });

    it('answers 403 missing.any.permissions with the Genesys error body when no permission of an ANY list is held', async () => {
        const t = await token();
        const mu = raw.emu.control.center.units[0].id;
        // WorkforceManagementApi.md:7967: a unit's adherence "Requires ANY permissions: wfm:realtimeAdherence:view".
        raw.emu.control.revokePermissions('wfm:realtimeAdherence:view');
        try {
            const res = await api(t, `/api/v2/workforcemanagement/managementunits/${mu}/adherence`);
            assert.equal(res.status, 403);
            assert.equal(res.headers.get('content-type'), 'application/json');
            assert.ok(res.headers.get('inin-correlation-id'));
            const body = (await res.json()) as {
                status: number;
                code: string;
                message: string;
                contextId: string;
                messageParams: Record<string, string>;
            };
            assert.equal(body.status, 403);
            assert.equal(body.code, 'missing.any.permissions');
            assert.match(
                body.message,
                /at least one of the following permissions assigned: \[wfm:realtimeAdherence:view\]/
            );
            assert.deepEqual(body.messageParams, { permissions: 'wfm:realtimeAdherence:view' });
            assert.ok(body.contextId);
            // WorkforceManagementApi.md:8762: the unit's users take any of nine WFM views; one other is enough.
            assert.equal((await api(t, `/api/v2/workforcemanagement/managementunits/${mu}/users`)).status, 200);
            // WorkforceManagementApi.md:9285: the unit list "Requires NO permissions", but `feature` lists only the units
            // the caller "is authorized to use the requested feature" on (WorkforceManagementApi.js:4951).
            const all = await api(t, '/api/v2/workforcemanagement/managementunits');
            assert.equal(all.status, 200);
            assert.equal(((await all.json()) as { entities: unknown[] }).entities.length, 2);
            const rta = await api(t, '/api/v2/workforcemanagement/managementunits?feature=RealTimeAdherence');
            assert.deepEqual(((await rta.json()) as { entities: unknown[] }).entities, []);
        } finally {
            raw.emu.control.setPermissions(undefined);
        }
    });

    it('answers 403 missing.permissions for an ALL list, and takes a changed role on tokens already issued', async () => {
        const t = await token();
        // PresenceApi.md:455: the source list "Requires ALL permissions: presence:source:view".
        raw.emu.control.setPermissions(['wfm:realtimeAdherence:view']);
        try {
            const res = await api(t, '/api/v2/presence/sources');
            assert.equal(res.status, 403);
            assert.equal(((await res.json()) as { code: string }).code, 'missing.permissions');
            // UsersApi.md:3436: users by id "Requires NO permissions".
            assert.equal((await api(t, '/api/v2/users')).status, 200);
        } finally {
            raw.emu.control.setPermissions(undefined);
        }
        assert.equal((await api(t, '/api/v2/presence/sources')).status, 200);
    });
});
