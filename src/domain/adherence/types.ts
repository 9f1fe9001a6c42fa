/**
 * Types of the drift engine: what it observes, what it remembers per agent, and what it asks the shell to do.
 * Pure data only; everything here is JSON-serialisable so it can be persisted and logged as is.
 */

/** Genesys `adherenceState` values (reference: adherence event body). */
export const ADHERENCE_STATES = [
    'InAdherence',
    'OutOfAdherence',
    'Unscheduled',
    'Unknown',
    'Ignored',
    'Explained'
] as const;
export type AdherenceState = (typeof ADHERENCE_STATES)[number];

/** Genesys `impact` values. */
export const IMPACTS = ['Positive', 'Negative', 'Neutral', 'Unknown'] as const;
export type Impact = (typeof IMPACTS)[number];

/** Genesys activity categories (scheduled and actual). `Unscheduled` only appears as a category, never as a code. */
export const ACTIVITY_CATEGORIES = [
    'OnQueueWork',
    'Break',
    'Meal',
    'Meeting',
    'OffQueueWork',
    'TimeOff',
    'Training',
    'Unavailable',
    'Unscheduled'
] as const;
export type ActivityCategory = (typeof ACTIVITY_CATEGORIES)[number];

/**
 * A category as Genesys sends it: one of {@link ACTIVITY_CATEGORIES}, or another string. The adherence topic's model
 * types both categories as free strings (only `adherenceState` and `routingStatus` are enums), so an unknown one is
 * kept and shown as sent, never a reason to drop the event.
 */
export type CategoryName = ActivityCategory | (string & {});

/**
 * One observed adherence fact for one agent, from the notification stream or the REST snapshot.
 * Names are not here on purpose: Genesys events carry only the user id.
 */
export interface Observation {
    userId: string;
    managementUnitId: string;
    teamId?: string;
    teamName?: string;
    adherenceState: AdherenceState;
    impact: Impact;
    scheduledCategory?: CategoryName;
    scheduledActivityCodeId?: string;
    actualCategory?: CategoryName;
    systemPresence?: string;
    /** Genesys `routingStatus` as sent (see {@link INTERACTING_ROUTING_STATUSES}). */
    routingStatus?: string;
    /** Event time of the adherence change (`adherenceChangeTime` / `timeOfAdherenceChange`), epoch ms. */
    changedAt: number;
}

/**
 * Genesys `routingStatus` values that mean the agent is on a conversation: `INTERACTING` (an ACD interaction) and
 * `COMMUNICATING` (a non-ACD one). The adherence topic and `UserScheduleAdherence` type the field as a string
 * (`index.d.ts:71398`, `:67444`); the enum (`OFF_QUEUE, IDLE, INTERACTING, NOT_RESPONDING, COMMUNICATING, OFFLINE`) is
 * in the SDK's model docs.
 */
export const INTERACTING_ROUTING_STATUSES: ReadonlySet<string> = new Set(['INTERACTING', 'COMMUNICATING']);

/** The thresholds of one episode, measured from the drift start `t0`. */
export interface Thresholds {
    nudgeAfterMs: number;
    alertAfterMs: number;
    exceptionAfterMs: number;
}

/** Engine policy: thresholds, overrides and what never alerts. Changed at run time by `exclude`/`include`. */
export interface Policy {
    thresholds: Thresholds;
    /** Per scheduled activity: keys are an activity code id or an activity category; code id wins. */
    overrides: Readonly<Record<string, Partial<Thresholds>>>;
    /** Scheduled activity categories that never nudge or alert. */
    excludedCategories: ReadonlySet<string>;
    /**
     * Escalation of a sent alert nobody acknowledged, snoozed or decided: level 1 `afterMs` after the alert, each next
     * level `afterMs` after the previous, up to `levels`. Absent: no escalation.
     */
    escalation?: { afterMs: number; levels: number };
    /** When true (default), an episode whose impact is `Positive` does not nudge or alert. */
    suppressPositiveImpact: boolean;
    /** When true (the default when absent), a nudge or alert due while the agent is on an interaction waits for its end. */
    deferWhileInteracting?: boolean;
}

export type Stage = 'nudge' | 'alert' | 'exception';

export const SUPPRESS_REASONS = [
    'excluded',
    'snoozed',
    'approved-overtime',
    'schedule-exception',
    'positive-impact',
    'dampened',
    'acknowledged',
    'outside-hours',
    'on-interaction'
] as const;
/** Why a nudge or alert did not go out (or went out later). */
export type SuppressReason = (typeof SUPPRESS_REASONS)[number];

/** What happened to a stage of an episode. */
export type StageOutcome = { at: number; sent: true } | { at: number; sent: false; reason: SuppressReason };

/** The facts of an episode that cards and the log need, frozen at the start and refreshed by repeated events. */
export interface Episode {
    /** Unique per agent and drift start; stable across instances and restarts. */
    id: string;
    userId: string;
    managementUnitId: string;
    teamId?: string;
    teamName?: string;
    /** Drift start `t0`, epoch ms. Never moves within an episode. */
    startedAt: number;
    scheduledCategory?: CategoryName;
    scheduledActivityCodeId?: string;
    actualCategory?: CategoryName;
    systemPresence?: string;
    impact: Impact;
    /** The agent is on an interaction (its `routingStatus`), as of the newest observation. */
    interacting?: true;
}

