import type { EpisodeLogEntry, ExplanationOutcome } from '../domain/adherence/types';

/** An agent's figures for one local day: the episodes that fell in it and the drift minutes inside it. */
export interface AgentDayFigures {
    episodes: number;
    minutes: number;
}

/** An episode as the day's log shows it: its start and, once resolved, its end. */
interface Span {
    startedAt: number;
    endAt: number | undefined;
    /** The latest log line seen: a lower bound of the end when the resolution is missing. */
    lastAt: number;
}

/** The drift start a line implies when it does not carry `startedAt`. */
function startOf(e: EpisodeLogEntry): number | undefined {
    if (e.type === 'start') return e.at;
    if (e.type === 'resolve' && e.durationMs !== undefined) return e.at - e.durationMs;
    return undefined;
}

/**
 * One agent's drift in the day starting at `dayStart` (local midnight, epoch ms), up to `now`: every episode that was
 * open at some point of the day counts once in `episodes` (an episode over midnight counts on both days), and only
 * the part of it after `dayStart` counts in `minutes`, as the report's split over local days does
 * (docs/analytics.md). `entries` is the log from `dayStart`; `open` is the agent's open episode, if any, which runs
 * up to `now` whether or not it logged anything today.
 */
export function agentDayFigures(
    entries: readonly EpisodeLogEntry[],
    userId: string,
    dayStart: number,
    now: number,
    open?: { id: string; startedAt: number }
): AgentDayFigures {
    const spans = new Map<string, Span>();
    for (const e of entries) {
        if (e.userId !== userId || e.episodeId === undefined) continue;
        const startedAt = e.startedAt ?? startOf(e);
        let span = spans.get(e.episodeId);
        if (span === undefined) {
            span = { startedAt: startedAt ?? e.at, endAt: undefined, lastAt: e.at };
            spans.set(e.episodeId, span);
        } else if (startedAt !== undefined && startedAt < span.startedAt) span.startedAt = startedAt;
        if (e.at > span.lastAt) span.lastAt = e.at;
        if (e.type === 'resolve') {
            span.endAt = e.durationMs !== undefined && e.startedAt !== undefined ? e.startedAt + e.durationMs : e.at;
        }
    }
    if (open !== undefined) {
        const span = spans.get(open.id);
        if (span === undefined) spans.set(open.id, { startedAt: open.startedAt, endAt: now, lastAt: now });
        else span.endAt ??= now;
    }
    let episodes = 0;
    let ms = 0;
    for (const span of spans.values()) {
        const end = Math.min(now, span.endAt ?? span.lastAt);
        if (end < dayStart && span.startedAt < dayStart) continue;
        episodes++;
        ms += Math.max(0, end - Math.max(span.startedAt, dayStart));
    }
    return { episodes, minutes: Math.round(ms / 60_000) };
}

/** One explanation the agent gave today and what became of it. */
export interface AgentDayExplanation {
    episodeId: string;
    /** When the agent explained, epoch ms. */
    at: number;
    reason: string;
    /** The supervisor's decision; absent while it waits for one. */
    outcome?: ExplanationOutcome;
    /** Genesys did not record it (`explanation-recorded` with `error`). */
    notRecorded: boolean;
}

/**
 * The explanations `userId` gave since `dayStart` (their `explained` line's time), oldest first, each with its
 * decision and whether Genesys failed to record it, from the same log lines as {@link agentDayFigures}.
 */
export function agentDayExplanations(
    entries: readonly EpisodeLogEntry[],
    userId: string,
    dayStart: number
): AgentDayExplanation[] {
    const byEpisode = new Map<string, AgentDayExplanation>();
    const outcomes = new Map<string, ExplanationOutcome>();
    const failed = new Set<string>();
    for (const e of entries) {
        if (e.userId !== userId || e.episodeId === undefined) continue;
        if (e.type === 'explained' && e.at >= dayStart && !byEpisode.has(e.episodeId)) {
            byEpisode.set(e.episodeId, {
                episodeId: e.episodeId,
                at: e.at,
                reason: e.explanationReason ?? '',
                notRecorded: false
            });
        } else if (e.type === 'explanation-decided' && e.outcome !== undefined && !outcomes.has(e.episodeId)) {
            outcomes.set(e.episodeId, e.outcome);
        } else if (e.type === 'explanation-recorded' && e.error !== undefined) failed.add(e.episodeId);
    }
    return [...byEpisode.values()]
        .map((x) => {
            const outcome = outcomes.get(x.episodeId);
            return { ...x, ...(outcome === undefined ? {} : { outcome }), notRecorded: failed.has(x.episodeId) };
        })
        .sort((a, b) => a.at - b.at);
}
