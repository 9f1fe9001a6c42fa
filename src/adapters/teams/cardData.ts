import type { AgentRecord, Episode, Explanation, Notification } from '../../domain/adherence/types';
import type { AlertCardData, NudgeCardData } from '../../cards/renderCard';
import { activityLabel } from '../../domain/adherence/activityLabels';
import type { ActionSigner } from './ActionSigner';
import { BACK_IN_MINUTES, explanationLines, explanationText, MAX_NOTE_LENGTH } from './explanationCardData';

const MINUTE = 60_000;

/** Snooze choices on the alert card, minutes. */
export const SNOOZE_MINUTES = [15, 30, 60] as const;

/** What the alert card shows beyond the episode, kept with the card id and merged on every change. */
export interface AlertFacts {
    acknowledgedBy?: string;
    acknowledgedAt?: number;
    snoozedBy?: string;
    snoozedUntil?: number;
    approvedBy?: string;
    approvedUntil?: number;
    exceptionAt?: number;
    resolvedAfterMs?: number;
    /** The highest escalation level the alert went to, and when. */
    escalatedLevel?: number;
    escalatedAt?: number;
    /** The agent's explanation as of the newest change. */
    explanation?: Explanation;
}

export interface CardContext {
    signer: ActionSigner;
    now: number;
    /** IANA zone for times shown on cards. */
    timeZone: string;
    /** The reasons the nudge's Explain offers (`ADHERENCE_EXPLANATION_REASONS`). */
    reasons: readonly string[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatTime(at: number, timeZone: string): string {
    let f = formatters.get(timeZone);
    if (!f) {
        f = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone });
        formatters.set(timeZone, f);
    }
    return f.format(at) + (timeZone === 'UTC' ? ' UTC' : '');
}

export function minutesBetween(from: number, to: number): number {
    return Math.max(0, Math.round((to - from) / MINUTE));
}

/** Where the agent's nudge stands: as sent, after "I'm on it", or after the agent explained. */
export interface NudgeState {
    acknowledged?: boolean;
    explanation?: Explanation;
}

/** The agent's private nudge: supportive, about the activity, never about blame. */
export function nudgeCardData(episode: Episode, ctx: CardContext, state: NudgeState = {}): NudgeCardData {
    const minutes = minutesBetween(episode.startedAt, ctx.now);
    const scheduled = activityLabel(episode.scheduledCategory);
    const { acknowledged, explanation } = state;
    const open = !acknowledged && !explanation;
    let title = 'A quick heads-up';
    let message = `Your schedule shows **${scheduled}** right now. If that is already sorted, no worries. If you need a hand, your supervisor is happy to help.`;
    if (explanation) {
        title = 'Thanks, your explanation was sent';
        message = `Your explanation (**${explanationText(explanation)}**) went to your supervisor and is being recorded in Genesys.`;
    } else if (acknowledged) {
        title = 'Thanks, noted!';
        message = 'Thanks for letting us know you are on it. No need to reply further.';
    }
    return {
        userId: episode.userId,
        episodeId: episode.id,
        title,
        message,
        scheduled,
        actual: activityLabel(episode.actualCategory, episode.systemPresence),
        minutes,
        footer: 'Only you can see this message.',
        showOnIt: open,
        showExplain: open,
        reasons: ctx.reasons.map((r) => ({ title: r, value: r })),
        reasonDefault: ctx.reasons[0] ?? '',
        backInOptions: BACK_IN_MINUTES.map((m) => ({ title: `${m} min`, value: String(m) })),
        maxNoteLength: MAX_NOTE_LENGTH,
        sigs: {
            myStatus: ctx.signer.sign('myStatus', episode.userId, episode.id),
            ackNudge: ctx.signer.sign('ackNudge', episode.userId, episode.id),
            explain: ctx.signer.sign('explain', episode.userId, episode.id)
        }
    };
}

/** Alert facts as of a stored record (used when a supervisor acts: the invoke answer shows the new card). */
export function factsFromRecord(record: AgentRecord, episodeId: string): AlertFacts {
    const facts: AlertFacts = {};
    const state = record.state;
    if (state.status === 'adherent' || state.episode.id !== episodeId) return facts;
    if (state.ack) {
        facts.acknowledgedBy = state.ack.by;
        facts.acknowledgedAt = state.ack.at;
    }
    if (record.snooze) {
        facts.snoozedBy = record.snooze.by;
        facts.snoozedUntil = record.snooze.until;
    }
    if (record.approval) {
        facts.approvedBy = record.approval.by;
        facts.approvedUntil = record.approval.until;
    }
    if (state.status === 'outOfAdherence') facts.exceptionAt = state.exceptionAt;
    if (state.explanation) facts.explanation = state.explanation;
    return facts;
}

