/** Shared helpers of the benchmarks: JSON-line output, statistics, a realistic Genesys adherence trace. */
import { Redis } from 'ioredis';
import { seededRandom, seededUuid } from '../src/emulator/seededRandom';

export interface BenchResult {
    bench: string;
    metric: string;
    value: number;
    unit: string;
    [extra: string]: unknown;
}

export function report(result: BenchResult): void {
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
    const s = [...values].sort((a, b) => a - b);
    if (s.length === 0) return Number.NaN;
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export interface Trace {
    frames: string[];
    userIds: string[];
    unitIds: string[];
}

const CATEGORIES = ['OnQueueWork', 'Break', 'Meal', 'OffQueueWork', 'Meeting', 'Training'];
const PRESENCE = ['Available', 'Away', 'Busy', 'Break', 'Meal', 'OnQueue', 'Meeting', 'Training'];

/**
 * Notification frames with the real envelope and body shapes (reference: adherence event body), for `agents` agents
 * spread over units of 1,500. Half start out of adherence; later frames flip the state with probability `flipShare`
 * (default 0.3) and otherwise repeat it with other presence details. Change times increase per agent up to `endAt`.
 */
export function adherenceTrace(
    agents: number,
    framesPerAgent: number,
    endAt: number,
    seed = 7,
    flipShare = 0.3
): Trace {
    const random = seededRandom(seed);
    const unitIds = Array.from({ length: Math.ceil(agents / 1500) }, () => seededUuid(random));
    const teamIds = unitIds.map(() => Array.from({ length: 10 }, () => seededUuid(random)));
    const userIds = Array.from({ length: agents }, () => seededUuid(random));
    const frames: string[] = [];
    const total = agents * framesPerAgent;
    const outNow = Array.from({ length: agents }, (_, a) => a % 2 === 0);
    const changedAtOf = new Array<number>(agents).fill(endAt - (framesPerAgent + 1) * 60_000);
    for (let i = 0; i < total; i++) {
        const a = i % agents;
        const round = Math.floor(i / agents);
        const unit = Math.floor(a / 1500);
        const mu = unitIds[unit];
        const team = teamIds[unit][a % 10];
        // About 30 % of real adherence frames change the adherence state; the rest carry presence/routing changes
        // with the same state and the same adherenceChangeTime.
        if (round === 0 || random() < flipShare) {
            if (round > 0) outNow[a] = !outNow[a];
            changedAtOf[a] = endAt - (framesPerAgent - round) * 60_000 + Math.floor(random() * 30_000);
        }
        const outOf = outNow[a];
        const changedAt = changedAtOf[a];
        const scheduled = CATEGORIES[Math.floor(random() * 3)];
        const body = {
            user: { id: userIds[a] },
            managementUnitId: mu,
            businessUnitId: 'bu-0',
            team: { id: team, name: `Team ${a % 10}` },
            scheduledActivityCategory: scheduled,
            scheduledActivityCode: { id: String(CATEGORIES.indexOf(scheduled)), secondaryPresences: [] },
            systemPresence: PRESENCE[Math.floor(random() * PRESENCE.length)],
            organizationSecondaryPresenceId: seededUuid(random),
            routingStatus: outOf ? 'OFF_QUEUE' : 'IDLE',
            actualActivityCategory: outOf ? CATEGORIES[3 + Math.floor(random() * 3)] : scheduled,
            isOutOfOffice: false,
            adherenceState: outOf ? 'OutOfAdherence' : 'InAdherence',
            impact: outOf ? (random() < 0.1 ? 'Positive' : 'Negative') : 'Neutral',
            adherenceChangeTime: new Date(changedAt).toISOString(),
            presenceUpdateTime: new Date(changedAt - 40).toISOString(),
            activeQueues: [{ id: 'q-1' }],
            activeQueuesModifiedTime: new Date(changedAt - 3_600_000).toISOString(),
            removedFromManagementUnit: false
        };
        frames.push(
            JSON.stringify({
                topicName: `v2.workforcemanagement.managementunits.${mu}.adherence`,
                version: '2',
                eventBody: body,
                metadata: { CorrelationId: seededUuid(random) }
            })
        );
    }
    return { frames, userIds, unitIds };
}

/** Deletes every key under `prefix` (SCAN + DEL, never FLUSHDB) on the Redis at `url`. */
export async function cleanupPrefix(url: string, prefix: string): Promise<void> {
    const r = new Redis(url);
    let cursor = '0';
    do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
    await r.quit();
}
