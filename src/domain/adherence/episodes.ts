import { isInteracting } from './agentState';
import type { Episode, Observation } from './types';

/** Deterministic episode id: the same agent and drift start give the same id on every instance. */
export function episodeIdOf(userId: string, startedAt: number): string {
    return `${userId}@${startedAt.toString(36)}`;
}

/** A new episode of the observed agent starting at `startedAt` (epoch ms), with the observation's details. */
export function episodeFrom(userId: string, observation: Observation, startedAt: number): Episode {
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
export function withDetails(episode: Episode, o: Observation): Episode {
    const next: Episode = {
        id: episode.id,
        userId: episode.userId,
        managementUnitId: o.managementUnitId,
        startedAt: episode.startedAt,
        impact: o.impact
    };
    const teamId = o.teamId ?? episode.teamId;
    const teamName = o.teamName ?? episode.teamName;
    if (teamId) next.teamId = teamId;
    if (teamName) next.teamName = teamName;
    if (o.scheduledCategory) next.scheduledCategory = o.scheduledCategory;
    if (o.scheduledActivityCodeId) next.scheduledActivityCodeId = o.scheduledActivityCodeId;
    if (o.actualCategory) next.actualCategory = o.actualCategory;
    if (o.systemPresence) next.systemPresence = o.systemPresence;
    if (isInteracting(o)) next.interacting = true;
    return next;
}

/** Whether two versions of an episode carry the same details (what {@link withDetails} refreshes). */
export function sameDetails(a: Episode, b: Episode): boolean {
    return (
        a.managementUnitId === b.managementUnitId &&
        a.teamId === b.teamId &&
        a.teamName === b.teamName &&
        a.scheduledCategory === b.scheduledCategory &&
        a.scheduledActivityCodeId === b.scheduledActivityCodeId &&
        a.actualCategory === b.actualCategory &&
        a.systemPresence === b.systemPresence &&
        a.impact === b.impact &&
        a.interacting === b.interacting
    );
}
