import type {
    Acknowledgement,
    AgentRecord,
    AgentState,
    Coverage,
    Effect,
    EngineEvent,
    Episode,
    EpisodeLogEntry,
    Notification,
    Observation,
    OpenEpisodeState,
    PendingStage,
    Policy,
    RefusalReason,
    StageOutcome,
    SuppressReason,
    Thresholds,
    TransitionResult
} from './types';

/**
 * The drift engine's pure core: one agent's record, one event, the time, the policy → the next record and the
 * effects the shell must carry out. It never performs an effect, reads a clock or waits on anything.
 *
 * Invariants (each covered by tests, several by property tests):
 * - an episode's start `t0` never moves; a stale observation (older than the newest applied) changes nothing;
 * - nudge, alert and formal exception happen at most once per episode (a snoozed alert may *re*-alert once per snooze);
 * - no nudge or alert while the agent is snoozed, approved, covered by a schedule exception or excluded.
 */
export function transition(
    record: AgentRecord | undefined,
    event: EngineEvent,
    now: number,
    policy: Policy
): TransitionResult {
    switch (event.type) {
        case 'AdherenceObserved':
            return observe(record, event.observation, now, policy);
        case 'ObservationDampened':
            return dampened(record, event.observation, now);
        case 'DeadlineReached':
            return deadline(record, event.coverage, now, policy);
        case 'AlertAcknowledged':
            return acknowledge(record, event.episodeId, event.by, now);
        case 'AlertSnoozed':
            return snooze(record, event.episodeId, event.until, event.by, now);
        case 'OvertimeApproved':
            return approve(record, event.until, event.by, now, event.episodeId);
        case 'NudgeAcknowledged':
            return agentAck(record, event.episodeId, now);
    }
}

/** States that open or continue an episode; every other adherence state ends it (PRODUCT.md §1). */
export function isDrifting(observation: Observation): boolean {
    return observation.adherenceState === 'OutOfAdherence';
}

/**
 * Whether applying `earlier` and then `later` (the same agent's next event) leaves the same record and episode log as
 * applying `later` alone, whatever the record was: a repeat with the same change time (not in the future, so no
 * clamping applies), unit and side of adherence, and for a drift the same impact, team, scheduled activity (the
 * thresholds) and actual activity (what an episode's start entry records). Only the activity details in between are
 * skipped, and `later` overwrites those anyway. The engine uses it to fold repeats while its queue is long.
 */
export function supersedes(later: Observation, earlier: Observation, now: number): boolean {
    if (earlier.changedAt !== later.changedAt || earlier.changedAt > now) return false;
    if (earlier.managementUnitId !== later.managementUnitId) return false;
    const drifting = isDrifting(earlier);
    if (drifting !== isDrifting(later)) return false;
    if (!drifting) return true;
    return (
        earlier.impact === later.impact &&
        earlier.teamId === later.teamId &&
        // A repeat without a team name keeps the one the episode has (possibly `earlier`'s).
        (later.teamName !== undefined || earlier.teamName === undefined) &&
        earlier.scheduledCategory === later.scheduledCategory &&
        earlier.scheduledActivityCodeId === later.scheduledActivityCodeId &&
        earlier.actualCategory === later.actualCategory
    );
}

export function isOpen(state: AgentState): state is OpenEpisodeState {
    return state.status !== 'adherent';
}

/** Thresholds for an episode: the activity-code override, else the category override, over the defaults. */
export function thresholdsFor(
    episode: Pick<Episode, 'scheduledActivityCodeId' | 'scheduledCategory'>,
    policy: Policy
): Thresholds {
    const byCode = episode.scheduledActivityCodeId ? policy.overrides[episode.scheduledActivityCodeId] : undefined;
    const byCategory = episode.scheduledCategory ? policy.overrides[episode.scheduledCategory] : undefined;
    if (!byCode && !byCategory) return policy.thresholds;
    return { ...policy.thresholds, ...byCategory, ...byCode };
}

