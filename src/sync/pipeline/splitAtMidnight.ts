import { LocalCalendar } from '../../domain/LocalCalendar';
import type { SyncEvent } from './types';

/** One calendar per zone: it caches the zone's UTC offsets. */
const calendars = new Map<string, LocalCalendar>();

function calendarOf(timeZone: string): LocalCalendar {
    let calendar = calendars.get(timeZone);
    if (!calendar) {
        calendar = new LocalCalendar(timeZone);
        calendars.set(timeZone, calendar);
    }
    return calendar;
}

/** Throws a RangeError for an unknown IANA zone. */
export function assertTimeZone(timeZone: string): void {
    calendarOf(timeZone);
}

/**
 * The first instant after `epochMs` whose local date in `timeZone` is a later day: the start of the next local day.
 * DST-aware: days are 23, 24 or 25 h, and where the clock jumps at midnight (America/Santiago, America/Havana,
 * Asia/Beirut) local 00:00 does not exist and the day starts at 01:00. Always greater than `epochMs`.
 */
export function nextLocalMidnight(epochMs: number, timeZone: string): number {
    return calendarOf(timeZone).nextDayStart(epochMs);
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
