import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRetentionJob } from '../../src/analytics/retentionJob';
import { FakeClock } from '../support/FakeClock';
import { DAY, HOUR } from '../support/episodeLog';

/** A log of instants with the store's trim semantics: drop entries with `at < beforeAt`. */
function fakeLog(ats: number[]) {
    const calls: number[] = [];
    let fail = false;
    return {
        ats,
        calls,
        failNext() {
            fail = true;
        },
        async trimLog(beforeAt: number) {
            calls.push(beforeAt);
            if (fail) {
                fail = false;
                throw new Error('redis down');
            }
            const before = ats.length;
            ats.splice(0, ats.length, ...ats.filter((a) => a >= beforeAt));
            return before - ats.length;
        }
    };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createRetentionJob', () => {
    it('trims entries older than the retention at start and then every interval', async () => {
        const clock = new FakeClock();
        const now = clock.now();
        const log = fakeLog([now - 40 * DAY, now - 36 * DAY, now - 35 * DAY + HOUR / 2, now - DAY]);
        const results: number[] = [];
        const job = createRetentionJob({
            store: log,
            clock,
            retentionDays: 35,
            intervalMs: HOUR,
            onTrimmed: (r) => results.push(r.trimmed)
        });
        job.start();
        job.start();
        clock.advance(0);
        await flush();
        assert.deepEqual(log.calls, [now - 35 * DAY]);
        assert.deepEqual(results, [2]);
        assert.equal(log.ats.length, 2);

        clock.advance(HOUR);
        await flush();
        assert.deepEqual(log.calls, [now - 35 * DAY, now + HOUR - 35 * DAY]);
        assert.deepEqual(results, [2, 1]);
        assert.deepEqual(log.ats, [now - DAY]);

        await job.stop();
        clock.advance(10 * HOUR);
        await flush();
        assert.equal(log.calls.length, 2);
        assert.equal(clock.pendingCount, 0);
    });

    it('reports a failed trim and tries again at the next interval', async () => {
        const clock = new FakeClock();
        const log = fakeLog([clock.now() - 50 * DAY]);
        log.failNext();
        const errors: unknown[] = [];
        const job = createRetentionJob({ store: log, clock, retentionDays: 35, onError: (e) => errors.push(e) });
        job.start();
        clock.advance(0);
        await flush();
        assert.equal(errors.length, 1);
        assert.equal(log.ats.length, 1);
        clock.advance(HOUR);
        await flush();
        assert.equal(log.ats.length, 0);
        await job.stop();
    });

    it('rejects a retention that is not a whole number of days', () => {
        assert.throws(
            () => createRetentionJob({ store: fakeLog([]), clock: new FakeClock(), retentionDays: 0 }),
            RangeError
        );
    });
});
