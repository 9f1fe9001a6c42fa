import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useRawEmulator } from '../support';

describe('Genesys emulator REST routes (raw protocol)', () => {
    const { token, api } = useRawEmulator();

    it('serves adherence for 1-100 user ids only and presence read-back for 1-50 ids only', async () => {
        const t = await token();
        const ids = Array.from({ length: 101 }, (_, i) => `userId=u${i}`).join('&');
        assert.equal((await api(t, `/api/v2/workforcemanagement/adherence?${ids}`)).status, 400);
        const src = (await (
            await api(t, '/api/v2/presence/sources', { method: 'POST', body: JSON.stringify({ name: 's' }) })
        ).json()) as { id: string };
        const ids51 = Array.from({ length: 51 }, (_, i) => `id=u${i}`).join('&');
        assert.equal((await api(t, `/api/v2/users/presences/${src.id}/bulk?${ids51}`)).status, 400);
    });
});
