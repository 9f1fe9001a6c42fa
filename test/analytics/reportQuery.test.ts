import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAnalyticsError } from '../../src/analytics/AnalyticsError';
import { parseReportCommand, parseReportQuery } from '../../src/analytics/reportQuery';

const limits = { defaultDays: 7, maxDays: 35 };

describe('parseReportQuery', () => {
    it('defaults the period and keeps unit and team', () => {
        assert.deepEqual(parseReportQuery({}, limits), { days: 7 });
        assert.deepEqual(parseReportQuery({ days: '30', unit: 'mu-1', team: 't_2' }, limits), {
            days: 30,
            managementUnitId: 'mu-1',
            teamId: 't_2'
        });
    });

    it('rejects bad values, naming each problem', () => {
        for (const days of ['0', '36', '-1', '7.5', 'abc', '', '1e2']) {
            assert.throws(() => parseReportQuery({ days }, limits), /days must be a whole number from 1 to 35/, days);
        }
        try {
            parseReportQuery({ days: 'x', unit: 'a b', team: '' }, limits);
            assert.fail('expected an error');
        } catch (err) {
            assert.ok(isAnalyticsError(err));
            assert.equal(err.code, 'REPORT_QUERY_INVALID');
            assert.equal(err.problems.length, 3);
        }
    });
});

describe('parseReportCommand', () => {
    it('reads the days after the command word', () => {
        assert.deepEqual(parseReportCommand('', limits), { days: 7 });
        assert.deepEqual(parseReportCommand(' 14 ', limits), { days: 14 });
        assert.deepEqual(parseReportCommand('30 days', limits), { days: 30 });
        assert.deepEqual(parseReportCommand('3d', limits), { days: 3 });
    });

    it('answers bad input with the usage', () => {
        assert.throws(() => parseReportCommand('last week', limits), /Usage: report \[days\]/);
        assert.throws(() => parseReportCommand('90', limits), /from 1 to 35/);
    });
});
