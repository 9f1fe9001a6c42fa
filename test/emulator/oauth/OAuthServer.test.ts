import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useRawEmulator } from '../support';

describe('Genesys emulator OAuth (raw protocol)', () => {
    const raw = useRawEmulator();
    const { clock, basic, token, api } = raw;

    it('issues client-credentials tokens with Basic auth and refuses bad clients and grants', async () => {
        await token();
        const bad = await fetch(`${raw.emu.loginUrl}/oauth/token`, {
            method: 'POST',
            headers: { Authorization: basic('x', 'y') },
            body: 'grant_type=client_credentials'
        });
        assert.equal(bad.status, 401);
        const grant = await fetch(`${raw.emu.loginUrl}/oauth/token`, {
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
});
