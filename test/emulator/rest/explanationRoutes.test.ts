import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as Genesys from 'purecloud-platform-client-v2';
import { useRawEmulator } from '../support';

describe('Genesys emulator adherence explanation routes (raw protocol)', () => {
    const raw = useRawEmulator({ rateLimitPerMinute: 0 });
    const { clock, token, api } = raw;
    const path = (agentId: string) => `/api/v2/workforcemanagement/agents/${agentId}/adherence/explanations`;
    const jobPath = (id: string) => `/api/v2/workforcemanagement/adherence/explanations/jobs/${id}`;

    it('adds an explanation through a job (202 Processing, then Complete with the explanation); approving makes the agent Explained', async () => {
        const t = await token();
        const { center } = raw.emu.control;
        const agent = [...center.agents.values()].find((a) => a.adherence.scheduledCategory === 'OnQueueWork')!;
        raw.emu.control.setPresence(agent.id, 'Away');
        assert.equal(agent.adherence.adherenceState, 'OutOfAdherence');
        raw.emu.control.explanationJobsProcessFor(1_000);
        const body = { type: 'Late', startDate: new Date(clock.now()).toISOString(), lengthMinutes: 20 };
        const added = await api(t, path(agent.id), {
            method: 'POST',
            body: JSON.stringify({ ...body, notes: 'Still with a customer', status: 'Pending' })
        });
        assert.equal(added.status, 202);
        const { job } = (await added.json()) as Genesys.Models.AdherenceExplanationAsyncResponse;
        assert.equal(job?.status, 'Processing');
        const processing = (await (await api(t, jobPath(job!.id!))).json()) as Genesys.Models.AdherenceExplanationJob;
        assert.equal(processing.status, 'Processing');
        clock.advance(1_000);
        const done = (await (await api(t, jobPath(job!.id!))).json()) as Genesys.Models.AdherenceExplanationJob;
        assert.equal(done.status, 'Complete');
        const explanation = done.adherenceExplanation!;
        assert.deepEqual(
            [explanation.type, explanation.status, explanation.lengthMinutes, explanation.notes, explanation.agent.id],
            ['Late', 'Pending', 20, 'Still with a customer', agent.id]
        );
        const read = await api(t, `${path(agent.id)}/${explanation.id}`);
        assert.equal(((await read.json()) as Genesys.Models.AdherenceExplanationResponse).status, 'Pending');

        const patched = await api(t, `${path(agent.id)}/${explanation.id}`, {
            method: 'PATCH',
            body: JSON.stringify({ status: 'Approved' })
        });
        assert.equal(patched.status, 202);
        assert.equal(agent.adherence.adherenceState, 'Explained', 'Genesys reports the agent Explained');
        assert.equal(raw.emu.control.explanations.get(explanation.id!)?.status, 'Approved');
        raw.emu.control.explanationJobsProcessFor(0);
    });

    it('refuses a bad body, an unknown agent, a foreign job and a missing permission as Genesys does', async () => {
        const t = await token();
        const agentId = raw.emu.control.center.units[0].agentIds[0];
        const start = new Date(clock.now()).toISOString();
        const bad = await api(t, path(agentId), {
            method: 'POST',
            body: JSON.stringify({ type: 'Early', startDate: start, lengthMinutes: 5 })
        });
        assert.equal(bad.status, 400);
        const zero = await api(t, path(agentId), {
            method: 'POST',
            body: JSON.stringify({ type: 'Late', startDate: start, lengthMinutes: 0 })
        });
        assert.equal(zero.status, 400);
        const ghost = await api(t, path('ghost'), {
            method: 'POST',
            body: JSON.stringify({ type: 'Late', startDate: start, lengthMinutes: 5 })
        });
        assert.equal(ghost.status, 404);
        assert.equal((await api(t, jobPath('not-a-job'))).status, 404);
        raw.emu.control.revokePermissions('wfm:adherenceExplanation:add');
        try {
            const refused = await api(t, path(agentId), {
                method: 'POST',
                body: JSON.stringify({ type: 'Late', startDate: start, lengthMinutes: 5 })
            });
            assert.equal(refused.status, 403);
            const error = (await refused.json()) as Genesys.Models.ErrorBody;
            assert.equal(error.code, 'missing.permissions');
            assert.equal(error.messageParams?.permissions, 'wfm:adherenceExplanation:add');
        } finally {
            raw.emu.control.setPermissions(undefined);
        }
    });
});
