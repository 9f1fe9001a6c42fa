import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type * as Genesys from 'purecloud-platform-client-v2';
import { isGenesysError } from '../../../src/adapters/genesys/errors';
import { startRig, until, type Rig } from './support';

describe('GenesysClient against the emulator', () => {
    let rig: Rig;
    before(async () => {
        rig = await startRig({ units: 2, agentsPerUnit: 130, downloadThreshold: 10_000, rateLimitPerMinute: 0 });
    });
    after(() => rig.close());

    const apiRequests = () => rig.emulator.control.requests.filter((r) => r.path.startsWith('/api/v2/'));

    it('never shows the client secret through JSON.stringify or inspect', () => {
        const text = JSON.stringify(rig.client) + inspect(rig.client, { showHidden: true, depth: 8 });
        assert.doesNotMatch(text, new RegExp(rig.emulator.clientSecret));
    });

    it('lists units with real-time adherence and their users', async () => {
        const units = await rig.client.listManagementUnits();
        assert.equal(units.length, 2);
        assert.ok(rig.emulator.control.requests.some((r) => r.query.feature?.[0] === 'RealTimeAdherence'));
        assert.ok(
            rig.emulator.control.requests.every(
                (r) => r.query.pageSize === undefined && r.query.pageNumber === undefined
            ),
            'the unit list takes no paging (WorkforceManagementApi.js:4948)'
        );
        const users = await rig.client.listUnitUsers(units[0].id!);
        assert.equal(users.length, 130);
    });

    it('refreshes the token once and retries once after a 401', async () => {
        await rig.client.listManagementUnits();
        rig.emulator.control.revokeTokens();
        const tokensBefore = rig.emulator.control.tokenRequests;
        rig.emulator.control.clearRequests();
        const units = await rig.client.listManagementUnits();
        assert.equal(units.length, 2);
        assert.equal(rig.emulator.control.tokenRequests - tokensBefore, 1);
        assert.deepEqual(
            apiRequests().map((r) => r.status),
            [401, 200]
        );
    });

    it('surfaces GENESYS_AUTH_FAILED when a fresh token is refused too, after exactly one refresh', async () => {
        await rig.client.listManagementUnits();
        rig.emulator.control.clearRequests();
        rig.emulator.control.refuseAuth(true);
        const tokensBefore = rig.emulator.control.tokenRequests;
        try {
            await assert.rejects(
                rig.client.listManagementUnits(),
                (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_AUTH_FAILED' && !e.retryable
            );
        } finally {
            rig.emulator.control.refuseAuth(false);
        }
        assert.equal(rig.emulator.control.tokenRequests - tokensBefore, 1);
        assert.deepEqual(
            apiRequests().map((r) => r.status),
            [401, 401]
        );
    });

    it('honours 429 Retry-After, measured on the injected clock', async () => {
        rig.emulator.control.clearRequests();
        rig.emulator.control.rateLimitNext(1, 7);
        const start = rig.clock.now();
        await rig.client.listManagementUnits();
        const [limited, ok] = apiRequests();
        assert.equal(limited.status, 429);
        assert.equal(ok.status, 200);
        assert.equal(ok.at - limited.at, 7_000);
        assert.equal(rig.clock.now() - start, 7_000);
        assert.ok(rig.client.metrics.rateLimited.get !== undefined);
    });

    it('retries 5xx with backoff and surfaces GENESYS_SERVER_ERROR after maxAttempts', async () => {
        rig.emulator.control.clearRequests();
        rig.emulator.control.failNext(2, 503);
        assert.equal((await rig.client.listManagementUnits()).length, 2);
        assert.deepEqual(
            apiRequests().map((r) => r.status),
            [503, 503, 200]
        );
        rig.emulator.control.failNext(4, 500);
        await assert.rejects(
            rig.client.listManagementUnits(),
            (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_SERVER_ERROR' && e.status === 500
        );
    });

    it('reads adherence by user ids in chunks of at most 100, repeating the userId parameter', async () => {
        const [unit] = await rig.client.listManagementUnits();
        const ids = await rig.client.listUnitUsers(unit.id!);
        const other = await rig.client.listUnitUsers((await rig.client.listManagementUnits())[1].id!);
        const all = [...ids, ...other.slice(0, 120)];
        rig.emulator.control.clearRequests();
        const rows: Genesys.Models.UserScheduleAdherence[] = await rig.client.getAdherence(all);
        assert.equal(rows.length, 250);
        assert.deepEqual(
            apiRequests().map((r) => r.query.userId.length),
            [100, 100, 50]
        );
        assert.deepEqual(new Set(rows.map((r) => r.user?.id)), new Set(all));
    });

    it('fetches users by id in batches of 100 with names and emails', async () => {
        const [unit] = await rig.client.listManagementUnits();
        const ids = await rig.client.listUnitUsers(unit.id!);
        rig.emulator.control.clearRequests();
        const users = await rig.client.getUsers(ids);
        assert.equal(users.length, 130);
        assert.equal(apiRequests().length, 2);
        assert.ok(users.every((u) => typeof u.name === 'string' && /@/.test(u.email ?? '')));
    });

    it('follows downloadUrl for a unit snapshot, without sending the bearer token there', async () => {
        const [unit] = await rig.client.listManagementUnits();
        rig.emulator.control.snapshotViaDownload(true);
        rig.emulator.control.clearRequests();
        try {
            const rows = await rig.client.getUnitAdherence(unit.id!);
            assert.equal(rows.length, 130);
            const dl = rig.emulator.control.requests.find((r) => r.path.startsWith('/downloads/'));
            assert.ok(dl, 'download fetched');
            assert.equal(dl.token, undefined);
        } finally {
            rig.emulator.control.snapshotViaDownload(undefined);
        }
        assert.equal((await rig.client.getUnitAdherence(unit.id!)).length, 130);
    });

    it('reads activity codes and searches schedules, reporting Processing then Complete', async () => {
        const [unit] = await rig.client.listManagementUnits();
        const codes = await rig.client.getActivityCodes(unit.businessUnit!.id!);
        assert.ok(codes.some((c) => c.category === 'TimeOff'));
        const users = await rig.client.listUnitUsers(unit.id!);
        const query = {
            startDate: new Date(rig.clock.now() - 3_600_000).toISOString(),
            endDate: new Date(rig.clock.now() + 3_600_000).toISOString(),
            userIds: users.slice(0, 3)
        };
        rig.emulator.control.searchProcessing(1);
        const first = await rig.client.searchSchedules(unit.id!, query);
        assert.equal(first.status, 'Processing');
        const second = await rig.client.searchSchedules(unit.id!, query);
        assert.equal(second.status, 'Complete');
        if (second.status !== 'Complete') return;
        assert.equal(second.agentSchedules.length, 3);
        assert.ok(second.agentSchedules[0].shifts![0].activities!.length > 0);
    });

    it('writes presence in bulk (answered with UserPresence[]), reads it back, lists sources and definitions, and reads and sets the primary source', async () => {
        const [unit] = await rig.client.listManagementUnits();
        const [u1, u2] = await rig.client.listUnitUsers(unit.id!);
        const source = await rig.client.createPresenceSource({ name: 'External WFM' });
        assert.ok((await rig.client.listPresenceSources()).some((s) => s.id === source.id));
        const defs = await rig.client.listPresenceDefinitions();
        const meal = defs.find((d) => d.systemPresence === 'Meal')!;
        const onQueue = defs.find((d) => d.systemPresence === 'OnQueue')!;
        assert.equal(onQueue.languageLabels.en_US, 'On Queue');
        const written = await rig.client.putPresencesBulk([
            { id: u1, sourceId: source.id!, presenceDefinition: { id: meal.id! } },
            { id: u2, sourceId: source.id!, presenceDefinition: { id: meal.id! }, message: 'lunch' }
        ]);
        assert.deepEqual(
            written.map((p) => [p.sourceId, p.primary, p.presenceDefinition?.id]),
            [
                [source.id, false, meal.id],
                [source.id, false, meal.id]
            ]
        );
        const back = await rig.client.getPresencesBulk(source.id!, [u1, u2]);
        assert.deepEqual(
            back.map((p) => p.presenceDefinition?.id),
            [meal.id, meal.id]
        );
        assert.notEqual(
            rig.emulator.control.center.agents.get(u1)!.systemPresence,
            'Meal',
            'the source is not primary'
        );
        assert.equal((await rig.client.getPrimarySource(u1)).sourceId, 'PURECLOUD');
        const primary = await rig.client.setPrimarySource(u1, source.id!);
        assert.deepEqual([primary.sourceId, primary.registered], [source.id, true]);
        assert.equal(rig.emulator.control.center.agents.get(u1)!.systemPresence, 'Meal');
        assert.deepEqual(
            rig.emulator.control.presenceWrites.slice(-2).map((w) => [w.userId, w.via, w.applied]),
            [
                [u1, 'bulk', true],
                [u2, 'bulk', true]
            ]
        );
        rig.emulator.control.ignorePresenceWrites(true);
        await rig.client.putPresencesBulk([{ id: u1, sourceId: source.id!, presenceDefinition: { id: onQueue.id! } }]);
        rig.emulator.control.ignorePresenceWrites(false);
        assert.equal((await rig.client.getPresencesBulk(source.id!, [u1]))[0].presenceDefinition?.id, meal.id);
        assert.equal(rig.emulator.control.presenceWrites.at(-1)!.applied, false);
    });

    it('times out a slow response on the injected clock', async () => {
        const slow = await startRig({ units: 1, agentsPerUnit: 1 }, { requestTimeoutMs: 5_000, maxAttempts: 1 });
        try {
            await slow.client.listManagementUnits();
            slow.emulator.control.setLatency(60_000);
            const before = slow.emulator.control.requests.length;
            const p = slow.client.listManagementUnits();
            await until(() => slow.emulator.control.requests.length > before, 'request reached the emulator');
            slow.clock.advance(5_000);
            await assert.rejects(p, (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_TIMEOUT' && e.retryable);
        } finally {
            await slow.close();
        }
    });
});
