import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfterMs } from '../../src/kit/retryAfter';

describe('parseRetryAfterMs', () => {
    it('reads seconds and HTTP dates, and ignores garbage', () => {
        assert.equal(parseRetryAfterMs('42', 0), 42_000);
        assert.equal(parseRetryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4_000), 6_000);
        assert.equal(parseRetryAfterMs('soon', 0), undefined);
        assert.equal(parseRetryAfterMs(undefined, 0), undefined);
    });

    it('accepts numbers, fractions and padding; a date in the past is 0', () => {
        assert.equal(parseRetryAfterMs(3, 0), 3_000);
        assert.equal(parseRetryAfterMs(' 1.5 ', 0), 1_500);
        assert.equal(parseRetryAfterMs('0', 0), 0);
        assert.equal(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 8)), 0);
    });

    it('reads a date only against the caller clock, never the wall clock', () => {
        assert.equal(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28, 0)), 10_000);
        assert.equal(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT'), undefined);
        assert.equal(parseRetryAfterMs('42'), 42_000);
    });

    it('refuses what is neither delay-seconds nor a date: negatives, exponents, empty, null, arrays', () => {
        for (const value of ['-1', '-1 GMT', '', '   ', null, ['5'], {}, '1e3'])
            assert.equal(parseRetryAfterMs(value, 0), undefined, JSON.stringify(value));
    });
});
