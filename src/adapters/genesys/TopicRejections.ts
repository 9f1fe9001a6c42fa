import type { Logger } from '../../kit/Logger';
import type { ChannelTopic } from './GenesysClient';
import type { RejectedTopic } from './streamTypes';

/**
 * The topics Genesys refused to subscribe (`state: Rejected`, `rejectionReason`, `missingPermissions` per topic,
 * `ChannelTopic` in the SDK), each logged once when first refused and forgotten once permitted again.
 */
export class TopicRejections {
    private readonly rejected = new Map<string, RejectedTopic>();

    constructor(private readonly log: Logger) {}

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
            if (!this.rejected.has(t.id)) {
                this.log.error(
                    { topic: t.id, reason: entry.reason, missingPermissions: entry.missingPermissions },
                    `genesys refused subscription to ${t.id}: ${entry.reason}` +
                        (entry.missingPermissions.length
                            ? ` (missing permissions: ${entry.missingPermissions.join(', ')})`
                            : '')
                );
            }
            this.rejected.set(t.id, entry);
        }
    }

    list(): RejectedTopic[] {
        return [...this.rejected.values()];
    }
}
