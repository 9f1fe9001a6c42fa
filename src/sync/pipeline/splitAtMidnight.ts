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

/** The first instant of the local day after the one containing `epochMs` (DST-aware: days are 23, 24 or 25 h). */
export function nextLocalMidnight(epochMs: number, timeZone: string): number {
    const l = localParts(epochMs, timeZone);
    const nextDayLocalAsUtc = daysFromCivil(l.y, l.m, l.d + 1) * 86_400_000;
    // Local midnight = UTC instant whose offset maps it to local 00:00; iterate to converge across a DST change.
    let guess = nextDayLocalAsUtc - zoneOffsetMs(epochMs, timeZone);
    for (let i = 0; i < 3; i++) guess = nextDayLocalAsUtc - zoneOffsetMs(guess, timeZone);
    return guess;
}

/**
 * Stage 5 (span target): a span crossing the compliance-day boundary (local midnight in `timeZone`) becomes one span
 * per local day. Spans without an end are returned unchanged. Pure.
 */
export function splitAtMidnight(span: SyncEvent, timeZone: string): SyncEvent[] {
    if (span.endAt === undefined) return [span];
    const out: SyncEvent[] = [];
    let start = span.startAt;
    for (let guard = 0; guard < 400; guard++) {
        const midnight = nextLocalMidnight(start, timeZone);
        if (midnight >= span.endAt) break;
        out.push({ ...span, startAt: start, endAt: midnight });
        start = midnight;
    }
    out.push({ ...span, startAt: start, endAt: span.endAt });
    return out;
}
