import { parseIsoInstant } from '../../domain/isoInstant';
import type { StageResult, SyncEventInput, ValidatedEvent } from './types';

/** Resolves an agent id (Genesys user id or a mapped external id) to a Genesys user id; undefined when unknown. */
export type AgentResolver = (agentId: string) => string | undefined;

export type { ValidatedEvent } from './types';

/**
 * The instants an event may name, around `now`: a start at most `maxAgeMs` before and at most `maxFutureMs` after, an
 * end at most `maxFutureMs` after. Without it a single event dated 9999 would make every later state of its agent
 * look superseded.
 */
export interface TimeWindow {
    now: number;
    maxFutureMs: number;
    maxAgeMs: number;
}

const MAX_FIELD = 256;
const HOUR = 3_600_000;

function outOfWindow(field: string, at: number, window: TimeWindow | undefined, past: boolean): string | undefined {
    if (!window) return undefined;
    if (at > window.now + window.maxFutureMs)
        return `${field} is more than ${window.maxFutureMs / HOUR} h after now: not plausible`;
    if (past && at < window.now - window.maxAgeMs)
        return `${field} is more than ${window.maxAgeMs / HOUR} h before now: older than the sync keeps`;
    return undefined;
}

function str(v: unknown): v is string {
    return typeof v === 'string' && v.length > 0 && v.length <= MAX_FIELD;
}

/**
 * Stage 1: shape, ISO-8601 instants with `Z` or an offset only (normalised to UTC epoch ms) within the plausibility
 * `window` when one is given, `endTime > startTime`, known agent. Pure.
 */
export function validateEvent(
    raw: unknown,
    resolveAgent: AgentResolver,
    window?: TimeWindow
): StageResult<ValidatedEvent> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        return { ok: false, rejection: { code: 'INVALID_ITEM', reason: 'item must be a JSON object' } };
    const item = raw as Partial<Record<keyof SyncEventInput, unknown>>;
    for (const field of ['agentId', 'state', 'reasonCode', 'startTime'] as const) {
        if (!str(item[field]))
            return {
                ok: false,
                rejection: {
                    code: 'MISSING_FIELD',
                    reason: `${field} must be a non-empty string (≤ ${MAX_FIELD} chars)`
                }
            };
    }
    if (item.endTime !== undefined && !str(item.endTime))
        return { ok: false, rejection: { code: 'MISSING_FIELD', reason: 'endTime must be a string when present' } };
    if (item.externalEventId !== undefined && !str(item.externalEventId))
        return {
            ok: false,
            rejection: { code: 'MISSING_FIELD', reason: 'externalEventId must be a non-empty string when present' }
        };
    const start = parseIsoInstant(item.startTime as string);
    if (!start.ok)
        return {
            ok: false,
            rejection: {
                code: start.localTime ? 'LOCAL_TIME_NOT_ALLOWED' : 'BAD_TIME',
                reason: `startTime: ${start.reason}`
            }
        };
    const early = outOfWindow('startTime', start.epochMs, window, true);
    if (early) return { ok: false, rejection: { code: 'TIME_OUT_OF_RANGE', reason: early } };
    let endAt: number | undefined;
    if (item.endTime !== undefined) {
        const end = parseIsoInstant(item.endTime as string);
        if (!end.ok)
            return {
                ok: false,
                rejection: {
                    code: end.localTime ? 'LOCAL_TIME_NOT_ALLOWED' : 'BAD_TIME',
                    reason: `endTime: ${end.reason}`
                }
            };
        if (end.epochMs <= start.epochMs)
            return { ok: false, rejection: { code: 'END_NOT_AFTER_START', reason: 'endTime must be after startTime' } };
        const late = outOfWindow('endTime', end.epochMs, window, false);
        if (late) return { ok: false, rejection: { code: 'TIME_OUT_OF_RANGE', reason: late } };
        endAt = end.epochMs;
    }
    const agentId = resolveAgent(item.agentId as string);
    if (agentId === undefined)
        return {
            ok: false,
            rejection: { code: 'UNKNOWN_AGENT', reason: `agent ${(item.agentId as string).slice(0, 64)} is not known` }
        };
    const value: ValidatedEvent = {
        agentId,
        state: item.state as string,
        reasonCode: item.reasonCode as string,
        startAt: start.epochMs
    };
    if (endAt !== undefined) value.endAt = endAt;
    if (item.externalEventId !== undefined) value.externalEventId = item.externalEventId as string;
    return { ok: true, value };
}
