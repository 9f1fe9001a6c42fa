import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { until, useRawEmulator } from '../support';

interface SearchAnswer {
    status: string;
    operationId: string;
    result?: { agentSchedules: Array<{ user: { id: string } }> };
    downloadUrl?: string;
}

describe('Genesys emulator WFM routes (raw protocol)', () => {
    const raw = useRawEmulator({ rateLimitPerMinute: 0, scheduleSearchSyncLimit: 3 });
    const { clock, token, api } = raw;

    it('lists every unit whatever the deprecated paging parameters say (WorkforceManagementApi.js:4948-4949)', async () => {
        const t = await token();
        const res = await api(t, '/api/v2/workforcemanagement/managementunits?pageSize=1&pageNumber=2');
        assert.equal(res.status, 200);
        const body = (await res.json()) as Record<string, unknown> & { entities: unknown[] };
        assert.equal(body.entities.length, 2);
        assert.equal(body.nextUri, undefined);
        assert.equal(body.pageCount, undefined);
    });

    it('answers a small schedule search at once, inline or through the download service', async () => {
        const t = await token();
        const unit = raw.emu.control.center.units[0];
        const path = `/api/v2/workforcemanagement/managementunits/${unit.id}/agentschedules/search`;
        const query = JSON.stringify({
            startDate: new Date(clock.now()).toISOString(),
            endDate: new Date(clock.now() + 3_600_000).toISOString(),
            userIds: unit.agentIds.slice(0, 3)
        });
        const inline = await api(t, path, { method: 'POST', body: query });
        assert.equal(inline.status, 200);
        const answer = (await inline.json()) as SearchAnswer;
        assert.equal(answer.status, 'Complete');
        assert.deepEqual(
            answer.result!.agentSchedules.map((s) => s.user.id),
            unit.agentIds.slice(0, 3)
        );
        // WorkforceManagementApi.js:10639: forceDownloadService "Force the result … to be sent via download service".
        const viaDownload = (await (
            await api(t, `${path}?forceDownloadService=true`, { method: 'POST', body: query })
        ).json()) as SearchAnswer;
        assert.equal(viaDownload.status, 'Complete');
        assert.equal(viaDownload.result, undefined);
        const downloaded = (await (await fetch(viaDownload.downloadUrl!)).json()) as SearchAnswer['result'];
        assert.equal(downloaded!.agentSchedules.length, 3);
    });

    it('answers a large or forceAsync search Processing every time it is asked: the result goes to a user topic, never to a repeated POST', async () => {
        const t = await token();
        const unit = raw.emu.control.center.units[1];
        const path = `/api/v2/workforcemanagement/managementunits/${unit.id}/agentschedules/search`;
        const window = {
            startDate: new Date(clock.now()).toISOString(),
            endDate: new Date(clock.now() + 3_600_000).toISOString()
        };
        const ask = async (suffix: string, body: object) =>
            (await (
                await api(t, path + suffix, { method: 'POST', body: JSON.stringify(body) })
            ).json()) as SearchAnswer;
        const first = await ask('', window);
        const again = await ask('', window);
        assert.deepEqual(
            [first.status, again.status],
            ['Processing', 'Processing'],
            'five agents exceed the limit of three'
        );
        assert.notEqual(first.operationId, again.operationId);
        assert.equal(first.result, undefined);
        // WorkforceManagementApi.js:10638: forceAsync "Force the result … to be sent asynchronously via notification".
        const forced = await ask('?forceAsync=true', { ...window, userIds: unit.agentIds.slice(0, 1) });
        assert.equal(forced.status, 'Processing');
        assert.deepEqual(
            raw.emu.control.asyncScheduleSearches.map((s) => [s.operationId, s.agents]),
            [
                [first.operationId, 5],
                [again.operationId, 5],
                [forced.operationId, 1]
            ]
        );
        assert.equal((await ask('', { ...window, userIds: unit.agentIds.slice(0, 3) })).status, 'Complete');
        raw.emu.control.revokePermissions('wfm:publishedSchedule:view', 'wfm:schedule:view');
        try {
            // WorkforceManagementApi.md:18675 "Requires ANY permissions: wfm:publishedSchedule:view, wfm:schedule:view".
            assert.equal((await api(t, path, { method: 'POST', body: JSON.stringify(window) })).status, 403);
        } finally {
            raw.emu.control.setPermissions(undefined);
        }
    });

    it('announces a republish on agentschedules.changed with the agents whose schedules moved (index.d.ts:70189)', async () => {
        const t = await token();
        const unit = raw.emu.control.center.units[0];
        const ch = (await (await api(t, '/api/v2/notifications/channels', { method: 'POST' })).json()) as {
            id: string;
            connectUri: string;
        };
        const topic = `v2.workforcemanagement.managementunits.${unit.id}.agentschedules.changed`;
        await api(t, `/api/v2/notifications/channels/${ch.id}/subscriptions`, {
            method: 'PUT',
            body: JSON.stringify([{ id: topic }])
        });
        const frames: Array<{ topicName: string; eventBody: Record<string, unknown> }> = [];
        const ws = new WebSocket(ch.connectUri);
        ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
        await new Promise((r) => ws.once('open', r));
        try {
            await until(() => raw.emu.control.openSockets() >= 1, 'socket registered');
            const moved = raw.emu.control.republish(unit.id, 1);
            await until(() => frames.some((f) => f.topicName === topic), 'schedule change');
            const body = frames.find((f) => f.topicName === topic)!.eventBody as {
                agents: Array<{ agentId: string; startDate: string; endDate: string }>;
                visibilityRange: { endDate: string; endBusinessUnitDate: string };
            };
            assert.deepEqual(
                body.agents.map((a) => a.agentId),
                moved
            );
            for (const a of body.agents) assert.ok(Date.parse(a.startDate) < Date.parse(a.endDate));
            const lastEnd = Math.max(...body.agents.map((a) => Date.parse(a.endDate)));
            assert.equal(body.visibilityRange.endDate, new Date(lastEnd).toISOString());
            assert.equal(body.visibilityRange.endBusinessUnitDate, body.visibilityRange.endDate.slice(0, 10));
        } finally {
            ws.terminate();
        }
    });
});
