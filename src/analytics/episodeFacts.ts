import type { EpisodeLogEntry, ExplanationOutcome } from '../domain/adherence/types';

/** One episode folded from its log lines. A class with every field set up front keeps one object shape (speed). */
export class EpisodeFacts {
    teamId: string | undefined = undefined;
    startedAt: number | undefined = undefined;
    category: string | undefined = undefined;
    nudgeAt: number | undefined = undefined;
    alertAt: number | undefined = undefined;
    ackAt: number | undefined = undefined;
    exceptionAt: number | undefined = undefined;
    resolveAt: number | undefined = undefined;
    durationMs: number | undefined = undefined;
    /** `stage|reason` keys of suppressions; most episodes have none. */
    suppressed: Set<string> | undefined = undefined;
    /** Escalation levels reached (each once); most episodes have none. */
    escalations: Set<number> | undefined = undefined;
    /** First `explained` line: when the agent explained. */
    explainedAt: number | undefined = undefined;
    /** The agent's reason (`explained` or `explanation-decided`). */
    explanationReason: string | undefined = undefined;
    /** True when Genesys answered the explanation's write with an error (`explanation-recorded` with `error`). */
    explanationNotRecorded = false;
    /** First `explanation-decided` line: when and how a supervisor decided. */
    decidedAt: number | undefined = undefined;
    outcome: ExplanationOutcome | undefined = undefined;

    constructor(
        readonly id: string,
        readonly userId: string,
        readonly managementUnitId: string
    ) {}
}

/** An episode whose start is known: the only ones a report counts. */
export type StartedEpisode = EpisodeFacts & { startedAt: number };

function minDefined(a: number | undefined, b: number): number {
    return a === undefined || b < a ? b : a;
}

/** Fold log entries into one record per episode. Entries without an episode id carry no episode facts. */
export function collectEpisodes(entries: readonly EpisodeLogEntry[]): Map<string, EpisodeFacts> {
    const episodes = new Map<string, EpisodeFacts>();
    for (const e of entries) {
        const id = e.episodeId;
        if (id === undefined) continue;
        let ep = episodes.get(id);
        if (ep === undefined) {
            ep = new EpisodeFacts(id, e.userId, e.managementUnitId);
            episodes.set(id, ep);
        }
        if (e.teamId !== undefined && ep.teamId === undefined) ep.teamId = e.teamId;
        if (e.startedAt !== undefined) ep.startedAt = e.startedAt;
        if (e.scheduledCategory !== undefined && (e.type === 'start' || ep.category === undefined)) {
            ep.category = e.scheduledCategory;
        }
        switch (e.type) {
            case 'start':
                if (e.startedAt === undefined && ep.startedAt === undefined) ep.startedAt = e.at;
                break;
            case 'nudge':
                ep.nudgeAt = minDefined(ep.nudgeAt, e.at);
                break;
            case 'alert':
                ep.alertAt = minDefined(ep.alertAt, e.at);
                break;
            case 'acknowledge':
                ep.ackAt = minDefined(ep.ackAt, e.at);
                break;
            case 'exception':
                ep.exceptionAt = minDefined(ep.exceptionAt, e.at);
                break;
            case 'resolve':
                ep.resolveAt = minDefined(ep.resolveAt, e.at);
                if (e.durationMs !== undefined) ep.durationMs = e.durationMs;
                break;
            case 'suppressed':
                if (e.reason !== undefined) (ep.suppressed ??= new Set()).add(`${e.stage ?? ''}|${e.reason}`);
                break;
            case 'escalate':
                (ep.escalations ??= new Set()).add(e.level ?? 1);
                break;
            case 'explained':
                ep.explainedAt = minDefined(ep.explainedAt, e.at);
                if (e.explanationReason !== undefined) ep.explanationReason = e.explanationReason;
                break;
            case 'explanation-recorded':
                if (e.error !== undefined) ep.explanationNotRecorded = true;
                break;
            case 'explanation-decided':
                if (ep.decidedAt === undefined || e.at < ep.decidedAt) {
                    ep.decidedAt = e.at;
                    ep.outcome = e.outcome;
                }
                if (ep.explanationReason === undefined) ep.explanationReason = e.explanationReason;
                break;
            default:
                break;
        }
    }
    return episodes;
}

/** Drift length of an episode, ms: its logged duration, else up to its resolution, else up to `asOf` (open). */
export function driftMs(ep: StartedEpisode, asOf: number): number {
    if (ep.durationMs !== undefined) return Math.max(0, ep.durationMs);
    const end = ep.resolveAt ?? asOf;
    return Math.max(0, end - ep.startedAt);
}
