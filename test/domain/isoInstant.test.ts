import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIsoUtc, isoInstantMs, parseIsoInstant } from '../../src/domain/isoInstant';

/** Epoch ms of an instant the way `Date.parse` reads it (offsets with a colon; `Date.parse` also takes `±hhmm`). */
function viaDateParse(text: string): number {
    return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

describe('isoInstantMs and parseIsoInstant', () => {
    it('parses Z and offsets to UTC and formats like toISOString', () => {
        for (const s of [
            '2026-11-23T10:00:00Z',
            '2026-11-23T12:30:15.250+02:30',
            '2024-02-29T23:59:59-0500',
            '1999-12-31T00:00Z',
            '2026-03-29T01:30:00+01:00',
            '2026-03-29T01:30:00.123456Z'
        ]) {
            const r = parseIsoInstant(s);
            assert.ok(r.ok, s);
            assert.equal(r.epochMs, viaDateParse(s), s);
            assert.equal(isoInstantMs(s), r.epochMs, s);
            assert.equal(formatIsoUtc(r.epochMs), new Date(r.epochMs).toISOString());
        }
    });

    it('agrees with Date.parse on every real instant: Z or offset, with or without seconds, 0 to 9 fraction digits', () => {
        fc.assert(
            fc.property(
                fc.date({
                    min: new Date(Date.UTC(1970, 0, 1)),
                    max: new Date(Date.UTC(2200, 0, 1)),
                    noInvalidDate: true
                }),
                fc.integer({ min: 0, max: 9 }),
                fc.option(fc.integer({ min: -18 * 60, max: 18 * 60 })),
                fc.boolean(),
                fc.boolean(),
                (date, fractionDigits, offset, seconds, colon) => {
                    const iso = date.toISOString();
                    const fraction =
                        fractionDigits === 0
                            ? ''
                            : `.${iso.slice(20, 23).padEnd(fractionDigits, '7').slice(0, fractionDigits)}`;
                    const time = seconds ? `${iso.slice(0, 19)}${fraction}` : iso.slice(0, 16);
                    const zone =
                        offset === null
                            ? 'Z'
                            : `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}${colon ? ':' : ''}${String(Math.abs(offset) % 60).padStart(2, '0')}`;
                    const text = `${time}${zone}`;
                    assert.equal(isoInstantMs(text), viaDateParse(text), text);
                }
            ),
            { numRuns: 5000 }
        );
    });

    it('is stricter than Date.parse: impossible dates, leap seconds and far offsets are refused, with the reason', () => {
        // Date.parse rolls 2026-02-29 over to March 1st when an offset is given; the parser refuses it in every form.
        for (const s of ['2026-02-29T00:00:00Z', '2026-02-29T00:00:00+00:00', '2026-04-31T10:00:00-05:00']) {
            assert.ok(Number.isNaN(isoInstantMs(s)), s);
            assert.deepEqual(parseIsoInstant(s), {
                ok: false,
                localTime: false,
                reason: `"${s}" is not a valid calendar date-time`
            });
        }
        assert.equal(isoInstantMs('2028-02-29T00:00:00Z'), Date.UTC(2028, 1, 29));
        for (const s of [
            '2026-13-01T00:00:00Z',
            '2026-11-23T10:00:60Z',
            '2026-11-23T23:60:00Z',
            '2026-11-23T25:00:00Z'
        ])
            assert.ok(Number.isNaN(isoInstantMs(s)), s);
        assert.deepEqual(parseIsoInstant('2026-11-23T10:00:00+19:00'), {
            ok: false,
            localTime: false,
            reason: 'offset +19:00 is out of range'
        });
        assert.ok(Number.isNaN(isoInstantMs('2026-11-23T10:00:00+05:60')));
    });

    it('takes 24:00 as the end of its day, and nothing past it', () => {
        assert.equal(isoInstantMs('2026-11-23T24:00:00Z'), Date.UTC(2026, 10, 24));
        assert.equal(isoInstantMs('2026-11-23T24:00Z'), Date.UTC(2026, 10, 24));
        assert.equal(isoInstantMs('2026-11-23T24:00:00.000+01:00'), Date.UTC(2026, 10, 23, 23));
        for (const s of ['2026-11-23T24:00:01Z', '2026-11-23T24:01:00Z', '2026-11-23T24:00:00.0001Z'])
            assert.ok(Number.isNaN(isoInstantMs(s)), s);
    });

    it('refuses a bare local time rather than guessing it, and says so', () => {
        const local = parseIsoInstant('2026-11-23T10:00:00');
        assert.deepEqual(local, {
            ok: false,
            localTime: true,
            reason: '"2026-11-23T10:00:00" has no Z or offset; local times are refused, not guessed'
        });
        // An impossible local time is impossible first.
        assert.deepEqual(parseIsoInstant('2026-02-30T10:00:00'), {
            ok: false,
            localTime: false,
            reason: '"2026-02-30T10:00:00" is not a valid calendar date-time'
        });
    });

    it('refuses anything else in the shape of the text', () => {
        for (const s of [
            '',
            'yesterday',
            '2026-11-23',
            '2026-11-23 10:00:00Z',
            '2026-11-23t10:00:00Z',
            '2026-11-23T10:00:00.Z',
            '2026-11-23T10:00:00.1234567890Z',
            '2026-11-23T10:00:00Zjunk',
            '2026-11-23T10:00:00+0100junk',
            '2026-11-23T10:00:00+1',
            '+2026-11-23T10:00:00Z',
            '２０２６-11-23T10:00:00Z'
        ]) {
            assert.ok(Number.isNaN(isoInstantMs(s)), s);
            const r = parseIsoInstant(s);
            assert.ok(!r.ok && !r.localTime && /is not an ISO-8601 date-time$/.test(r.reason), s);
        }
    });
});
