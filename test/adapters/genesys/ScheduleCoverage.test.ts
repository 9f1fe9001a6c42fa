import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScheduleCoverage } from '../../../src/adapters/genesys/ScheduleCoverage';
import { startRig, until, type Rig } from './support';

describe('ScheduleCoverage', () => {
    const open: Array<{ rig: Rig; coverage: ScheduleCoverage }> = [];
    afterEach(async () => {
        for (const { rig, coverage } of open.splice(0)) {
            coverage.stop();
            await rig.close();
        }
    });

    async function setup(codes: string[] = []) {
        const rig = await startRig({ units: 1, agentsPerUnit: 3, rateLimitPerMinute: 0 });
        const coverage = new ScheduleCoverage({
            client: rig.client,
            clock: rig.clock,
            exceptionActivityCodeIds: codes,
            retryMs: 5_000
        });
        open.push({ rig, coverage });
        const agent = [...rig.emulator.control.center.agents.values()][0];
        return { rig, coverage, agent };
    }

    const searchRequests = (rig: Rig) =>
        rig.emulator.control.requests.filter((r) => r.path.endsWith('/agentschedules/search'));
    const searches = (rig: Rig) => searchRequests(rig).length;
    const searchBodies = (rig: Rig) => searchRequests(rig).map((r) => JSON.stringify(r.body));
    /** How many agents each search asked for, in order. */
    const searchedIds = (rig: Rig) => searchRequests(rig).map((r) => (r.body as { userIds: string[] }).userIds.length);
    const loading = (rig: Rig) => rig.emulator.control.requests.some((r) => r.status === undefined);

    it('answers unknown until loaded, then covered for an exception activity and not covered otherwise', async () => {
        const { rig, coverage, agent } = await setup();
        const now = rig.clock.now();
        agent.activities = [
            { startAt: now - 3_600_000, lengthMinutes: 60, activityCodeId: '0' },
            { startAt: now, lengthMinutes: 120, activityCodeId: '6' }
        ];
        assert.deepEqual(coverage.coverageAt(agent.id, now), { covered: 'unknown' });
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => coverage.coverageAt(agent.id, now).covered !== 'unknown', 'schedules loaded');
        assert.deepEqual(coverage.coverageAt(agent.id, now + 60_000), {
            covered: true,
            until: now + 120 * 60_000,
            reason: 'schedule-exception',
            detail: 'Training'
        });
        assert.deepEqual(coverage.coverageAt(agent.id, now - 60_000), { covered: false });
        const other = [...rig.emulator.control.center.agents.values()][1];
        assert.notEqual(coverage.coverageAt(other.id, now).covered, 'unknown');
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        assert.equal(searches(rig), 1, 'a fresh unit is not fetched again');
    });

    it("gives the agent's scheduled activity now (until the next different one) and the next, by activity code name", async () => {
        const { rig, coverage, agent } = await setup();
        const now = rig.clock.now();
        agent.activities = [
            { startAt: now - 60 * 60_000, lengthMinutes: 60, activityCodeId: '0' },
            { startAt: now, lengthMinutes: 20, activityCodeId: '0' },
            { startAt: now + 20 * 60_000, lengthMinutes: 15, activityCodeId: '1' },
            { startAt: now + 35 * 60_000, lengthMinutes: 60, activityCodeId: '0' }
        ];
        assert.equal(coverage.scheduleAt(agent.id, now), undefined, 'not loaded yet');
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => coverage.scheduleAt(agent.id, now) !== undefined, 'schedules loaded');
        assert.deepEqual(coverage.scheduleAt(agent.id, now + 60_000), {
            current: { label: 'On Queue Work', startAt: now, endAt: now + 20 * 60_000 },
            next: { label: 'Break', startAt: now + 20 * 60_000, endAt: now + 35 * 60_000 }
        });
        assert.deepEqual(coverage.scheduleAt(agent.id, now + 3 * 3_600_000), {}, 'nothing scheduled any more');
    });

    it('treats configured activity code ids as exceptions', async () => {
        const { rig, coverage, agent } = await setup(['3']);
        const now = rig.clock.now();
        agent.activities = [{ startAt: now - 60_000, lengthMinutes: 30, activityCodeId: '3' }];
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => coverage.coverageAt(agent.id, now).covered !== 'unknown', 'loaded');
        assert.equal(coverage.coverageAt(agent.id, now).covered, true);
    });

    it('splits a search answered Processing into smaller ones instead of asking it again, and never throws when Genesys fails', async () => {
        const { rig, coverage, agent } = await setup();
        const now = rig.clock.now();
        rig.emulator.control.searchProcessing(1);
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => coverage.coverageAt(agent.id, now).covered !== 'unknown', 'loaded from the halves');
        assert.deepEqual(searchedIds(rig), [3, 2, 1], 'the unit, then its two halves');
        assert.equal(new Set(searchBodies(rig)).size, searchBodies(rig).length, 'no search repeated');
        assert.equal(coverage.pendingRetries, 0);

        const failing = await setup();
        failing.rig.emulator.control.failNext(100, 400);
        assert.doesNotThrow(() => failing.coverage.prefetch(failing.agent.id, failing.agent.managementUnitId, now));
        assert.deepEqual(failing.coverage.coverageAt(failing.agent.id, now), { covered: 'unknown' });
    });

    it('answers for every agent of a 1,500-agent unit in searches Genesys answers at once', async () => {
        const rig = await startRig({ units: 1, agentsPerUnit: 1_500, rateLimitPerMinute: 0 });
        const coverage = new ScheduleCoverage({ client: rig.client, clock: rig.clock, exceptionActivityCodeIds: [] });
        open.push({ rig, coverage });
        const agents = [...rig.emulator.control.center.agents.values()];
        const now = rig.clock.now();
        coverage.prefetch(agents[0].id, agents[0].managementUnitId, now);
        await until(() => coverage.coverageAt(agents[0].id, now).covered !== 'unknown', 'unit loaded', 20_000);
        assert.ok(agents.every((a) => coverage.coverageAt(a.id, now).covered !== 'unknown'));
        assert.deepEqual(rig.emulator.control.asyncScheduleSearches, [], 'none answered Processing');
        assert.equal(searchedIds(rig).length, 15);
        assert.ok(searchedIds(rig).every((n) => n <= 100));
    });

    it('reloads only the agents a schedule change names, alone, and the whole unit when none is named', async () => {
        const { rig, coverage, agent } = await setup(['3']);
        const now = rig.clock.now();
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => coverage.coverageAt(agent.id, now).covered !== 'unknown', 'loaded');
        assert.equal(coverage.coverageAt(agent.id, now).covered, false);
        agent.activities = [{ startAt: now - 60_000, lengthMinutes: 30, activityCodeId: '3' }];
        coverage.invalidate(agent.managementUnitId, [agent.id]);
        const other = [...rig.emulator.control.center.agents.values()][1];
        assert.deepEqual(coverage.coverageAt(agent.id, now), { covered: 'unknown' });
        assert.equal(coverage.coverageAt(other.id, now).covered, false, 'the others keep their schedules');
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => coverage.coverageAt(agent.id, now).covered === true, 'reloaded');
        assert.deepEqual(searchedIds(rig), [3, 1]);
        coverage.invalidate(agent.managementUnitId);
        coverage.prefetch(other.id, other.managementUnitId, now);
        await until(() => searchedIds(rig).length === 3, 'unit reloaded');
        assert.deepEqual(searchedIds(rig), [3, 1, 3]);
    });

    it('gives up on a unit whose schedules the role may not read, and asks again only after the cache lifetime', async () => {
        const { rig, coverage, agent } = await setup();
        const now = rig.clock.now();
        rig.emulator.control.revokePermissions('wfm:publishedSchedule:view', 'wfm:schedule:view');
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => searches(rig) === 1, 'refused search');
        await until(() => coverage.pendingRetries === 0 && !loading(rig), 'gave up');
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        rig.clock.advance(60_000);
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        assert.equal(searches(rig), 1, 'not asked again before the cache lifetime');
        assert.deepEqual(coverage.coverageAt(agent.id, now), { covered: 'unknown' });
        rig.emulator.control.setPermissions(undefined);
        rig.clock.advance(900_000);
        coverage.prefetch(agent.id, agent.managementUnitId, rig.clock.now());
        await until(() => coverage.coverageAt(agent.id, rig.clock.now()).covered !== 'unknown', 'loaded once allowed');
    });
});