/** The absolute time of the next thing due for this record, or `null` when nothing is. */
export function dueAtOf(state: AgentState): number | null {
    if (state.status === 'adherent') return null;
    let due = state.status === 'drifting' ? state.exceptionDueAt : Number.POSITIVE_INFINITY;
    if (state.pending && state.pending.dueAt < due) due = state.pending.dueAt;
    if (state.realertAt !== undefined && state.realertAt < due) due = state.realertAt;
    return Number.isFinite(due) ? due : null;
}

/**
 * How far ahead of this host's clock a source change time is still taken as is for ordering events, ms. Beyond it the
 * time is capped; an episode's start is never later than now whatever the source says.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Deterministic episode id: the same agent and drift start give the same id on every instance. */
export function episodeIdOf(userId: string, startedAt: number): string {
    return `${userId}@${base36(startedAt)}`;
}

const BASE36_5 = 36 ** 5;

/**
 * `n.toString(36)`, the same string, about 4× faster for epoch ms: V8 converts a number beyond 2^31 in any radix
 * but 10 on its slow double path, so the value is split into parts below 36^5 (small integers, fast path).
 */
function base36(n: number): string {
    if (!(n >= BASE36_5 && Number.isSafeInteger(n))) return n.toString(36);
    const high = Math.floor(n / BASE36_5);
    return base36(high) + (n - high * BASE36_5).toString(36).padStart(5, '0');
}

// ---------------------------------------------------------------------------------------------------------------

const ADHERENT: AgentState = { status: 'adherent' };

/** The effects of a transition that changes nothing: one shared, frozen empty list (most events change nothing). */
const NO_EFFECTS = Object.freeze([]) as unknown as Effect[];

function unchanged(record: AgentRecord | undefined): TransitionResult {
    return { record, effects: NO_EFFECTS };
}

function stale(record: AgentRecord | undefined): TransitionResult {
    return { record, effects: NO_EFFECTS, ignored: 'stale' };
}

function refused(record: AgentRecord | undefined, reason: RefusalReason): TransitionResult {
    return { record, effects: [{ type: 'CommandRefused', reason }] };
}

/** The fields of a record besides its version and state. */
type RecordBase = Pick<AgentRecord, 'userId' | 'lastChangeAt' | 'managementUnitId' | 'snooze' | 'approval'>;

/**
 * Build the next record and the effects every change carries: persistence and the deadline.
 *
 * Records and states are built field by field in one key order, never as `{ ...record, key }`: on Node 20 a spread
 * followed by a key the source lacks takes V8's slow path (about 0.5 µs per object, measured), which made the spreads
 * most of a transition's cost; one key order also keeps property reads monomorphic.
 */
function commit(
    previous: AgentRecord | undefined,
    base: RecordBase,
    state: AgentState,
    effects: Effect[]
): TransitionResult {
    const record: AgentRecord = {
        userId: base.userId,
        version: (previous?.version ?? 0) + 1,
        lastChangeAt: base.lastChangeAt,
        managementUnitId: base.managementUnitId,
        state
    };
    if (base.snooze !== undefined) record.snooze = base.snooze;
    if (base.approval !== undefined) record.approval = base.approval;
    const before = previous ? dueAtOf(previous.state) : null;
    const after = dueAtOf(record.state);
    if (after !== null && after !== before) effects.push({ type: 'ArmDeadline', userId: record.userId, dueAt: after });
    if (after === null && before !== null) effects.push({ type: 'CancelDeadline', userId: record.userId });
    effects.push({ type: 'PersistState', record });
    return { record, effects };
}

/** Optional details of a log entry. */
interface LogExtra {
    stage?: EpisodeLogEntry['stage'];
    reason?: SuppressReason;
    by?: string;
    until?: number;
    durationMs?: number;
}

