import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LocalCalendar } from '../../src/domain/LocalCalendar';
import { daysFromCivil, isoDateOfDays } from '../../src/domain/civilDate';

const ZONES = [
    'UTC',
    'Europe/Dublin',
    'America/Chicago',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
    'America/St_Johns',
    'Pacific/Chatham'
];

function intlParts(at: number, timeZone: string): { hour: number; day: string } {
    const parts = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit'
    }).formatToParts(at);
    const get = (type: string) => parts.find((p) => p.type === type)!.value;
    return { hour: Number(get('hour')), day: `${get('year')}-${get('month')}-${get('day')}` };
}

describe('LocalCalendar', () => {
    it('agrees with Intl on the local hour and day of any instant, DST changes included', () => {
        const calendars = new Map(ZONES.map((z) => [z, new LocalCalendar(z)]));
        const from = Date.UTC(2025, 0, 1);
        const to = Date.UTC(2028, 0, 1);
        fc.assert(
            fc.property(fc.integer({ min: from, max: to }), fc.constantFrom(...ZONES), (at, zone) => {
                const calendar = calendars.get(zone)!;
                const expected = intlParts(at, zone);
                assert.equal(calendar.hourOf(at), expected.hour);
                assert.equal(calendar.dayOf(at), expected.day);
            }),
            { numRuns: 2000 }
        );
    });

    it('agrees with Intl minute by minute across the 2026 changes of Chicago, Dublin and Lord Howe', () => {
        const cases: Array<[string, number]> = [
            ['America/Chicago', Date.UTC(2026, 2, 8, 6)],
            ['America/Chicago', Date.UTC(2026, 10, 1, 5)],
            ['Europe/Dublin', Date.UTC(2026, 2, 29, 0)],
            ['Europe/Dublin', Date.UTC(2026, 9, 25, 0)],
            ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 14)]
        ];
        for (const [zone, start] of cases) {
            const calendar = new LocalCalendar(zone);
            for (let at = start; at < start + 4 * 3_600_000; at += 60_000) {
                assert.equal(calendar.hourOf(at), intlParts(at, zone).hour, `${zone} ${at}`);
            }
        }
    });

    it('finds the start of the local day, DST changes and a skipped midnight included', () => {
        const cases: Array<[string, number, number]> = [
            ['UTC', Date.UTC(2026, 10, 23, 9), Date.UTC(2026, 10, 23, 0)],
            ['America/New_York', Date.UTC(2026, 10, 23, 3), Date.UTC(2026, 10, 22, 5)],
            ['Pacific/Auckland', Date.UTC(2026, 10, 23, 9), Date.UTC(2026, 10, 22, 11)],
            // Berlin springs forward at 02:00 on 29 March: midnight was still CET (+1), noon is CEST (+2).
            ['Europe/Berlin', Date.UTC(2026, 2, 29, 10), Date.UTC(2026, 2, 28, 23)],
            // ... and falls back on 25 October: midnight was CEST (+2), noon is CET (+1).
            ['Europe/Berlin', Date.UTC(2026, 9, 25, 11), Date.UTC(2026, 9, 24, 22)],
            // Santiago skips 00:00–01:00 on 6 September: the day begins at the change, 04:00 UTC.
            ['America/Santiago', Date.UTC(2026, 8, 6, 15), Date.UTC(2026, 8, 6, 4)]
        ];
        for (const [zone, at, expected] of cases) {
            assert.equal(new LocalCalendar(zone).startOfDay(at), expected, `${zone} ${new Date(at).toISOString()}`);
        }
        const calendars = new Map(ZONES.map((z) => [z, new LocalCalendar(z)]));
        fc.assert(
            fc.property(
                fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
                fc.constantFrom(...ZONES),
                (at, zone) => {
                    const calendar = calendars.get(zone)!;
                    const start = calendar.startOfDay(at);
                    assert.ok(start <= at);
                    assert.equal(calendar.dayOf(start), calendar.dayOf(at), 'same local day');
                    assert.notEqual(
                        calendar.dayOf(start - 60_000),
                        calendar.dayOf(at),
                        'the minute before is the day before'
                    );
                }
            ),
            { numRuns: 1000 }
        );
    });

    it('splits a span into local hour pieces that add up to its length', () => {
        const calendar = new LocalCalendar('Asia/Kathmandu');
        const byHour = new Map<string, number>();
        calendar.splitByLocalHour(Date.UTC(2026, 0, 1, 18, 0), Date.UTC(2026, 0, 1, 19, 30), (h, d, ms) =>
            byHour.set(`${d} ${h}`, (byHour.get(`${d} ${h}`) ?? 0) + ms / 60_000)
        );
        assert.deepEqual(
            [...byHour],
            [
                ['2026-01-01 23', 15],
                ['2026-01-02 0', 60],
                ['2026-01-02 1', 15]
            ]
        );
    });

    it('converts civil dates both ways', () => {
        for (const [y, m, d] of [
            [1970, 1, 1],
            [2000, 2, 29],
            [2026, 12, 31],
            [1969, 12, 31]
        ]) {
            const days = daysFromCivil(y, m, d);
            assert.equal(days, Date.UTC(y, m - 1, d) / 86_400_000);
            assert.equal(isoDateOfDays(days), `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
        }
    });
});
