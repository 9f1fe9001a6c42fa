import { ACTIVITY_CODES, ACTUAL_CATEGORY, type SystemPresence } from './catalog';

/** One published schedule activity. */
export interface ScheduledActivity {
    /** Epoch ms. */
    startAt: number;
    lengthMinutes: number;
    activityCodeId: string;
}

/** What Genesys knows about an agent's adherence at one moment. */
export interface AdherenceFacts {
    adherenceState: 'InAdherence' | 'OutOfAdherence' | 'Unscheduled' | 'Explained';
    impact: 'Positive' | 'Negative' | 'Neutral';
    scheduledCategory: string;
    scheduledActivityCodeId?: string;
    actualCategory: string;
    /** Epoch ms of the last change of `adherenceState`. */
    changedAt: number;
}

/** Scheduled activity at `at` (category `Unscheduled` when none). */
export function scheduledAt(
    activities: readonly ScheduledActivity[],
    at: number
): { category: string; activityCodeId?: string } {
    for (const a of activities) {
        if (a.startAt <= at && at < a.startAt + a.lengthMinutes * 60_000) {
            const code = ACTIVITY_CODES.find((c) => c.id === a.activityCodeId);
            return { category: code?.category ?? 'OnQueueWork', activityCodeId: a.activityCodeId };
        }
    }
    return { category: 'Unscheduled' };
}

/**
 * Genesys-style adherence: actual vs scheduled category; impact from on-queue time gained or lost. The change time
 * stays `previous.changedAt` while the state does not move.
 */
export function computeAdherence(
    activities: readonly ScheduledActivity[],
    presence: SystemPresence,
    now: number,
    previous: AdherenceFacts | undefined
): AdherenceFacts {
    const scheduled = scheduledAt(activities, now);
    const actual = ACTUAL_CATEGORY[presence];
    let state: AdherenceFacts['adherenceState'];
    if (scheduled.category === 'Unscheduled') state = 'Unscheduled';
    else if (scheduled.category === 'TimeOff') state = presence === 'Offline' ? 'InAdherence' : 'OutOfAdherence';
    else state = actual === scheduled.category && presence !== 'Offline' ? 'InAdherence' : 'OutOfAdherence';
    let impact: AdherenceFacts['impact'] = 'Neutral';
    if (state === 'OutOfAdherence') {
        if (scheduled.category === 'OnQueueWork') impact = 'Negative';
        else if (actual === 'OnQueueWork') impact = 'Positive';
    }
    const facts: AdherenceFacts = {
        adherenceState: state,
        impact,
        scheduledCategory: scheduled.category,
        actualCategory: actual,
        changedAt: previous && previous.adherenceState === state ? previous.changedAt : now
    };
    if (scheduled.activityCodeId !== undefined) facts.scheduledActivityCodeId = scheduled.activityCodeId;
    return facts;
}

/** True when any fact an adherence event carries moved (the change time alone does not count). */
export function adherenceMoved(prev: AdherenceFacts, next: AdherenceFacts): boolean {
    return (
        next.adherenceState !== prev.adherenceState ||
        next.impact !== prev.impact ||
        next.scheduledCategory !== prev.scheduledCategory ||
        next.actualCategory !== prev.actualCategory ||
        next.scheduledActivityCodeId !== prev.scheduledActivityCodeId
    );
}

/**
 * An approved adherence explanation covering `now` turns out of adherence into `Explained` (Genesys then shows the
 * agent as explained); the change time moves only when the state does.
 */
export function withExplained(
    facts: AdherenceFacts,
    previous: AdherenceFacts | undefined,
    now: number
): AdherenceFacts {
    if (facts.adherenceState !== 'OutOfAdherence') return facts;
    const changedAt = previous?.adherenceState === 'Explained' ? previous.changedAt : now;
    return { ...facts, adherenceState: 'Explained', changedAt };
}
