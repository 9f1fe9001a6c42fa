import { isDrifting, isOpen, thresholdsFor } from './agentState';
import { logEntry, updateAlert } from './effects';
import { episodeFrom, sameDetails, withDetails } from './episodes';
import { ADHERENT, commit, openState, reopen, stale, unchanged, type RecordBase } from './records';
import type {
    AgentRecord,
    Effect,
    EpisodeLogEntry,
    Observation,
    OpenEpisodeState,
    Policy,
    TransitionResult
} from './types';

/**
 * How far ahead of this host's clock a source change time is still taken as is for ordering events, ms. Beyond it the
 * time is capped; an episode's start is never later than now whatever the source says.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * An adherence observation: a drift opens an episode at its change time (or refreshes the open one's details), any
 * other state ends the open episode. Ordered by the source's change time: an older observation is stale.
 */
export function observe(
    record: AgentRecord | undefined,
    observed: Observation,
    now: number,
    policy: Policy
): TransitionResult {
    // Order by the source's own time, so events that arrive out of order are recognised even when the Genesys clock is
    // a little ahead of ours; a time beyond the skew tolerance is capped (one bogus far-future time must not make
    // every later event look stale). Drift start and end are never later than now (see below).
    const o =
        observed.changedAt > now + MAX_CLOCK_SKEW_MS ? { ...observed, changedAt: now + MAX_CLOCK_SKEW_MS } : observed;
    if (record && o.changedAt < record.lastChangeAt) return stale(record);
    const state = record?.state ?? ADHERENT;
    const base = baseOf(record, o);

    if (isOpen(state)) {
        if (isDrifting(o)) {
            const episode = withDetails(state.episode, o);
            if (sameDetails(episode, state.episode) && base.lastChangeAt === record!.lastChangeAt)
                return unchanged(record);
            // The interaction a nudge or alert was held for has ended: it is due now.
            const { pending } = state;
            const released = pending?.held !== undefined && !episode.interacting;
            const changes = released
                ? { episode, pending: { stage: pending.stage, dueAt: Math.max(now, pending.dueAt) } }
                : { episode };
            return commit(record, base, reopen(state, changes), []);
        }
        return resolve(record!, state, base, Math.max(Math.min(o.changedAt, now), state.episode.startedAt), now);
    }

    if (!isDrifting(o)) {
        if (record && record.lastChangeAt === base.lastChangeAt && record.managementUnitId === base.managementUnitId) {
            return unchanged(record);
        }
        return commit(record, base, ADHERENT, []);
    }
    return start(record, base, o, now, policy);
}

/** The record's own fields after a (not stale) observation: its change time and unit. */
function baseOf(record: AgentRecord | undefined, o: Observation): RecordBase {
    if (!record) return { userId: o.userId, lastChangeAt: o.changedAt, managementUnitId: o.managementUnitId };
    // A repeat (same time, same unit) keeps the record's own: copying it cost a tenth of the engine's throughput.
    if (o.changedAt === record.lastChangeAt && o.managementUnitId === record.managementUnitId) return record;
    return { ...record, lastChangeAt: o.changedAt, managementUnitId: o.managementUnitId };
}

/** A new episode at the observation's change time (never later than now), its nudge pending. */
function start(
    record: AgentRecord | undefined,
    base: RecordBase,
    o: Observation,
    now: number,
    policy: Policy
): TransitionResult {
    const startedAt = Math.min(o.changedAt, now);
    const episode = episodeFrom(base.userId, o, startedAt);
    const t = thresholdsFor(episode, policy);
    const drifting = openState(
        { status: 'drifting', exceptionDueAt: startedAt + t.exceptionAfterMs },
        { episode, pending: { stage: 'nudge', dueAt: startedAt + t.nudgeAfterMs } }
    );
    return commit(record, base, drifting, [
        logEntry('start', episode, startedAt),
        { type: 'PrefetchCoverage', userId: o.userId, managementUnitId: o.managementUnitId, at: now }
    ]);
}

/** The episode ended at `endedAt`: logged with its duration, a sent alert card updated. */
function resolve(
    record: AgentRecord,
    state: OpenEpisodeState,
    base: RecordBase,
    endedAt: number,
    now: number
): TransitionResult {
    const durationMs = endedAt - state.episode.startedAt;
    const effects: Effect[] = [logEntry('resolve', state.episode, endedAt, { durationMs })];
    updateAlert(effects, state, now, 'resolved', 'resolved', { durationMs });
    return commit(record, base, ADHERENT, effects);
}

/**
 * An observation held back during a schedule republish and settled as noise: logged as `suppressed: dampened` for an
 * agent without an open episode, never starting one.
 */
export function dampened(record: AgentRecord | undefined, o: Observation, now: number): TransitionResult {
    if (record && isOpen(record.state)) return unchanged(record);
    const entry: EpisodeLogEntry = {
        type: 'suppressed',
        at: now,
        userId: o.userId,
        managementUnitId: o.managementUnitId,
        reason: 'dampened',
        impact: o.impact
    };
    if (o.teamId) entry.teamId = o.teamId;
    if (o.scheduledCategory) entry.scheduledCategory = o.scheduledCategory;
    if (o.actualCategory) entry.actualCategory = o.actualCategory;
    const base: RecordBase = record ?? {
        userId: o.userId,
        lastChangeAt: o.changedAt,
        managementUnitId: o.managementUnitId
    };
    return commit(record, base, record?.state ?? ADHERENT, [{ type: 'LogEpisode', entry }]);
}
