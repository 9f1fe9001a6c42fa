import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalCalendar } from '../../src/domain/LocalCalendar';
import { alertTargets, coversAt, formatHours, nextOpening, splitHours } from '../../src/domain/shiftHours';

const utc = (d: number, h: number, mi = 0) => Date.UTC(2026, 10, d, h, mi); // November 2026: the 23rd is a Monday
const UTC = new LocalCalendar('UTC');

describe('shift hours', () => {
    it('splits the trailing hours and days off a subscribe argument, the unit name keeping its spaces', () => {
        assert.deepEqual(splitHours('Unit B 06:00-14:00 mon-fri'), {
            rest: 'Unit B',
            hours: { from: 360, to: 840, days: [1, 2, 3, 4, 5] }
        });
        assert.deepEqual(splitHours('mu-1 22:00-06:00'), {
            rest: 'mu-1',
            hours: { from: 1320, to: 360, days: [0, 1, 2, 3, 4, 5, 6] }
        });
        assert.deepEqual(splitHours('Sales 9:30-17:00 sat,sun').hours?.days, [0, 6]);
        assert.deepEqual(splitHours('Sales 9:30-17:00 fri-mon').hours?.days, [0, 1, 5, 6]);
        assert.deepEqual(splitHours('Unit B'), { rest: 'Unit B' });
    });

    it('refuses bad hours or days with a specific message', () => {
        assert.match(splitHours('Sales 25:00-14:00').error!, /not a time range like 06:00-14:00/);
        assert.match(splitHours('Sales 06:00-06:00').error!, /must differ/);
        assert.match(splitHours('Sales 06:00-14:00 mon-fry').error!, /not a list of days like mon-fri/);
        assert.match(splitHours('Sales 06:00').error!, /not a time range/);
    });

    it('formats hours back as typed', () => {
        assert.equal(formatHours(splitHours('x 06:00-14:00 mon-fri').hours!), '06:00-14:00 mon-fri');
        assert.equal(formatHours(splitHours('x 22:00-06:00').hours!), '22:00-06:00');
        assert.equal(formatHours(splitHours('x 08:00-12:00 mon,wed-fri').hours!), '08:00-12:00 mon,wed-fri');
    });

    it('covers the window in the zone, an overnight window on the day it starts', () => {
        const day = splitHours('x 06:00-14:00 mon-fri').hours!;
        assert.equal(coversAt(day, utc(23, 6), UTC), true, 'Monday 06:00');
        assert.equal(coversAt(day, utc(23, 14), UTC), false, 'the end is not covered');
        assert.equal(coversAt(day, utc(22, 9), UTC), false, 'Sunday');
        const night = splitHours('x 22:00-06:00 fri').hours!;
        assert.equal(coversAt(night, utc(27, 23), UTC), true, 'Friday 23:00');
        assert.equal(coversAt(night, utc(28, 5, 59), UTC), true, 'Saturday 05:59');
        assert.equal(coversAt(night, utc(28, 23), UTC), false, 'Saturday 23:00');
        const dublin = new LocalCalendar('America/New_York');
        assert.equal(coversAt(day, utc(23, 11), dublin), true, '06:00 in New York is 11:00 UTC');
        assert.equal(coversAt(day, utc(23, 10, 59), dublin), false);
    });

    it('finds the next opening, across a DST change', () => {
        const day = splitHours('x 06:00-14:00 mon-fri').hours!;
        assert.equal(nextOpening(day, utc(23, 15), UTC), utc(24, 6), 'Tuesday morning');
        assert.equal(nextOpening(day, utc(27, 15), UTC), utc(30, 6), 'Friday afternoon: Monday');
        assert.equal(nextOpening(day, utc(23, 7), UTC), utc(23, 7), 'open now');
        const ny = new LocalCalendar('America/New_York');
        // Sunday 1 November 2026 the clocks go back: 06:00 on Monday the 2nd is 11:00 UTC (EST), not 10:00.
        assert.equal(nextOpening(day, Date.UTC(2026, 10, 1, 0), ny), Date.UTC(2026, 10, 2, 11));
    });

    it('routes to the covering subscriptions, else the ones without hours, else holds until the first opens', () => {
        const subs = [
            { conversationId: 'day', hours: splitHours('x 06:00-14:00').hours! },
            { conversationId: 'eve', hours: splitHours('x 14:00-22:00').hours! }
        ];
        assert.deepEqual(alertTargets(subs, utc(23, 9), UTC), { conversationIds: ['day'] });
        assert.deepEqual(alertTargets(subs, utc(23, 15), UTC), { conversationIds: ['eve'] });
        assert.deepEqual(alertTargets(subs, utc(23, 23), UTC), { opensAt: utc(24, 6) });
        const withAnyTime = [...subs, { conversationId: 'all' }];
        assert.deepEqual(alertTargets(withAnyTime, utc(23, 23), UTC), { conversationIds: ['all'] });
        assert.deepEqual(alertTargets(withAnyTime, utc(23, 9), UTC), { conversationIds: ['day'] });
        assert.deepEqual(alertTargets([], utc(23, 9), UTC), { none: true });
    });
});
