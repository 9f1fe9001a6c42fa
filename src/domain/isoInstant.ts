import { civilFromDays, daysFromCivil } from './civilDate';

/**
 * ISO-8601 instants without `Date` (pure: the text alone decides): `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`
 * or an explicit `±HH:MM` / `±HHMM` offset. A bare local time is refused rather than guessed; so are impossible dates
 * (2026-02-29), leap seconds, and offsets beyond ±18:00. `24:00` is accepted as the end of its day. Fractions keep their
 * first three digits (milliseconds, truncated like `Date.parse`). One parser for the adherence stream, the schedule
 * look-up and the sync pipeline.
 */

export type IsoParse = { ok: true; epochMs: number } | { ok: false; localTime: boolean; reason: string };

const DIGIT_0 = 48;
const MAX_OFFSET_HOURS = 18;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by `count` digits at `from`, or -1 when any of them is not a digit (or the text ends). */
function digits(text: string, from: number, count: number): number {
    if (from + count > text.length) return -1;
    let n = 0;
    for (let i = from; i < from + count; i++) {
        const d = text.charCodeAt(i) - DIGIT_0;
        if (d < 0 || d > 9) return -1;
        n = n * 10 + d;
    }
    return n;
}

function daysInMonth(year: number, month: number): number {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/**
 * Epoch ms of a strict ISO-8601 instant, or NaN. Plain arithmetic over the characters, several times faster than
 * `Date.parse` and allocation-free: it runs for every adherence frame.
 */
export function isoInstantMs(text: string): number {
    const n = text.length;
    if (
        n < 17 ||
        text.charCodeAt(4) !== 45 /* - */ ||
        text.charCodeAt(7) !== 45 ||
        text.charCodeAt(10) !== 84 /* T */ ||
        text.charCodeAt(13) !== 58 /* : */
    )
        return Number.NaN;
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || minute < 0) return Number.NaN;
    let i = 16;
    let second = 0;
    let ms = 0;
    let subMs = 0;
    if (text.charCodeAt(i) === 58 /* : */) {
        second = digits(text, 17, 2);
        if (second < 0) return Number.NaN;
        i = 19;
        if (text.charCodeAt(i) === 46 /* . */) {
            let end = i + 1;
            while (end < n && end - i <= 10) {
                const d = text.charCodeAt(end) - DIGIT_0;
                if (d < 0 || d > 9) break;
                if (end - i <= 3) ms += d * (end - i === 1 ? 100 : end - i === 2 ? 10 : 1);
                else subMs += d;
                end++;
            }
            if (end === i + 1 || end - i > 10) return Number.NaN;
            i = end;
        }
    }
    let offsetMinutes = 0;
    const zone = text.charCodeAt(i);
    if (zone === 90 /* Z */) {
        if (i + 1 !== n) return Number.NaN;
    } else if (zone === 43 /* + */ || zone === 45 /* - */) {
        const hours = digits(text, i + 1, 2);
        const colon = text.charCodeAt(i + 3) === 58 ? 1 : 0;
        const minutes = digits(text, i + 3 + colon, 2);
        if (hours < 0 || minutes < 0 || i + 5 + colon !== n) return Number.NaN;
        if (hours > MAX_OFFSET_HOURS || minutes > 59) return Number.NaN;
        offsetMinutes = (zone === 45 ? -1 : 1) * (hours * 60 + minutes);
    } else return Number.NaN; // a local time, or trailing text
    if (day > daysInMonth(year, month)) return Number.NaN;
    if (hour === 24 ? minute !== 0 || second !== 0 || ms !== 0 || subMs !== 0 : hour > 23 || minute > 59 || second > 59)
        return Number.NaN;
    return (
        ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 +
        second * 1000 +
        ms -
        offsetMinutes * 60_000
    );
}

/** The same forms as {@link isoInstantMs}, matched loosely: only to say why a text was refused. */
const SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** {@link isoInstantMs} with the reason of a refusal, and whether the text was a (refused) local time. */
export function parseIsoInstant(text: string): IsoParse {
    const epochMs = isoInstantMs(text);
    if (!Number.isNaN(epochMs)) return { ok: true, epochMs };
    const shown = `"${text.slice(0, 40)}"`;
    const shape = SHAPE.exec(text);
    if (!shape) return { ok: false, localTime: false, reason: `${shown} is not an ISO-8601 date-time` };
    const zone = shape[1];
    if (zone === undefined) {
        return Number.isNaN(isoInstantMs(`${text}Z`))
            ? { ok: false, localTime: false, reason: `${shown} is not a valid calendar date-time` }
            : {
                  ok: false,
                  localTime: true,
                  reason: `${shown} has no Z or offset; local times are refused, not guessed`
              };
    }
    if (zone !== 'Z' && !Number.isNaN(isoInstantMs(`${text.slice(0, -zone.length)}Z`)))
        return { ok: false, localTime: false, reason: `offset ${zone} is out of range` };
    return { ok: false, localTime: false, reason: `${shown} is not a valid calendar date-time` };
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` of epoch ms (what `Date#toISOString` prints). */
export function formatIsoUtc(epochMs: number): string {
    const days = Math.floor(epochMs / 86_400_000);
    const rem = epochMs - days * 86_400_000;
    const { y, m, d } = civilFromDays(days);
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    const h = Math.floor(rem / 3_600_000);
    const mi = Math.floor((rem % 3_600_000) / 60_000);
    const s = Math.floor((rem % 60_000) / 1000);
    return `${p(y, 4)}-${p(m)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}.${p(rem % 1000, 3)}Z`;
}