/** What Genesys answered to the bot's adherence explanation, as the card and the agent are told. */
export type ExplanationError = 'forbidden' | 'unreachable' | 'rejected' | 'unconfirmed';

/** Where the explanation stands in Genesys: being written, recorded (its Genesys id), or not recorded (why). */
export type ExplanationRecording =
    { status: 'sending' } | { status: 'recorded'; id: string } | { status: 'failed'; error: ExplanationError };

export const EXPLANATION_OUTCOMES = ['Approved', 'Denied'] as const;
/** A supervisor's decision on an explanation (Genesys `status` values of `UpdateAdherenceExplanationStatusRequest`). */
export type ExplanationOutcome = (typeof EXPLANATION_OUTCOMES)[number];

/** The agent's explanation of an episode, from the nudge card. */
export interface Explanation {
    /** One of the configured reasons (`ADHERENCE_EXPLANATION_REASONS`). */
    reason: string;
    /** The agent's short note. */
    note?: string;
    /** "Back in N min", as the agent said. */
    backInMinutes?: number;
    /** When the agent explained, epoch ms. */
    at: number;
    genesys: ExplanationRecording;
    decision?: { outcome: ExplanationOutcome; by: string; at: number };
}

export interface Acknowledgement {
    by: string;
    at: number;
}

/** An agent in adherence (or in a state that never drifts). */
export interface AdherentState {
    status: 'adherent';
}

/** A nudge or alert waiting for its (possibly deferred) due time. */
export interface PendingStage {
    stage: 'nudge' | 'alert';
    dueAt: number;
    /** Held while the agent is on an interaction: not due until an observation shows it ended. */
    held?: 'on-interaction';
}

/** What both open-episode variants carry. */
interface OpenEpisodeFields {
    episode: Episode;
    /** The next nudge/alert to evaluate; absent once both are done. Deferred by snoozes, approvals, schedule exceptions. */
    pending?: PendingStage;
    nudge?: StageOutcome;
    alert?: StageOutcome;
    ack?: Acknowledgement;
    /** When the agent pressed "I'm on it" (once per episode: a second press logs nothing). */
    agentAckAt?: number;
    /** A snoozed (or approved) alert re-alerts at this time if the episode is still open and unacknowledged. */
    realertAt?: number;
    /** The next escalation of the sent alert while nobody acts on it; removed by an acknowledge, snooze or decision. */
    escalation?: Escalation;
    /** The agent's explanation; an approved one ends the ladder (nothing more is due). */
    explanation?: Explanation;
}

/** An escalation level due at `dueAt` (epoch ms). */
export interface Escalation {
    level: number;
    dueAt: number;
}

/** An open episode before its formal exception, which is due at `exceptionDueAt` whatever else is deferred. */
export interface DriftingState extends OpenEpisodeFields {
    status: 'drifting';
    exceptionDueAt: number;
}

/** An open episode past its formal exception. */
export interface OutOfAdherenceState extends OpenEpisodeFields {
    status: 'outOfAdherence';
    exceptionAt: number;
}

export type AgentState = AdherentState | DriftingState | OutOfAdherenceState;
export type OpenEpisodeState = DriftingState | OutOfAdherenceState;

/** A supervisor's time-bounded decision about one agent (snooze or approved overtime). */
export interface Grant {
    until: number;
    by: string;
}

/** Everything the store keeps for one agent. `version` increases by one on every committed change. */
export interface AgentRecord {
    userId: string;
    version: number;
    /** Event time of the newest applied observation; older observations are stale and ignored. */
    lastChangeAt: number;
    managementUnitId: string;
    snooze?: Grant;
    approval?: Grant;
    state: AgentState;
}

/** The answer of the exception pre-check port. `unknown` means "not cached yet" and is treated as not covered. */
export type Coverage =
    | { covered: true; until: number; reason: 'schedule-exception' | 'approved-overtime'; detail?: string }
    | { covered: false }
    | { covered: 'unknown' };

/**
 * Whether an alert due now has a channel on shift (on-shift routing): `open`, or none until `opensAt` (epoch ms) when
 * the unit's only subscriptions have hours and none covers now.
 */
export type AlertWindow = { open: true } | { open: false; opensAt: number };

export type EngineEvent =
    | { type: 'AdherenceObserved'; observation: Observation }
    /**
     * `alertWindow` absent: open (no on-shift routing). `escalationLevels`: how many escalation levels of the agent's
     * unit have somebody to go to (absent: none, no escalation).
     */
    | { type: 'DeadlineReached'; coverage: Coverage; alertWindow?: AlertWindow; escalationLevels?: number }
    | { type: 'AlertAcknowledged'; episodeId: string; by: string }
    | { type: 'AlertSnoozed'; episodeId: string; until: number; by: string }
    | { type: 'OvertimeApproved'; episodeId?: string; until: number; by: string }
    | { type: 'NudgeAcknowledged'; episodeId: string }
    | { type: 'ObservationDampened'; observation: Observation }
    | { type: 'AdherenceExplained'; episodeId: string; reason: string; note?: string; backInMinutes?: number }
    | { type: 'ExplanationRecorded'; episode: Episode; result: ExplanationResult }
    | { type: 'ExplanationDecided'; episodeId: string; outcome: ExplanationOutcome; by: string };