function logEntry(type: EpisodeLogEntry['type'], episode: Episode, at: number, extra?: LogExtra): Effect {
    const entry: EpisodeLogEntry = {
        type,
        at,
        userId: episode.userId,
        managementUnitId: episode.managementUnitId,
        episodeId: episode.id,
        startedAt: episode.startedAt,
        impact: episode.impact
    };
    if (episode.teamId) entry.teamId = episode.teamId;
    if (episode.scheduledCategory) entry.scheduledCategory = episode.scheduledCategory;
    if (episode.actualCategory) entry.actualCategory = episode.actualCategory;
    if (extra) {
        if (extra.stage !== undefined) entry.stage = extra.stage;
        if (extra.reason !== undefined) entry.reason = extra.reason;
        if (extra.by !== undefined) entry.by = extra.by;
        if (extra.until !== undefined) entry.until = extra.until;
        if (extra.durationMs !== undefined) entry.durationMs = extra.durationMs;
    }
    return { type: 'LogEpisode', entry };
}

function notify(notification: Notification): Effect {
    return { type: 'Notify', notification };
}

function episodeFrom(userId: string, observation: Observation, startedAt: number): Episode {
    const episode: Episode = {
        id: episodeIdOf(userId, startedAt),
        userId,
        managementUnitId: observation.managementUnitId,
        startedAt,
        impact: observation.impact
    };
    return withDetails(episode, observation);
}

/** Refresh the activity details of an episode from a repeated observation; identity and `t0` stay. */
function withDetails(episode: Episode, o: Observation): Episode {
    const next: Episode = {
        id: episode.id,
        userId: episode.userId,
        managementUnitId: kept(o.managementUnitId, episode.managementUnitId),
        startedAt: episode.startedAt,
        impact: o.impact
    };
    const teamId = o.teamId ?? episode.teamId;
    const teamName = o.teamName ?? episode.teamName;
    if (teamId) next.teamId = kept(teamId, episode.teamId);
    if (teamName) next.teamName = kept(teamName, episode.teamName);
    if (o.scheduledCategory) next.scheduledCategory = o.scheduledCategory;
    if (o.scheduledActivityCodeId)
        next.scheduledActivityCodeId = kept(o.scheduledActivityCodeId, episode.scheduledActivityCodeId);
    if (o.actualCategory) next.actualCategory = o.actualCategory;
    if (o.systemPresence) next.systemPresence = kept(o.systemPresence, episode.systemPresence);
    return next;
}

/**
 * The string already held when the new one is equal: a record then keeps its long-lived strings instead of each
 * event's fresh copy, which would outlive the event and burden the GC's old generation.
 */
function kept(value: string, held: string | undefined): string {
    return value === held ? held : value;
}

function sameDetails(a: Episode, b: Episode): boolean {
    return (
        a.managementUnitId === b.managementUnitId &&
        a.teamId === b.teamId &&
        a.teamName === b.teamName &&
        a.scheduledCategory === b.scheduledCategory &&
        a.scheduledActivityCodeId === b.scheduledActivityCodeId &&
        a.actualCategory === b.actualCategory &&
        a.systemPresence === b.systemPresence &&
        a.impact === b.impact
    );
}

/** What an open state holds besides its status and exception time; every key present (`undefined` = absent). */
interface OpenFields {
    episode: Episode;
    pending: PendingStage | undefined;
    nudge: StageOutcome | undefined;
    alert: StageOutcome | undefined;
    ack: Acknowledgement | undefined;
    agentAckAt: number | undefined;
    realertAt: number | undefined;
}

function fieldsOf(state: OpenEpisodeState): OpenFields {
    return {
        episode: state.episode,
        pending: state.pending,
        nudge: state.nudge,
        alert: state.alert,
        ack: state.ack,
        agentAckAt: state.agentAckAt,
        realertAt: state.realertAt
    };
}

/** An open state in one key order, absent fields left out (see {@link commit} for why not a spread). */
function openState(
    f: OpenFields,
    exception: { status: 'drifting'; exceptionDueAt: number } | { status: 'outOfAdherence'; exceptionAt: number }
): OpenEpisodeState {
    const state: OpenEpisodeState =
        exception.status === 'drifting'
            ? { status: 'drifting', episode: f.episode, exceptionDueAt: exception.exceptionDueAt }
            : { status: 'outOfAdherence', episode: f.episode, exceptionAt: exception.exceptionAt };
    if (f.pending !== undefined) state.pending = f.pending;
    if (f.nudge !== undefined) state.nudge = f.nudge;
    if (f.alert !== undefined) state.alert = f.alert;
    if (f.ack !== undefined) state.ack = f.ack;
    if (f.agentAckAt !== undefined) state.agentAckAt = f.agentAckAt;
    if (f.realertAt !== undefined) state.realertAt = f.realertAt;
    return state;
}

