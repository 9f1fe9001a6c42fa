import { isoInstantMs } from '../../domain/isoInstant';
import type { AgentScheduleSearchResponse, GenesysClient } from './GenesysClient';

/** One published activity of an agent. */
export interface ScheduleSpan {
    /** Epoch ms. */
    startAt: number;
    /** Epoch ms. */
    endAt: number;
    activityCodeId: string;
    description?: string;
}

/** What the searches of one load found. */
export interface StepSearchResult {
    /** Activities per agent answered. */
    spans: Map<string, ScheduleSpan[]>;
    /** Agents Genesys would answer only asynchronously, even alone: their schedules stay unknown. */
    unanswered: string[];
    /** Schedule searches sent. */
    searches: number;
}

/** Agents per schedule search: small queries are answered at once. */
export const SEARCH_BATCH = 100;

/**
 * The published schedules of `userIds` in `[fromAt, toAt)`, asked in searches of at most {@link SEARCH_BATCH} agents.
 * Genesys answers a search too large to answer at once `Processing` and sends the result to the requesting *user's*
 * topic (`v2.users.{id}.workforcemanagement.agentschedules.managementunit.search.complete`), which a client-credentials
 * integration has no user for, and it offers no GET by operation id (`WorkforceManagementApi.js:10632-10642`). So a
 * `Processing` answer is never asked again as is: its agents are split in two smaller searches, down to one agent,
 * who is then left unanswered. Each search is a different query; none is repeated.
 */
export async function searchSchedulesInSteps(
    client: Pick<GenesysClient, 'searchSchedules'>,
    managementUnitId: string,
    userIds: readonly string[],
    window: { fromAt: number; toAt: number }
): Promise<StepSearchResult> {
    const result: StepSearchResult = { spans: new Map(), unanswered: [], searches: 0 };
    const query = { startDate: new Date(window.fromAt).toISOString(), endDate: new Date(window.toAt).toISOString() };
    const pending: string[][] = [];
    for (let i = 0; i < userIds.length; i += SEARCH_BATCH) pending.push(userIds.slice(i, i + SEARCH_BATCH));
    while (pending.length > 0) {
        const ids = pending.shift()!;
        result.searches++;
        const res = await client.searchSchedules(managementUnitId, { ...query, userIds: ids });
        if (res.status === 'Complete') {
            for (const schedule of res.agentSchedules) takeSchedule(result.spans, schedule);
        } else if (ids.length === 1) {
            result.unanswered.push(ids[0]);
        } else {
            const half = Math.ceil(ids.length / 2);
            pending.unshift(ids.slice(0, half), ids.slice(half));
        }
    }
    return result;
}

function takeSchedule(out: Map<string, ScheduleSpan[]>, schedule: AgentScheduleSearchResponse): void {
    const userId = schedule.user?.id;
    if (!userId) return;
    const spans: ScheduleSpan[] = [];
    for (const shift of schedule.shifts ?? []) {
        for (const a of shift.activities ?? []) {
            const startAt = typeof a.startDate === 'string' ? isoInstantMs(a.startDate) : Number.NaN;
            if (!Number.isFinite(startAt) || typeof a.lengthMinutes !== 'number') continue;
            spans.push({
                startAt,
                endAt: startAt + a.lengthMinutes * 60_000,
                activityCodeId: String(a.activityCodeId),
                description: a.description
            });
        }
    }
    out.set(userId, spans);
}
