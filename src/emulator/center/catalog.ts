/**
 * The presence source of the Genesys Cloud client itself: every user's primary source until another is made primary
 * (`PUT /api/v2/presence/users/{userId}/primarysource`). The SDK routes it apart (`…/presences/purecloud`,
 * `PresenceApi.js` `getUserPresencesPurecloud`).
 */
export const GENESYS_CLOUD_SOURCE = 'PURECLOUD';

/** Genesys default activity codes (ids as in a fresh business unit). */
export const ACTIVITY_CODES = [
    { id: '0', name: 'On Queue Work', category: 'OnQueueWork' },
    { id: '1', name: 'Break', category: 'Break' },
    { id: '2', name: 'Meal', category: 'Meal' },
    { id: '3', name: 'Meeting', category: 'Meeting' },
    { id: '4', name: 'Off Queue Work', category: 'OffQueueWork' },
    { id: '5', name: 'Time Off', category: 'TimeOff' },
    { id: '6', name: 'Training', category: 'Training' },
    { id: '7', name: 'Unavailable', category: 'Unavailable' }
] as const;

/** The system presences of a Genesys organisation, one presence definition each. */
export const SYSTEM_PRESENCES = [
    'Available',
    'Away',
    'Busy',
    'Offline',
    'Idle',
    'OnQueue',
    'Meal',
    'Training',
    'Meeting',
    'Break'
] as const;
export type SystemPresence = (typeof SYSTEM_PRESENCES)[number];

/** Actual activity category of a system presence (what Genesys compares with the schedule). */
export const ACTUAL_CATEGORY: Record<SystemPresence, string> = {
    OnQueue: 'OnQueueWork',
    Available: 'OffQueueWork',
    Busy: 'OffQueueWork',
    Away: 'Unavailable',
    Idle: 'Unavailable',
    Offline: 'Unavailable',
    Meal: 'Meal',
    Break: 'Break',
    Meeting: 'Meeting',
    Training: 'Training'
};

/** The presence an agent picks to follow a scheduled category. */
export const PRESENCE_FOR: Record<string, SystemPresence> = {
    OnQueueWork: 'OnQueue',
    Break: 'Break',
    Meal: 'Meal',
    Meeting: 'Meeting',
    Training: 'Training',
    OffQueueWork: 'Available',
    TimeOff: 'Offline',
    Unavailable: 'Away',
    Unscheduled: 'Offline'
};

/** Name of an activity code id ('' when unknown). */
export function activityCodeName(id: string): string {
    return ACTIVITY_CODES.find((c) => c.id === id)?.name ?? '';
}

/** Routing status that goes with a presence. */
export function routingStatusOf(presence: SystemPresence): string {
    if (presence === 'OnQueue') return 'IDLE';
    if (presence === 'Offline') return 'OFFLINE';
    return 'OFF_QUEUE';
}
