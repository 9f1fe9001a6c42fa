import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useRawEmulator } from '../support';

interface UserPresenceBody {
    id: string;
    sourceId: string;
    primary: boolean;
    presenceDefinition: { id: string; systemPresence: string };
}

describe('Genesys emulator presence sources and primary source (raw protocol)', () => {
    const raw = useRawEmulator({ rateLimitPerMinute: 0 });
    const { token, api } = raw;
    const center = () => raw.emu.control.center;
    const def = (p: string) => center().presenceDefinitions.find((d) => d.systemPresence === p)!.id;
    const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body) });

    async function registeredSource(t: string, name: string): Promise<string> {
        const res = await api(t, '/api/v2/presence/sources', { method: 'POST', ...json({ name }) });
        assert.equal(res.status, 200);
        return ((await res.json()) as { id: string }).id;
    }

    it('refuses PATCH for a registered source (PresenceApi.js:495) and takes it for a custom one', async () => {
        const t = await token();
        const source = await registeredSource(t, 'external-wfm');
        const [agent] = center().units[0].agentIds;
        const patch = (sourceId: string) =>
            api(t, `/api/v2/users/${agent}/presences/${sourceId}`, {
                method: 'PATCH',
                ...json({ presenceDefinition: { id: def('Meal') } })
            });
        const refused = await patch(source);
        assert.equal(refused.status, 400);
        const error = (await refused.json()) as { code: string; message: string };
        assert.equal(error.code, 'bad.request');
        assert.match(error.message, /does not support registered presence sources/);
        assert.equal(raw.emu.control.presenceWrites.length, 0, 'a refused write is not recorded');
        const custom = await patch('CUSTOM-CTI');
        assert.equal(custom.status, 200);
        const body = (await custom.json()) as UserPresenceBody;
        assert.deepEqual([body.sourceId, body.primary, body.presenceDefinition.id], ['CUSTOM-CTI', false, def('Meal')]);
    });

    it('answers a bulk write with UserPresence[] (index.d.ts:10653) and refuses the whole call for one bad entry', async () => {
        const t = await token();
        const source = await registeredSource(t, 'bulk-source');
        const [a, b] = center().units[0].agentIds;
        const ok = await api(t, '/api/v2/users/presences/bulk', {
            method: 'PUT',
            ...json([
                { id: a, sourceId: source, presenceDefinition: { id: def('Break') } },
                { id: b, sourceId: source, presenceDefinition: { id: def('Meal') } }
            ])
        });
        assert.equal(ok.status, 200);
        const written = (await ok.json()) as UserPresenceBody[];
        assert.deepEqual(
            written.map((p) => [p.id, p.sourceId, p.primary, p.presenceDefinition.systemPresence]),
            [
                [a, source, false, 'Break'],
                [b, source, false, 'Meal']
            ]
        );
        const before = raw.emu.control.presenceWrites.length;
        const bad = await api(t, '/api/v2/users/presences/bulk', {
            method: 'PUT',
            ...json([
                { id: a, sourceId: source, presenceDefinition: { id: def('OnQueue') } },
                { id: 'no-such-user', sourceId: source, presenceDefinition: { id: def('OnQueue') } }
            ])
        });
        assert.equal(bad.status, 404);
        assert.equal(raw.emu.control.presenceWrites.length, before, 'nothing of a refused call is written');
        raw.emu.control.revokePermissions('presence:userPresence:edit');
        try {
            // PresenceApi.md:1565 "Requires ANY permissions: presence:userPresence:edit".
            const forbidden = await api(t, '/api/v2/users/presences/bulk', {
                method: 'PUT',
                ...json([{ id: a, sourceId: source, presenceDefinition: { id: def('OnQueue') } }])
            });
            assert.equal(forbidden.status, 403);
        } finally {
            raw.emu.control.setPermissions(undefined);
        }
    });

    it('shows the presence of the primary source only: other writes are stored but change nothing WFM sees', async () => {
        const t = await token();
        const source = await registeredSource(t, 'wfm-primary');
        const agentId = center().units[1].agentIds[0];
        const agent = center().agents.get(agentId)!;
        const shown = agent.systemPresence;
        const write = (p: string) =>
            api(t, '/api/v2/users/presences/bulk', {
                method: 'PUT',
                ...json([{ id: agentId, sourceId: source, presenceDefinition: { id: def(p) } }])
            });
        const readBack = async () =>
            (
                (await (
                    await api(t, `/api/v2/users/presences/${source}/bulk?id=${agentId}`)
                ).json()) as UserPresenceBody[]
            )[0].presenceDefinition.systemPresence;
        const primary = async () =>
            (await (await api(t, `/api/v2/presence/users/${agentId}/primarysource`)).json()) as {
                sourceId: string;
                registered: boolean;
            };
        const target = shown === 'Meeting' ? 'Training' : 'Meeting';
        assert.equal((await write(target)).status, 200);
        assert.equal(await readBack(), target, 'stored on its source');
        assert.equal(agent.systemPresence, shown, 'not what Genesys shows: PURECLOUD is primary');
        assert.equal(raw.emu.control.presenceWrites.at(-1)!.visible, false);
        assert.deepEqual(await primary(), {
            id: agentId,
            name: 'PURECLOUD',
            sourceId: 'PURECLOUD',
            registered: false,
            selfUri: `/api/v2/presence/users/${agentId}/primarysource`
        });

        // PresenceApi.md:1444 "Requires ALL permissions: presence:userPrimarySource:edit".
        raw.emu.control.revokePermissions('presence:userPrimarySource:edit');
        const put = () =>
            api(t, `/api/v2/presence/users/${agentId}/primarysource`, { method: 'PUT', ...json({ sourceId: source }) });
        try {
            const refused = await put();
            assert.equal(refused.status, 403);
            assert.equal(((await refused.json()) as { code: string }).code, 'missing.permissions');
        } finally {
            raw.emu.control.setPermissions(undefined);
        }
        const made = await put();
        assert.equal(made.status, 200);
        assert.deepEqual(
            { ...((await made.json()) as object) },
            {
                id: agentId,
                name: 'wfm-primary',
                sourceId: source,
                registered: true,
                selfUri: `/api/v2/presence/users/${agentId}/primarysource`
            }
        );
        assert.equal(agent.systemPresence, target, 'the primary source now shows what it held');
        assert.equal((await write('Break')).status, 200);
        assert.equal(agent.systemPresence, 'Break');
        assert.equal(raw.emu.control.presenceWrites.at(-1)!.visible, true);
        raw.emu.control.tick();
        assert.equal(agent.systemPresence, 'Break', 'the simulation does not move an agent driven by another source');
        const unknown = await api(t, `/api/v2/presence/users/${agentId}/primarysource`, {
            method: 'PUT',
            ...json({ sourceId: 'never-seen' })
        });
        assert.equal(unknown.status, 400);
    });
});