/** The Genesys answer to writing an explanation: its id, or why it was not recorded. */
export type ExplanationResult = { ok: true; explanationId: string } | { ok: false; error: ExplanationError };

export type EpisodeLogType =
    | 'start'
    | 'nudge'
    | 'alert'
    | 'realert'
    | 'acknowledge'
    | 'snooze'
    | 'approve'
    | 'agent-ack'
    | 'exception'
    | 'resolve'
    | 'suppressed'
    | 'escalate'
    | 'explained'
    | 'explanation-recorded'
    | 'explanation-decided';

/**
 * One line of the episode log that analytics reads. Carries enough of the episode to be read on its own,
 * so a report never needs the live state (agents may be renamed or removed since).
 */
export interface EpisodeLogEntry {
    type: EpisodeLogType;
    at: number;
    userId: string;
    managementUnitId: string;
    teamId?: string;
    episodeId?: string;
    startedAt?: number;
    scheduledCategory?: CategoryName;
    actualCategory?: CategoryName;
    impact?: Impact;
    stage?: Stage | 'realert';
    reason?: SuppressReason;
    by?: string;
    until?: number;
    durationMs?: number;
    /** The escalation level of an `escalate` line. */
    level?: number;
    /** `explained`, `explanation-decided`: the agent's reason. */
    explanationReason?: string;
    /** `explanation-decided`: the supervisor's decision. */
    outcome?: ExplanationOutcome;
    /** `explanation-recorded`: why Genesys did not record it (absent: recorded). */
    error?: ExplanationError;
}

/** A private note to the agent about their explanation. */
export type AgentNote = 'explanation-failed' | 'explanation-approved' | 'explanation-denied';

/** A message the shell must deliver; `key` is unique per (episode, stage) so delivery is idempotent. */
export type Notification =
    | { kind: 'nudge'; key: string; episode: Episode; at: number }
    | { kind: 'alert'; key: string; episode: Episode; at: number; reminder: boolean; explanation?: Explanation }
    /** The alert went unanswered: to the unit's escalation target of `level`. */
    | { kind: 'escalation'; key: string; episode: Episode; at: number; level: number }
    | {
          kind: 'alert-update';
          key: string;
          episode: Episode;
          at: number;
          change:
              | 'acknowledged'
              | 'snoozed'
              | 'approved'
              | 'exception'
              | 'resolved'
              | 'escalated'
              | 'explained'
              | 'explanation-recorded'
              | 'explanation-decided';
          by?: string;
          until?: number;
          durationMs?: number;
          level?: number;
          /** The episode's explanation as of this change. */
          explanation?: Explanation;
      }
    /** Write the agent's explanation to Genesys (`POST …/agents/{agentId}/adherence/explanations`). */
    | { kind: 'explanation-add'; key: string; episode: Episode; at: number; explanation: Explanation }
    /** Write the supervisor's decision to Genesys (`PATCH …/adherence/explanations/{explanationId}`). */
    | {
          kind: 'explanation-decide';
          key: string;
          episode: Episode;
          at: number;
          explanationId: string;
          outcome: ExplanationOutcome;
      }
    | { kind: 'agent-note'; key: string; episode: Episode; at: number; note: AgentNote; explanation: Explanation };

export type Effect =
    | { type: 'PersistState'; record: AgentRecord }
    | { type: 'ArmDeadline'; userId: string; dueAt: number }
    | { type: 'CancelDeadline'; userId: string }
    | { type: 'LogEpisode'; entry: EpisodeLogEntry }
    | { type: 'Notify'; notification: Notification }
    | { type: 'PrefetchCoverage'; userId: string; managementUnitId: string; at: number }
    | { type: 'CommandRefused'; reason: RefusalReason };

/** Why a supervisor or agent action changed nothing. */
export type RefusalReason =
    | 'unknown-agent'
    | 'no-open-episode'
    | 'episode-closed'
    | 'already-acknowledged'
    | 'invalid-until'
    /** The episode already has an explanation (one per episode). */
    | 'already-explained'
    /** Nothing to decide: the agent has not explained this episode. */
    | 'no-explanation'
    /** Another supervisor already decided the explanation. */
    | 'already-decided'
    /** The engine stopped (shutdown or restart) before the action was applied: nothing changed, try again. */
    | 'stopping';

export interface TransitionResult {
    /** The next record (its `version` one higher), or the very same object when nothing changed. */
    record: AgentRecord | undefined;
    effects: Effect[];
    /** Why an observation was ignored, for metrics: older than the newest applied one. */
    ignored?: 'stale';
}
