const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Every UTC offset in use is a multiple of 15 min and changes only at a 15-min UTC boundary. */
const SLOT_MS = 15 * MINUTE_MS;

/** Days since 1970-01-01 of a proleptic Gregorian civil date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
    const y = month <= 2 ? year - 1 : year;
    const era = Math.floor(y / 400);
    const yoe = y - era * 400;
    const mp = (month + 9) % 12;
    const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
}

/** `YYYY-MM-DD` of a day number since 1970-01-01 (H. Hinnant's `civil_from_days`). */
export function civilFromDays(days: number): string {
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Local wall-clock arithmetic in one IANA time zone, DST-aware, without the global `Date`.
 * The UTC offset is asked of `Intl.DateTimeFormat` once per 15-minute UTC slot and cached, so bucketing
 * many instants stays cheap.
 */
export class LocalCalendar {
    readonly timeZone: string;
    private readonly format: Intl.DateTimeFormat;
    private readonly offsets = new Map<number, number>();
    private readonly dayLabels = new Map<number, string>();

    constructor(timeZone: string) {
        this.timeZone = timeZone;
        this.format = new Intl.DateTimeFormat('en-US', {
            timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric'
        });
    }

    /** Offset of local time from UTC at `at`, ms (local = utc + offset). */
    offsetAt(at: number): number {
        const slot = Math.floor(at / SLOT_MS);
        let offset = this.offsets.get(slot);
        if (offset === undefined) {
            const slotStart = slot * SLOT_MS;
            const parts: Record<string, number> = {};
            for (const part of this.format.formatToParts(slotStart)) {
                if (part.type !== 'literal') parts[part.type] = Number(part.value);
            }
            const local =
                daysFromCivil(parts.year, parts.month, parts.day) * DAY_MS +
                parts.hour * HOUR_MS +
                parts.minute * MINUTE_MS;
            offset = local - slotStart;
            this.offsets.set(slot, offset);
        }
        return offset;
    }

    /** Local hour of day (0–23) at `at`. */
    hourOf(at: number): number {
        const local = at + this.offsetAt(at);
        return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    }

    /** Local calendar day (`YYYY-MM-DD`) at `at`. */
    dayOf(at: number): string {
        const day = Math.floor((at + this.offsetAt(at)) / DAY_MS);
        let label = this.dayLabels.get(day);
        if (label === undefined) {
            label = civilFromDays(day);
            this.dayLabels.set(day, label);
        }
        return label;
    }

    /**
     * Split `[fromAt, toAt)` into pieces that each lie within one local clock hour, calling `visit` with the
     * local hour, local day and length (ms) of each piece. Handles midnight and DST changes: on a fall-back
     * night the repeated hour receives both passes, on a spring-forward night the skipped hour receives nothing.
     */
    splitByLocalHour(fromAt: number, toAt: number, visit: (hour: number, day: string, ms: number) => void): void {
        let cursor = fromAt;
        while (cursor < toAt) {
            const offset = this.offsetAt(cursor);
            const local = cursor + offset;
            const slotEnd = (Math.floor(cursor / SLOT_MS) + 1) * SLOT_MS;
            const hourEnd = (Math.floor(local / HOUR_MS) + 1) * HOUR_MS - offset;
            const end = Math.min(toAt, slotEnd, hourEnd);
            const hour = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
            visit(hour, this.dayOf(cursor), end - cursor);
            cursor = end;
        }
    }
}
