import { isDrifting } from './agentState';
import type { Observation } from './types';

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
