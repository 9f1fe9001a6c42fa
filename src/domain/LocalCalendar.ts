import { daysFromCivil, isoDateOfDays } from './civilDate';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Every UTC offset in use is a multiple of 15 min and changes only at a 15-min UTC boundary. */
const SLOT_MS = 15 * MINUTE_MS;

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
            label = isoDateOfDays(day);
            this.dayLabels.set(day, label);
        }
        return label;
    }

    /**
     * The first instant of the local day containing `at`: local midnight, DST-aware (the offset at midnight may
     * differ from the one at `at`); on a day whose midnight was skipped (a spring-forward at 00:00), the instant of
     * the change.
     */
    startOfDay(at: number): number {
        const midnight = Math.floor((at + this.offsetAt(at)) / DAY_MS) * DAY_MS; // local midnight, as local ms
        let start = midnight - this.offsetAt(at);
        for (let i = 0; i < 3; i++) {
            const next = midnight - this.offsetAt(start);
            if (next === start) break;
            start = next;
        }
        // A skipped midnight leaves `start` in the previous local day: the day begins at the offset change.
        while (start + this.offsetAt(start) < midnight) start = (Math.floor(start / SLOT_MS) + 1) * SLOT_MS;
        return start;
    }

    /**
     * The first instant of the local day after the one containing `at` (always later than `at`): DST-aware, and where
     * that day's midnight is skipped (America/Santiago, America/Havana, Asia/Beirut) the instant of the change.
     */
    nextDayStart(at: number): number {
        // Local days last 23 to 25 h: 26 h after this day's start always lies in the next day.
        return this.startOfDay(this.startOfDay(at) + 26 * HOUR_MS);
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
