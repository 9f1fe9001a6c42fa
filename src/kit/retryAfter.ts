/** Every HTTP-date form names its month; `Date.parse` alone would read `"-1 GMT"` as the year 2001. */
const MONTH = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;

/**
 * A `Retry-After` header value in ms: delay-seconds (`"120"`, fractions accepted) or an HTTP-date, which is read
 * against `nowMs` (the caller's clock; without it a date is unreadable, never guessed from the wall clock).
 * Undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfterMs(value: unknown, nowMs?: number): number | undefined {
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const text = String(value).trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
    if (nowMs === undefined || !MONTH.test(text)) return undefined;
    const at = Date.parse(text);
    return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
