import type { AgentRecord, Episode, Notification } from '../../domain/adherence/types';
import type { AlertCardData, NudgeCardData } from '../../cards/renderCard';
import { activityLabel } from '../../domain/adherence/activityLabels';
import type { ActionSigner } from './ActionSigner';

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
}

export interface CardContext {
    signer: ActionSigner;
    now: number;
    /** IANA zone for times shown on cards. */
    timeZone: string;
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

/** The agent's private nudge: supportive, about the activity, never about blame. */
export function nudgeCardData(episode: Episode, ctx: CardContext, acknowledged = false): NudgeCardData {
    const minutes = minutesBetween(episode.startedAt, ctx.now);
    const scheduled = activityLabel(episode.scheduledCategory);
    return {
        userId: episode.userId,
        episodeId: episode.id,
        title: acknowledged ? 'Thanks, noted!' : 'A quick heads-up',
        message: acknowledged
            ? 'Thanks for letting us know you are on it. No need to reply further.'
            : `Your schedule shows **${scheduled}** right now. If that is already sorted, no worries. If you need a hand, your supervisor is happy to help.`,
        scheduled,
        actual: activityLabel(episode.actualCategory, episode.systemPresence),
        minutes,
        footer: 'Only you can see this message.',
        showOnIt: !acknowledged,
        sigs: {
            myStatus: ctx.signer.sign('myStatus', episode.userId, episode.id),
            ackNudge: ctx.signer.sign('ackNudge', episode.userId, episode.id)
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
    return facts;
}

/** Fold one alert-update notification into the facts. */
export function applyChange(facts: AlertFacts, n: Extract<Notification, { kind: 'alert-update' }>): AlertFacts {
    const next = { ...facts };
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
    if (resolved) lines.push(`Back in adherence after ${minutes} min`);
    const title = resolved
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
        color: resolved ? 'Good' : facts.exceptionAt !== undefined ? 'Attention' : 'Warning',
        agentName: names.agentName,
        teamName: names.teamName,
        scheduled: activityLabel(episode.scheduledCategory),
        actual: activityLabel(episode.actualCategory, episode.systemPresence),
        minutes,
        impact: episode.impact,
        statusLines: lines,
        open: !resolved,
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
            approveOvertime: ctx.signer.sign('approveOvertime', episode.userId, episode.id)
        }
    };
}