/** The same open state (status, exception time) with other fields. */
function reopen(state: OpenEpisodeState, f: OpenFields): OpenEpisodeState {
    return openState(f, state);
}

/** The record's own fields with this snooze and approval (a supervisor's snooze or approved overtime). */
function holding(record: AgentRecord, snooze: AgentRecord['snooze'], approval: AgentRecord['approval']): RecordBase {
    return {
        userId: record.userId,
        lastChangeAt: record.lastChangeAt,
        managementUnitId: record.managementUnitId,
        snooze,
        approval
    };
}

function baseOf(record: AgentRecord | undefined, observation: Observation): RecordBase {
    const base: RecordBase = {
        userId: record?.userId ?? observation.userId,
        lastChangeAt: Math.max(record?.lastChangeAt ?? observation.changedAt, observation.changedAt),
        managementUnitId: kept(observation.managementUnitId, record?.managementUnitId)
    };
    if (record?.snooze) base.snooze = record.snooze;
    if (record?.approval) base.approval = record.approval;
    return base;
}

function observe(
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
    // A repeat (same time, same unit) keeps the record's own fields: nothing to build.
    const base =
        record && o.changedAt === record.lastChangeAt && o.managementUnitId === record.managementUnitId
            ? record
            : baseOf(record, o);

    if (isOpen(state)) {
        if (isDrifting(o)) {
            const episode = withDetails(state.episode, o);
            if (sameDetails(episode, state.episode) && base.lastChangeAt === record!.lastChangeAt)
                return unchanged(record);
            // Replacing a key the state has is V8's fast spread (it keeps the state's shape too).
            return commit(record, base, { ...state, episode }, []);
        }
        return resolve(record!, state, base, Math.max(Math.min(o.changedAt, now), state.episode.startedAt), now);
    }

    if (!isDrifting(o)) {
        if (record && record.lastChangeAt === base.lastChangeAt && record.managementUnitId === base.managementUnitId) {
            return unchanged(record);
        }
        return commit(record, base, ADHERENT, []);
    }

    const startedAt = Math.min(o.changedAt, now);
    const episode = episodeFrom(base.userId, o, startedAt);
    const t = thresholdsFor(episode, policy);
    const drifting = openState(
        {
            episode,
            pending: { stage: 'nudge', dueAt: startedAt + t.nudgeAfterMs },
            nudge: undefined,
            alert: undefined,
            ack: undefined,
            agentAckAt: undefined,
            realertAt: undefined
        },
        { status: 'drifting', exceptionDueAt: startedAt + t.exceptionAfterMs }
    );
    return commit(record, base, drifting, [
        logEntry('start', episode, startedAt),
        { type: 'PrefetchCoverage', userId: o.userId, managementUnitId: o.managementUnitId, at: now }
    ]);
}

function resolve(
    record: AgentRecord,
    state: OpenEpisodeState,
    base: RecordBase,
    endedAt: number,
    now: number
): TransitionResult {
    const durationMs = endedAt - state.episode.startedAt;
    const effects: Effect[] = [logEntry('resolve', state.episode, endedAt, { durationMs })];
    if (state.alert?.sent) {
        effects.push(
            notify({
                kind: 'alert-update',
                key: `${state.episode.id}:resolved`,
                episode: state.episode,
                at: now,
                change: 'resolved',
                durationMs
            })
        );
    }
    return commit(record, base, ADHERENT, effects);
}

