import type { LocalCalendar } from './LocalCalendar';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** How far ahead an opening is looked for: every weekly window opens within 8 days (DST included). */
const HORIZON_MINUTES = 8 * 1440;

/**
 * The on-shift hours of a channel subscription, local to the unit's time zone: from `from` (minutes after local
 * midnight) to `to` on the given weekdays (0 = Sunday). A window with `to <= from` runs past midnight: it belongs to
 * the day it starts on (`22:00-06:00 fri` covers Friday night into Saturday morning).
 */
export interface ShiftHours {
    from: number;
    to: number;
    /** Weekdays the window starts on, ascending, 0 = Sunday. */
    days: number[];
}

/** A subscription of a unit's alerts: the conversation and its hours (none: any time). */
export interface Subscription {
    conversationId: string;
    hours?: ShiftHours;
}

/** Where an alert due at a given time goes: these conversations, or nowhere until `opensAt`. */
export type AlertTargets = { conversationIds: string[] } | { opensAt: number } | { none: true };

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const DAYS_TOKEN = /^[a-z]{3}(-[a-z]{3})?(,[a-z]{3}(-[a-z]{3})?)*$/i;

/** `06:00-14:00` → minutes, or an error message. */
function parseRange(text: string): { from: number; to: number } | string {
    const [a, b, ...rest] = text.split('-');
    const fa = TIME.exec(a ?? '');
    const fb = TIME.exec(b ?? '');
    if (!fa || !fb || rest.length > 0)
        return `"${text.slice(0, 20)}" is not a time range like 06:00-14:00 (24-hour clock).`;
    const from = Number(fa[1]) * 60 + Number(fa[2]);
    const to = Number(fb[1]) * 60 + Number(fb[2]);
    if (from === to) return 'The start and the end of the hours must differ.';
    return { from, to };
}

/** `mon-fri`, `sat,sun`, `mon,wed-fri` → ascending weekdays, or an error message. */
function parseDays(text: string): number[] | string {
    const days = new Set<number>();
    for (const part of text.toLowerCase().split(',')) {
        const [a, b] = part.split('-');
        const ia = DAY_NAMES.indexOf(a as (typeof DAY_NAMES)[number]);
        const ib = b === undefined ? ia : DAY_NAMES.indexOf(b as (typeof DAY_NAMES)[number]);
        if (ia < 0 || ib < 0) return `"${text.slice(0, 20)}" is not a list of days like mon-fri or sat,sun.`;
        for (let d = ia; ; d = (d + 1) % 7) {
            days.add(d);
            if (d === ib) break;
        }
    }
    return [...days].sort((x, y) => x - y);
}

/**
 * Split the trailing hours off a `subscribe` argument: `Unit B 06:00-14:00 mon-fri` → the unit text and the hours;
 * without a trailing time range, the whole text is the unit (`hours` absent). Bad hours give `error`.
 */
export function splitHours(arg: string): { rest: string; hours?: ShiftHours; error?: string } {
    const words = arg
        .trim()
        .split(/\s+/)
        .filter((w) => w !== '');
    let days: number[] = [0, 1, 2, 3, 4, 5, 6];
    let end = words.length;
    const last = words[end - 1] ?? '';
    const beforeLast = words[end - 2] ?? '';
    if (end >= 2 && /^\d{1,2}:\d{2}-/.test(beforeLast)) {
        const parsed = DAYS_TOKEN.test(last)
            ? parseDays(last)
            : `"${last.slice(0, 20)}" is not a list of days like mon-fri or sat,sun.`;
        if (typeof parsed === 'string') return { rest: arg, error: parsed };
        days = parsed;
        end--;
    }
    const range = words[end - 1] ?? '';
    if (!/^\d{1,2}:\d{2}(-|$)/.test(range)) return { rest: arg.trim() };
    const parsed = parseRange(range);
    if (typeof parsed === 'string') return { rest: arg, error: parsed };
    return { rest: words.slice(0, end - 1).join(' '), hours: { ...parsed, days } };
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** `06:00-14:00 mon-fri` (days as ranges where they run on; every day: none shown). */
export function formatHours(h: ShiftHours): string {
    const range = `${hhmm(h.from)}-${hhmm(h.to)}`;
    if (h.days.length === 7) return range;
    const parts: string[] = [];
    for (let i = 0; i < h.days.length;) {
        let j = i;
        while (j + 1 < h.days.length && h.days[j + 1] === h.days[j] + 1) j++;
        parts.push(j === i ? DAY_NAMES[h.days[i]] : `${DAY_NAMES[h.days[i]]}-${DAY_NAMES[h.days[j]]}`);
        i = j + 1;
    }
    return `${range} ${parts.join(',')}`;
}

/** Whether the hours cover the instant `at` in the calendar's zone. */
export function coversAt(h: ShiftHours, at: number, calendar: LocalCalendar): boolean {
    const local = at + calendar.offsetAt(at);
    const day = Math.floor(local / DAY_MS);
    const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    if (h.from < h.to) return minute >= h.from && minute < h.to && h.days.includes(weekday);
    if (minute >= h.from) return h.days.includes(weekday);
    return minute < h.to && h.days.includes((weekday + 6) % 7);
}

/** The first whole minute at or after `at` that the hours cover (DST-aware), or `null` (never within 8 days). */
export function nextOpening(h: ShiftHours, at: number, calendar: LocalCalendar): number | null {
    let t = Math.ceil(at / MINUTE_MS) * MINUTE_MS;
    for (let i = 0; i <= HORIZON_MINUTES; i++, t += MINUTE_MS) if (coversAt(h, t, calendar)) return t;
    return null;
}

/**
 * The on-shift routing of an alert due at `at`: the subscriptions whose hours cover it, else those without hours,
 * else (only subscriptions with hours, none covering) held until the earliest opens; `none` without subscriptions.
 */
export function alertTargets(subs: readonly Subscription[], at: number, calendar: LocalCalendar): AlertTargets {
    if (subs.length === 0) return { none: true };
    const covering: string[] = [];
    const anyTime: string[] = [];
    for (const s of subs) {
        if (s.hours === undefined) anyTime.push(s.conversationId);
        else if (coversAt(s.hours, at, calendar)) covering.push(s.conversationId);
    }
    if (covering.length > 0) return { conversationIds: covering };
    if (anyTime.length > 0) return { conversationIds: anyTime };
    let opensAt = Number.POSITIVE_INFINITY;
    for (const s of subs) {
        const next = s.hours && nextOpening(s.hours, at, calendar);
        if (next !== null && next !== undefined && next < opensAt) opensAt = next;
    }
    return Number.isFinite(opensAt) ? { opensAt } : { none: true };
}
