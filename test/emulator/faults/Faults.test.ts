import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useRawEmulator } from '../support';

describe('Genesys emulator faults (raw protocol)', () => {
    const raw = useRawEmulator();
    const { clock, token, api } = raw;

    it('answers 429 with Retry-After seconds and the Genesys body once its per-token limit is exceeded', async () => {
        const t = await token();
        for (let i = 0; i < 5; i++)
            assert.equal((await api(t, '/api/v2/workforcemanagement/managementunits')).status, 200);
        clock.advance(20_000);
        const res = await api(t, '/api/v2/workforcemanagement/managementunits');
        assert.equal(res.status, 429);
        assert.equal(res.headers.get('retry-after'), '40');
        const body = (await res.json()) as { code: string; message: string };
        assert.equal(body.code, 'too.many.requests.retry.after');
        assert.match(body.message, /Retry the request in \[40\] seconds/);
        assert.ok(res.headers.get('inin-correlation-id'));
        clock.advance(40_000);
        assert.equal((await api(t, '/api/v2/workforcemanagement/managementunits')).status, 200);
    });

    it('fails only the calls on a given path when told so, the others going through', async () => {
        clock.advance(60_000);
        const t = await token();
        const mu = (await (await api(t, '/api/v2/workforcemanagement/managementunits')).json()) as {
            entities: Array<{ id: string }>;
        };
        clock.advance(60_000);
        const unit = mu.entities[0].id;
        raw.emu.control.failNext(1, 403, /\/adherence$/);
        assert.equal((await api(t, `/api/v2/workforcemanagement/managementunits/${unit}/users`)).status, 200);
        assert.equal((await api(t, `/api/v2/workforcemanagement/managementunits/${unit}/adherence`)).status, 403);
        assert.equal((await api(t, `/api/v2/workforcemanagement/managementunits/${unit}/adherence`)).status, 200);
    });
});
