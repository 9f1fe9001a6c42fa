import type { Logger } from '../../kit/Logger';
import type { ChannelTopic } from './GenesysClient';
import type { GenesysMetrics } from './genesysMetrics';
import type { RejectedTopic } from './streamTypes';

/** What a refused topic costs: the unit's stream, or only the explicit schedule republish signal. */
export function topicKind(topic: string): 'adherence' | 'schedules' | 'other' {
    if (topic.endsWith('.adherence')) return 'adherence';
    if (topic.endsWith('.agentschedules.changed')) return 'schedules';
    return 'other';
}

/**
 * The topics Genesys refuses to subscribe (`state: Rejected`, `rejectionReason`, `missingPermissions` per topic,
 * `ChannelTopic` in the SDK): each logged once when first refused, counted by kind in `genesys_topics_refused`, and
 * forgotten once permitted again.
 */
export class TopicRejections {
    private readonly rejected = new Map<string, RejectedTopic>();

    constructor(
        private readonly log: Logger,
        private readonly metrics: GenesysMetrics
    ) {}

    /** Take the per-topic answer of one subscription request. */
    record(states: readonly ChannelTopic[]): void {
        for (const t of states) {
            if (!t.id) continue;
            if (t.state !== 'Rejected') {
                this.rejected.delete(t.id);
                continue;
            }
            const entry: RejectedTopic = {
                topic: t.id,
                reason: t.rejectionReason ?? 'Rejected',
                missingPermissions: t.missingPermissions ?? []
            };
            if (!this.rejected.has(t.id)) this.logRefusal(entry);
            this.rejected.set(t.id, entry);
        }
        const counts = { adherence: 0, schedules: 0, other: 0 };
        for (const topic of this.rejected.keys()) counts[topicKind(topic)]++;
        for (const [kind, n] of Object.entries(counts)) this.metrics.topicsRefused.set({ kind }, n);
    }

    list(): RejectedTopic[] {
        return [...this.rejected.values()];
    }

    private logRefusal(entry: RejectedTopic): void {
        const missing = entry.missingPermissions.length
            ? ` (missing permissions: ${entry.missingPermissions.join(', ')})`
            : '';
        const consequence =
            topicKind(entry.topic) === 'schedules'
                ? '; schedule republishes are then told from bursts of changes only'
                : '';
        this.log.error(
            { topic: entry.topic, reason: entry.reason, missingPermissions: entry.missingPermissions },
            `genesys refused subscription to ${entry.topic}: ${entry.reason}${missing}${consequence}`
        );
    }
}
