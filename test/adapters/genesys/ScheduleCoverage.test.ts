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

    const searches = (rig: Rig) =>
        rig.emulator.control.requests.filter((r) => r.path.endsWith('/agentschedules/search')).length;

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

    it('treats configured activity code ids as exceptions', async () => {
        const { rig, coverage, agent } = await setup(['3']);
        const now = rig.clock.now();
        agent.activities = [{ startAt: now - 60_000, lengthMinutes: 30, activityCodeId: '3' }];
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => coverage.coverageAt(agent.id, now).covered !== 'unknown', 'loaded');
        assert.equal(coverage.coverageAt(agent.id, now).covered, true);
    });

    it('asks again later when the search answers Processing, and never throws when Genesys fails', async () => {
        const { rig, coverage, agent } = await setup();
        const now = rig.clock.now();
        rig.emulator.control.searchProcessing(1);
        coverage.prefetch(agent.id, agent.managementUnitId, now);
        await until(() => coverage.pendingRetries === 1, 'processing answer');
        assert.deepEqual(coverage.coverageAt(agent.id, now), { covered: 'unknown' });
        rig.clock.advance(5_000);
        await until(() => coverage.coverageAt(agent.id, now).covered !== 'unknown', 'loaded on the second try');
        assert.equal(searches(rig), 2);

        const failing = await setup();
        failing.rig.emulator.control.failNext(100, 400);
        assert.doesNotThrow(() => failing.coverage.prefetch(failing.agent.id, failing.agent.managementUnitId, now));
        assert.deepEqual(failing.coverage.coverageAt(failing.agent.id, now), { covered: 'unknown' });
    });
});
