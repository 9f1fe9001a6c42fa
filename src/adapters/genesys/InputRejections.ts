import type { RejectReason } from '../../domain/adherence/parseObservation';
import type { Logger } from '../../kit/Logger';

/**
 * Counts refused input by kind and logs each kind once (with its first example's field), so a misbehaving source
 * cannot flood the logs. Counts feed the metrics.
 */
export class InputRejections {
    private readonly counts = new Map<string, number>();

    constructor(
        private readonly logger: Logger,
        private readonly source: string,
        private readonly onReject?: (reason: string) => void
    ) {}

    record(reason: RejectReason | string, field?: string): void {
        const n = (this.counts.get(reason) ?? 0) + 1;
        this.counts.set(reason, n);
        this.onReject?.(reason);
        if (n === 1) {
            this.logger.warn(
                { source: this.source, reason, field },
                'refused input (first of its kind; further ones are only counted)'
            );
        }
    }

    /** Refusals so far, by kind. */
    snapshot(): Record<string, number> {
        return Object.fromEntries(this.counts);
    }
}
