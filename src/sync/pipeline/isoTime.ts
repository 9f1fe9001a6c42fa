import { civilFromDays, daysFromCivil } from '../../domain/civilDate';

/**
 * ISO-8601 instants without `Date` (the pipeline is pure): only a `Z` or an explicit `±hh:mm` offset is accepted;
 * a bare local time is refused rather than guessed.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

export type IsoParse = { ok: true; epochMs: number } | { ok: false; localTime: boolean; reason: string };

function daysInMonth(y: number, m: number): number {
    return daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1);
}

export function parseIsoInstant(text: string): IsoParse {
    const m = ISO.exec(text);
    if (!m) return { ok: false, localTime: false, reason: `"${text.slice(0, 40)}" is not an ISO-8601 date-time` };
    const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
    const y = Number(ys);
    const mo = Number(mos);
    const d = Number(ds);
    const h = Number(hs);
    const mi = Number(mis);
    const s = ss === undefined ? 0 : Number(ss);
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59)
        return { ok: false, localTime: false, reason: `"${text.slice(0, 40)}" is not a valid calendar date-time` };
    if (zone === undefined)
        return {
            ok: false,
            localTime: true,
            reason: `"${text.slice(0, 40)}" has no Z or offset; local times are refused, not guessed`
        };
    let offsetMin = 0;
    if (zone !== 'Z') {
        const sign = zone[0] === '-' ? -1 : 1;
        const digits = zone.slice(1).replace(':', '');
        const oh = Number(digits.slice(0, 2));
        const om = Number(digits.slice(2, 4));
        if (oh > 18 || om > 59) return { ok: false, localTime: false, reason: `offset ${zone} is out of range` };
        offsetMin = sign * (oh * 60 + om);
    }
    const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
    const epochMs = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms - offsetMin * 60_000;
    return { ok: true, epochMs };
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