function dampened(record: AgentRecord | undefined, o: Observation, now: number): TransitionResult {
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

/** Why a nudge or alert due now must wait, and until when; `undefined` when it may go out. */
function deferral(
    record: AgentRecord,
    coverage: Coverage,
    now: number
): { until: number; reason: SuppressReason } | undefined {
    if (record.snooze && record.snooze.until > now) return { until: record.snooze.until, reason: 'snoozed' };
    if (record.approval && record.approval.until > now)
        return { until: record.approval.until, reason: 'approved-overtime' };
    if (coverage.covered === true && coverage.until > now) return { until: coverage.until, reason: coverage.reason };
    return undefined;
}

/** Why a nudge or alert is skipped for the whole episode; `undefined` when it may go out. */
function skipReason(episode: Episode, policy: Policy): SuppressReason | undefined {
    if (episode.scheduledCategory && policy.excludedCategories.has(episode.scheduledCategory)) return 'excluded';
    if (policy.suppressPositiveImpact && episode.impact === 'Positive') return 'positive-impact';
    return undefined;
}

function deadline(record: AgentRecord | undefined, coverage: Coverage, now: number, policy: Policy): TransitionResult {
    if (!record || !isOpen(record.state)) return unchanged(record);
    let state: OpenEpisodeState = record.state;
    const effects: Effect[] = [];
    const { episode } = state;

    // Process everything due, earliest first: after a restart several stages may be overdue at once.
    for (let guard = 0; guard < 8; guard++) {
        const exceptionDue = state.status === 'drifting' ? state.exceptionDueAt : Number.POSITIVE_INFINITY;
        const pendingDue = state.pending?.dueAt ?? Number.POSITIVE_INFINITY;
        const realertDue = state.realertAt ?? Number.POSITIVE_INFINITY;
        const first = Math.min(exceptionDue, pendingDue, realertDue);
        if (first > now) break;

        if (first === pendingDue && state.pending) {
            state = stage(record, state, state.pending, coverage, now, policy, effects);
        } else if (first === exceptionDue && state.status === 'drifting') {
            state = openState(fieldsOf(state), { status: 'outOfAdherence', exceptionAt: now });
            effects.push(logEntry('exception', episode, now));
            if (state.alert?.sent) {
                effects.push(
                    notify({
                        kind: 'alert-update',
                        key: `${episode.id}:exception`,
                        episode,
                        at: now,
                        change: 'exception'
                    })
                );
            }
        } else {
            const realertAt = state.realertAt;
            const f = fieldsOf(state);
            const defer = deferral(record, coverage, now);
            f.realertAt = defer?.until;
            // Deferred: the reminder waits until the snooze, approval or exception ends.
            state = reopen(state, f);
            if (!defer && state.alert?.sent && !state.ack) {
                effects.push(logEntry('realert', episode, now, { stage: 'realert' }));
                effects.push(
                    notify({
                        kind: 'alert',
                        key: `${episode.id}:realert:${realertAt}`,
                        episode,
                        at: now,
                        reminder: true
                    })
                );
            }
        }
    }
    if (state === record.state) return unchanged(record);
    return commit(record, record, state, effects);
}

function stage(
    record: AgentRecord,
    state: OpenEpisodeState,
    pending: PendingStage,
    coverage: Coverage,
    now: number,
    policy: Policy,
    effects: Effect[]
): OpenEpisodeState {
    const { episode } = state;
    const defer = deferral(record, coverage, now);
    if (defer) {
        effects.push(
            logEntry('suppressed', episode, now, { stage: pending.stage, reason: defer.reason, until: defer.until })
        );
        const f = fieldsOf(state);
        f.pending = { stage: pending.stage, dueAt: defer.until };
        return reopen(state, f);
    }
    const skip = skipReason(episode, policy);
    let outcome: StageOutcome;
    if (skip) {
        outcome = { at: now, sent: false, reason: skip };
        effects.push(logEntry('suppressed', episode, now, { stage: pending.stage, reason: skip }));
    } else {
        outcome = { at: now, sent: true };
        effects.push(logEntry(pending.stage, episode, now, { stage: pending.stage }));
        effects.push(
            notify(
                pending.stage === 'nudge'
                    ? { kind: 'nudge', key: `${episode.id}:nudge`, episode, at: now }
                    : { kind: 'alert', key: `${episode.id}:alert`, episode, at: now, reminder: false }
            )
        );
    }
    const f = fieldsOf(state);
    if (pending.stage === 'nudge') {
        f.nudge = outcome;
        f.pending = { stage: 'alert', dueAt: episode.startedAt + thresholdsFor(episode, policy).alertAfterMs };
    } else {
        f.alert = outcome;
        f.pending = undefined;
    }
    return reopen(state, f);
}

function withRealert(state: OpenEpisodeState, realertAt: number): OpenEpisodeState {
    const f = fieldsOf(state);
    f.realertAt = realertAt;
    return reopen(state, f);
}

function openEpisode(record: AgentRecord | undefined, episodeId: string): OpenEpisodeState | RefusalReason {
    if (!record) return 'unknown-agent';
    if (!isOpen(record.state)) return 'no-open-episode';
    if (record.state.episode.id !== episodeId) return 'episode-closed';
    return record.state;
}

function acknowledge(record: AgentRecord | undefined, episodeId: string, by: string, now: number): TransitionResult {
    const state = openEpisode(record, episodeId);
    if (typeof state === 'string') return refused(record, state);
    // The same supervisor again (a double click, or a retry after a lost reply) is a success that changes nothing.
    if (state.ack) return state.ack.by === by ? unchanged(record) : refused(record, 'already-acknowledged');
    const f = fieldsOf(state);
    f.ack = { by, at: now };
    f.realertAt = undefined;
    const effects = [logEntry('acknowledge', state.episode, now, { by })];
    if (state.alert?.sent) {
        effects.push(
            notify({
                kind: 'alert-update',
                key: `${episodeId}:ack`,
                episode: state.episode,
                at: now,
                change: 'acknowledged',
                by
            })
        );
    }
    return commit(record, record!, reopen(state, f), effects);
}

function snooze(
    record: AgentRecord | undefined,
    episodeId: string,
    until: number,
    by: string,
    now: number
): TransitionResult {
    const state = openEpisode(record, episodeId);
    if (typeof state === 'string') return refused(record, state);
    if (!(until > now)) return refused(record, 'invalid-until');
    const next = state.alert?.sent && !state.ack ? withRealert(state, until) : state;
    const effects = [logEntry('snooze', state.episode, now, { by, until })];
    if (state.alert?.sent) {
        effects.push(
            notify({
                kind: 'alert-update',
                key: `${episodeId}:snooze:${until}`,
                episode: state.episode,
                at: now,
                change: 'snoozed',
                by,
                until
            })
        );
    }
    return commit(record, holding(record!, { until, by }, record!.approval), next, effects);
}

function approve(
    record: AgentRecord | undefined,
    until: number,
    by: string,
    now: number,
    episodeId?: string
): TransitionResult {
    if (!record) return refused(record, 'unknown-agent');
    if (!(until > now)) return refused(record, 'invalid-until');
    const effects: Effect[] = [];
    let next: AgentState = record.state;
    if (episodeId !== undefined) {
        const state = openEpisode(record, episodeId);
        if (typeof state === 'string') return refused(record, state);
        next = state.alert?.sent && !state.ack ? withRealert(state, until) : state;
        effects.push(logEntry('approve', state.episode, now, { by, until }));
        if (state.alert?.sent) {
            effects.push(
                notify({
                    kind: 'alert-update',
                    key: `${episodeId}:approve:${until}`,
                    episode: state.episode,
                    at: now,
                    change: 'approved',
                    by,
                    until
                })
            );
        }
    } else {
        effects.push({
            type: 'LogEpisode',
            entry: {
                type: 'approve',
                at: now,
                userId: record.userId,
                managementUnitId: record.managementUnitId,
                by,
                until
            }
        });
    }
    return commit(record, holding(record, record.snooze, { until, by }), next, effects);
}

function agentAck(record: AgentRecord | undefined, episodeId: string, now: number): TransitionResult {
    const state = openEpisode(record, episodeId);
    if (typeof state === 'string') return refused(record, state);
    // Pressed again (or retried after a lost reply): already recorded, nothing new.
    if (state.agentAckAt !== undefined) return unchanged(record);
    const f = fieldsOf(state);
    f.agentAckAt = now;
    return commit(record, record!, reopen(state, f), [logEntry('agent-ack', state.episode, now)]);
}
