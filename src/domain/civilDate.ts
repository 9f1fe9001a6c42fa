/**
 * Proleptic Gregorian calendar arithmetic without `Date` (H. Hinnant's `days_from_civil` / `civil_from_days`): exact
 * for every year, used wherever the pure code turns wall-clock fields into instants and back.
 */

/** Days since 1970-01-01 of a civil date. A day past the month's end rolls into the next month (`d + 1` is fine). */
export function daysFromCivil(year: number, month: number, day: number): number {
    const y = month <= 2 ? year - 1 : year;
    const era = Math.floor(y / 400);
    const yoe = y - era * 400;
    const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
}

/** Civil date of a day count since 1970-01-01 (the inverse of {@link daysFromCivil}). */
export function civilFromDays(days: number): { y: number; m: number; d: number } {
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** `YYYY-MM-DD` of a day count since 1970-01-01. */
export function isoDateOfDays(days: number): string {
    const { y, m, d } = civilFromDays(days);
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
