import type { Random } from '../../domain/clock';
import type { ScheduledActivity } from './adherence';

const FIRST = [
    'Ada',
    'Ben',
    'Chloé',
    'Dev',
    'Eli',
    'Fatima',
    'Gus',
    'Hana',
    'Ivan',
    'Jun',
    'Kofi',
    'Lea',
    'Maya',
    'Noor',
    'Omar',
    'Pia'
];
const LAST = [
    'Okafor',
    'Lindqvist',
    'Moreau',
    'Patel',
    'Nakamura',
    'García',
    'Kowalski',
    "O'Brien",
    'Haddad',
    'Silva',
    'Müller',
    'Chen'
];

/** Name and e-mail of the `n`-th agent of the contact center (unique for every `n`). */
export function agentIdentity(n: number): { name: string; email: string } {
    const first = FIRST[n % FIRST.length];
    const last = LAST[Math.floor(n / FIRST.length) % LAST.length];
    const wrapped = n >= FIRST.length * LAST.length;
    return {
        name: `${first} ${last}${wrapped ? ' ' + n : ''}`,
        email: `${ascii(first)}.${ascii(last)}${wrapped ? n : ''}@contoso.example`.toLowerCase()
    };
}

/** A 9 h shift around `now` (started 0–3 h ago), repeated for three days: on queue, breaks, a meal, sometimes a meeting. */
export function generateSchedule(random: Random, now: number): ScheduledActivity[] {
    const quarter = 15 * 60_000;
    const start = Math.floor((now - random() * 3 * 3_600_000) / quarter) * quarter;
    const out: ScheduledActivity[] = [];
    for (let day = 0; day < 3; day++) {
        const s = start + day * 86_400_000;
        const meeting = random() < 0.3;
        const plan: Array<[number, string]> = [
            [120, '0'],
            [15, '1'],
            [meeting ? 60 : 105, '0'],
            ...(meeting ? ([[45, '3']] as Array<[number, string]>) : []),
            [30, '2'],
            [120, '0'],
            [15, '1'],
            [135, '0']
        ];
        let t = s;
        for (const [minutes, code] of plan) {
            out.push({ startAt: t, lengthMinutes: minutes, activityCodeId: code });
            t += minutes * 60_000;
        }
    }
    return out;
}

function ascii(s: string): string {
    return s
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^A-Za-z]/g, '');
}
