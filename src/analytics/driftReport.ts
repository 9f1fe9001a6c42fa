import type { SuppressReason } from '../domain/adherence/types';

/**
 * The drift report: its JSON shape (the HTTP answer, `npm run report -- --json`, the data of the Teams card).
 * Instants are epoch ms, durations ms, minutes rounded to 0.1 ({@link roundMinutes}), rates 0–1 or `null`.
 */

/** A half-open period `[fromAt, toAt)`, epoch ms. */
export interface Period {
    fromAt: number;
    toAt: number;
}

export interface AgentDrift {
    userId: string;
    /** Display name, or the user id when the agent is unknown now. */
    name: string;
    /** False when `nameOf` does not know the agent any more (removed): still counted. True when no `nameOf` is given. */
    known: boolean;
    episodes: number;
    driftMinutes: number;
    exceptions: number;
}

export interface ActivityDrift {
    /** Scheduled activity category, or `Unknown` when the log has none. */
    category: string;
    episodes: number;
    driftMinutes: number;
}

export interface HourDrift {
    /** Local hour of day, 0–23, in each episode's unit time zone. */
    hour: number;
    /** Episodes that started in this local hour. */
    episodes: number;
    /** Minutes of drift that fell in this local hour. */
    driftMinutes: number;
}

export interface DayDrift {
    /** Local calendar day `YYYY-MM-DD` in each episode's unit time zone. */
    day: string;
    episodes: number;
    driftMinutes: number;
}

/** The explanations of one reason and what became of them. */
export interface ExplanationsOfReason {
    /** The agent's reason as they chose it (`Unknown` when the log has none). */
    reason: string;
    explanations: number;
    approved: number;
    denied: number;
    /** Not (yet) approved or denied. */
    undecided: number;
    /** Genesys did not record it (forbidden, unreachable, rejected, unconfirmed); still decidable on the card. */
    notRecorded: number;
}

/** Headline figures of one period. Rates are 0–1 or `null` when there is nothing to divide. */
export interface PeriodTotals {
    episodes: number;
    /** Episodes still open at the period's end of measurement. */
    openEpisodes: number;
    agents: number;
    driftMinutes: number;
    nudgesSent: number;
    alertsSent: number;
    /** Nudged episodes that ended after the nudge and before any alert was sent (and before the exception). */
    selfCorrected: number;
    /** Nudged episodes whose outcome is known (ended, alerted or past the exception). */
    nudgeOutcomes: number;
    selfCorrectionRate: number | null;
    acknowledged: number;
    /** Alerted episodes nobody acknowledged. */
    unacknowledged: number;
    ackMedianMs: number | null;
    ackP90Ms: number | null;
    exceptions: number;
    /**
     * Nudges and alerts that did not go out (or were deferred), counted once per episode, stage and reason;
     * suppressions logged outside an episode (`dampened`) count once per agent and log entry.
     */
    suppressed: Record<SuppressReason, number>;
    suppressedTotal: number;
    /** Alerted episodes escalated because nobody acted on the alert in time (at least level 1). */
    escalated: number;
    /** Escalations per level, levels ascending (only levels that happened). */
    escalationsByLevel: Array<{ level: number; escalations: number }>;
    /** Episodes the agent explained from the nudge (`explained`, or a decision whose `explained` line is gone). */
    explanations: number;
    /** Per reason, most explanations first (ties: by reason). */
    explanationsByReason: ExplanationsOfReason[];
    /** Explanations approved or denied. */
    decided: number;
    /** Median and nearest-rank p90 of `explanation-decided.at − explained.at` of the same episode. */
    decisionMedianMs: number | null;
    decisionP90Ms: number | null;
}

export interface Change {
    current: number | null;
    previous: number | null;
    /** `current - previous`, or null when either is null. */
    delta: number | null;
    /** Relative change in percent, or null when previous is 0/null. */
    deltaPct: number | null;
}

export const CHANGE_KEYS = [
    'episodes',
    'driftMinutes',
    'agents',
    'selfCorrectionRate',
    'ackMedianMs',
    'exceptions',
    'suppressedTotal'
] as const;
export type ChangeKey = (typeof CHANGE_KEYS)[number];

export interface DriftReport {
    period: Period & { days: number };
    previousPeriod: Period & {
        /** False when log retention removed part of the previous period: its figures are partial. */
        complete: boolean;
    };
    filter: { managementUnitId?: string; managementUnitIds?: string[]; teamId?: string };
    /** Time zones used for hours and days, sorted. */
    timeZones: string[];
    totals: PeriodTotals;
    previous: PeriodTotals;
    change: Record<ChangeKey, Change>;
    topAgents: AgentDrift[];
    byActivity: ActivityDrift[];
    /** Always 24 entries, hour 0 to 23. */
    byHour: HourDrift[];
    /** Local days of the current period that had drift, in order. */
    byDay: DayDrift[];
}

/** Milliseconds as minutes rounded to 0.1, the precision of every minute figure of the report. */
export function roundMinutes(ms: number): number {
    return Math.round(ms / 6_000) / 10;
}
