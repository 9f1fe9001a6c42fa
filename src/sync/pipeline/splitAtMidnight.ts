import { daysFromCivil } from '../../domain/civilDate';
import type { SyncEvent } from './types';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
    let f = formatters.get(timeZone);
    if (!f) {
        f = new Intl.DateTimeFormat('en-US', {
            timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric'
        });
        formatters.set(timeZone, f);
    }
    return f;
}

/** Throws a RangeError for an unknown IANA zone. */
export function assertTimeZone(timeZone: string): void {
    formatter(timeZone);
}

/** Local wall-clock fields of an instant in `timeZone`. */
function localParts(
    epochMs: number,
    timeZone: string
): { y: number; m: number; d: number; h: number; mi: number; s: number } {
    const parts: Record<string, number> = {};
    for (const p of formatter(timeZone).formatToParts(epochMs))
        if (p.type !== 'literal') parts[p.type] = Number(p.value);
    return { y: parts.year, m: parts.month, d: parts.day, h: parts.hour, mi: parts.minute, s: parts.second };
}

/** Offset of `timeZone` from UTC at an instant, in ms (local − UTC). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
    const l = localParts(epochMs, timeZone);
    const asUtc = ((daysFromCivil(l.y, l.m, l.d) * 24 + l.h) * 60 + l.mi) * 60_000 + l.s * 1000;
    return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** Days since 1970-01-01 of the local date of an instant in `timeZone`. */
function localDay(epochMs: number, timeZone: string): number {
    const l = localParts(epochMs, timeZone);
    return daysFromCivil(l.y, l.m, l.d);
}

const HOUR_MS = 3_600_000;

/**
 * The first instant after `epochMs` whose local date in `timeZone` is a later day: the start of the next local day.
 * DST-aware: days are 23, 24 or 25 h, and where the clock jumps at midnight (America/Santiago, America/Havana,
 * Asia/Beirut) local 00:00 does not exist and the day starts at 01:00. Always greater than `epochMs`.
 */
export function nextLocalMidnight(epochMs: number, timeZone: string): number {
    const day = localDay(epochMs, timeZone);
    // Fast path: local 00:00 of the next day through the offset, checked to be the boundary (the day's first instant).
    const nextDayLocalAsUtc = (day + 1) * 86_400_000;
    let guess = nextDayLocalAsUtc - zoneOffsetMs(epochMs, timeZone);
    for (let i = 0; i < 3; i++) guess = nextDayLocalAsUtc - zoneOffsetMs(guess, timeZone);
    if (guess > epochMs && localDay(guess, timeZone) > day && localDay(guess - 1, timeZone) <= day) return guess;
    // Local 00:00 does not exist (or is ambiguous): step an hour at a time to the next day, then bisect to the ms.
    let lo = epochMs;
    let hi = epochMs + HOUR_MS;
    for (let i = 0; i < 72 && localDay(hi, timeZone) <= day; i++) {
        lo = hi;
        hi += HOUR_MS;
    }
    // Invariant: localDay(lo) <= day < localDay(hi).
    while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (localDay(mid, timeZone) > day) hi = mid;
        else lo = mid;
    }
    return hi;
}

/**
 * Stage 5 (span target): a span crossing the compliance-day boundary (local midnight in `timeZone`) becomes one span
 * per local day. Spans without an end are returned unchanged. Never returns a span with `endAt <= startAt`. Pure.
 */
export function splitAtMidnight(span: SyncEvent, timeZone: string): SyncEvent[] {
    if (span.endAt === undefined) return [span];
    const out: SyncEvent[] = [];
    let start = span.startAt;
    for (let guard = 0; guard < 400; guard++) {
        const midnight = nextLocalMidnight(start, timeZone);
        if (midnight >= span.endAt || midnight <= start) break;
        out.push({ ...span, startAt: start, endAt: midnight });
        start = midnight;
    }
    out.push({ ...span, startAt: start, endAt: span.endAt });
    return out;
}