/** Fold one alert-update notification into the facts. */
export function applyChange(facts: AlertFacts, n: Extract<Notification, { kind: 'alert-update' }>): AlertFacts {
    const next = { ...facts };
    if (n.explanation) next.explanation = n.explanation;
    switch (n.change) {
        case 'acknowledged':
            next.acknowledgedBy = n.by;
            next.acknowledgedAt = n.at;
            break;
        case 'snoozed':
            next.snoozedBy = n.by;
            next.snoozedUntil = n.until;
            break;
        case 'approved':
            next.approvedBy = n.by;
            next.approvedUntil = n.until;
            break;
        case 'exception':
            next.exceptionAt = n.at;
            break;
        case 'resolved':
            next.resolvedAfterMs = n.durationMs ?? 0;
            break;
        case 'escalated':
            next.escalatedLevel = Math.max(next.escalatedLevel ?? 0, n.level ?? 1);
            next.escalatedAt = n.at;
            break;
        default:
            break;
    }
    return next;
}

export interface AlertNames {
    agentName: string;
    teamName: string;
    /** Display names of supervisors by the id stored in facts (falls back to the id). */
    nameOf(by: string | undefined): string;
}

/** The supervisor alert card data for an episode and its facts. */
export function alertCardData(episode: Episode, facts: AlertFacts, names: AlertNames, ctx: CardContext): AlertCardData {
    const resolved = facts.resolvedAfterMs !== undefined;
    const minutes = resolved ? Math.round(facts.resolvedAfterMs! / MINUTE) : minutesBetween(episode.startedAt, ctx.now);
    const lines: string[] = [];
    if (facts.acknowledgedBy) {
        lines.push(
            `Acknowledged by ${names.nameOf(facts.acknowledgedBy)} at ${formatTime(facts.acknowledgedAt ?? ctx.now, ctx.timeZone)}`
        );
    }
    if (facts.snoozedUntil !== undefined) {
        lines.push(`Snoozed by ${names.nameOf(facts.snoozedBy)} until ${formatTime(facts.snoozedUntil, ctx.timeZone)}`);
    }
    if (facts.approvedUntil !== undefined) {
        lines.push(
            `Approved overtime by ${names.nameOf(facts.approvedBy)} until ${formatTime(facts.approvedUntil, ctx.timeZone)}`
        );
    }
    if (facts.exceptionAt !== undefined)
        lines.push(`Formal exception recorded at ${formatTime(facts.exceptionAt, ctx.timeZone)}`);
    if (facts.escalatedLevel !== undefined && !facts.acknowledgedBy && facts.snoozedUntil === undefined)
        lines.push(
            `Escalated${facts.escalatedLevel > 1 ? ` to level ${facts.escalatedLevel}` : ''} at ${formatTime(facts.escalatedAt ?? ctx.now, ctx.timeZone)}: nobody had acted on it`
        );
    const e = facts.explanation;
    const approved = e?.decision?.outcome === 'Approved';
    if (resolved)
        lines.push(approved ? `Closed as explained after ${minutes} min` : `Back in adherence after ${minutes} min`);
    const title = approved
        ? `${names.agentName}: explanation approved`
        : resolved
          ? `${names.agentName} is back in adherence`
          : facts.exceptionAt !== undefined
            ? `${names.agentName}: formal adherence exception`
            : `${names.agentName} is out of adherence`;
    const slots: Array<{ label: string; value: string }> = [];
    const firstSlot = Math.ceil((ctx.now + 1) / (30 * MINUTE)) * 30 * MINUTE;
    for (let i = 0; i < 8; i++) {
        const at = firstSlot + i * 30 * MINUTE;
        slots.push({ label: formatTime(at, ctx.timeZone), value: String(at) });
    }
    return {
        userId: episode.userId,
        episodeId: episode.id,
        title,
        color: resolved || approved ? 'Good' : facts.exceptionAt !== undefined ? 'Attention' : 'Warning',
        agentName: names.agentName,
        teamName: names.teamName,
        scheduled: activityLabel(episode.scheduledCategory),
        actual: activityLabel(episode.actualCategory, episode.systemPresence),
        minutes,
        impact: episode.impact,
        statusLines: lines,
        explanationLines: e ? explanationLines(e, names.agentName, names.nameOf, ctx.timeZone) : [],
        canDecide: !resolved && e !== undefined && e.decision === undefined,
        open: !resolved && !approved,
        acknowledged: facts.acknowledgedBy !== undefined,
        snoozeOptions: SNOOZE_MINUTES.map((m) => ({
            label: `${m} min`,
            minutes: m,
            sig: ctx.signer.sign('snooze', episode.userId, episode.id, m)
        })),
        overtimeOptions: slots,
        overtimeDefault: slots[1].value,
        sigs: {
            acknowledge: ctx.signer.sign('acknowledge', episode.userId, episode.id),
            approveOvertime: ctx.signer.sign('approveOvertime', episode.userId, episode.id),
            approveExplanation: ctx.signer.sign('approveExplanation', episode.userId, episode.id),
            denyExplanation: ctx.signer.sign('denyExplanation', episode.userId, episode.id)
        }
    };
}
