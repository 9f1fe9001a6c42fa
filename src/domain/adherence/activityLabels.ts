import type { ActivityCategory } from './types';

/** Display names of the known activity categories. A Map: a free-string category never reaches a prototype key. */
const CATEGORY_LABELS: ReadonlyMap<string, string> = new Map<ActivityCategory, string>([
    ['OnQueueWork', 'On queue'],
    ['Break', 'Break'],
    ['Meal', 'Meal'],
    ['Meeting', 'Meeting'],
    ['OffQueueWork', 'Off-queue work'],
    ['TimeOff', 'Time off'],
    ['Training', 'Training'],
    ['Unavailable', 'Unavailable'],
    ['Unscheduled', 'Unscheduled']
]);

/**
 * The display name of an activity category (`OnQueueWork` → `On queue`); a category none of the known ones is shown
 * as sent. Without a category: the presence, else `unknown`.
 */
export function activityLabel(category: string | undefined, presence?: string): string {
    if (category) return CATEGORY_LABELS.get(category) ?? category;
    return presence ?? 'unknown';
}
