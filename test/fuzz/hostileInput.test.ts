import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FuzzRig } from './fuzzRig';
import { fuzzMessages, fuzzSync } from './runFuzz';

/**
 * Seeded hostile-input fuzzing of both HTTP endpoints and the card-action verbs, bounded to well under a minute
 * (`npm run fuzz` runs the long version). FUZZ_SEED replays another seed.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const MESSAGE_RUNS = 1_200;
const SYNC_RUNS = 600;
const RSS_GROWTH_LIMIT_MB = 300;

describe('fuzz: hostile input over /api/messages, /api/sync/events and the card actions', () => {
    const rig = new FuzzRig();
    let rssAtStart = 0;
    before(async () => {
        await rig.start();
        rssAtStart = rig.rssMb();
    });
    after(() => rig.stop());

    it('POST /api/messages: no 5xx, every answer within 2 s, no forged or unauthorised action applied', async () => {
        const report = await fuzzMessages(rig, MESSAGE_RUNS, SEED);
        assert.deepEqual(report.violations, [], `seed ${SEED}`);
        assert.equal(report.inputs, MESSAGE_RUNS);
        assert.ok(rig.victimUnchanged());
        assert.ok(
            (report.statuses['200'] ?? 0) > 0 && (report.statuses['400'] ?? 0) > 0,
            JSON.stringify(report.statuses)
        );
    });

    it('POST /api/sync/events: no 5xx, within 2 s, reply, queue and dead letters agree, every accepted item valid', async () => {
        const report = await fuzzSync(rig, SYNC_RUNS, SEED);
        assert.deepEqual(report.violations, [], `seed ${SEED}`);
        assert.equal(report.inputs, SYNC_RUNS);
        const counts = await rig.syncCounts();
        assert.ok(counts.queued > 0 && counts.dead > 0, `some accepted and some refused: ${JSON.stringify(counts)}`);
    });

    it('stays within its memory and logs nothing at error level', () => {
        const growth = rig.rssMb() - rssAtStart;
        assert.ok(growth < RSS_GROWTH_LIMIT_MB, `RSS grew by ${Math.round(growth)} MB`);
        assert.deepEqual(rig.logger.errors.map((l) => `${l.msg} ${JSON.stringify(l.fields)}`).slice(0, 5), []);
    });
});
