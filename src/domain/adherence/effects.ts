import type { Effect, Episode, EpisodeLogEntry, Notification, OpenEpisodeState } from './types';

/** Optional details of a log entry. */
export type LogExtra = Pick<
    EpisodeLogEntry,
    'stage' | 'reason' | 'by' | 'until' | 'durationMs' | 'level' | 'explanationReason' | 'outcome' | 'error'
>;

/** An episode log entry of `type` at `at` (epoch ms), carrying the episode's facts that reports read. */
export function logEntry(type: EpisodeLogEntry['type'], episode: Episode, at: number, extra?: LogExtra): Effect {
    const entry: EpisodeLogEntry = {
        type,
        at,
        userId: episode.userId,
        managementUnitId: episode.managementUnitId,
        episodeId: episode.id,
        startedAt: episode.startedAt,
        impact: episode.impact,
        ...extra
    };
    if (episode.teamId) entry.teamId = episode.teamId;
    if (episode.scheduledCategory) entry.scheduledCategory = episode.scheduledCategory;
    if (episode.actualCategory) entry.actualCategory = episode.actualCategory;
    return { type: 'LogEpisode', entry };
}

/** A notification for the shell to put in the durable outbox. */
export function notify(notification: Notification): Effect {
    return { type: 'Notify', notification };
}

type AlertChange = Extract<Notification, { kind: 'alert-update' }>['change'];

/**
 * Update the supervisor's alert card when one was sent for this episode (nothing otherwise): the notification is keyed
 * `<episode id>:<key>`, unique per change so it is delivered once.
 */
export function updateAlert(
    effects: Effect[],
    state: OpenEpisodeState,
    at: number,
    key: string,
    change: AlertChange,
    details?: { by?: string; until?: number; durationMs?: number; level?: number }
): void {
    if (!state.alert?.sent) return;
    const { episode, explanation } = state;
    const n: Notification = { kind: 'alert-update', key: `${episode.id}:${key}`, episode, at, change, ...details };
    if (explanation) n.explanation = explanation;
    effects.push(notify(n));
}
