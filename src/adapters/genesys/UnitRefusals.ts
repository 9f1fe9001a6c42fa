import type { ChannelTopic } from './GenesysClient';
import { GENESYS_DEFAULTS } from './genesysConfig';
import { unitAdherenceTopic } from './mapping';
import type { StreamContext } from './StreamContext';

/**
 * The units of one channel that the OAuth client's role may not stream: their adherence topic was refused, or their
 * snapshot (403). Each refusal is said once, at error level, with what to grant; the channel asks again every
 * `refusedRetryMs`.
 */
export class UnitRefusals {
    private readonly refused = new Set<string>();
    private readonly snapshotsLogged = new Set<string>();
    private parkedLogged = false;

    constructor(
        private readonly ctx: StreamContext,
        private readonly units: readonly string[]
    ) {}

    /** How long before asking again, ms. */
    get retryMs(): number {
        return this.ctx.options.config.refusedRetryMs ?? GENESYS_DEFAULTS.refusedRetryMs;
    }

    get any(): boolean {
        return this.refused.size > 0;
    }

    /** The units not refused. */
    permitted(): string[] {
        return this.units.filter((u) => !this.refused.has(u));
    }

    /**
     * Take a subscription's per-topic answer: a unit whose adherence topic was refused is refused, others permitted.
     */
    takeVerdicts(verdicts: readonly ChannelTopic[]): void {
        this.ctx.rejections.record(verdicts);
        this.refused.clear();
        for (const v of verdicts) {
            const unit = this.units.find((u) => v.id === unitAdherenceTopic(u));
            if (unit !== undefined && v.state === 'Rejected') this.refused.add(unit);
        }
        if (this.refused.size < this.units.length) this.parkedLogged = false;
    }

    /** A unit whose snapshot Genesys refused (403). */
    refuseSnapshot(unit: string): void {
        this.refused.add(unit);
        this.ctx.lastError = `genesys refused the adherence snapshot of unit ${unit} (missing permissions)`;
        if (this.snapshotsLogged.has(unit)) return;
        this.snapshotsLogged.add(unit);
        this.ctx.log.error(
            { managementUnitId: unit, retryMs: this.retryMs },
            `${this.ctx.lastError}; streaming the other units and asking again every ${this.retrySeconds} s`
        );
    }

    /** Every unit is refused: say so once, with the permissions the role lacks. */
    parked(channelId: string | undefined): void {
        const missing = [...new Set(this.ctx.rejections.list().flatMap((r) => r.missingPermissions))];
        this.ctx.lastError =
            'genesys refused the adherence of every unit of the channel ' +
            `(missing permissions: ${missing.join(', ') || 'unknown'})`;
        if (this.parkedLogged) return;
        this.parkedLogged = true;
        this.ctx.log.error(
            { channel: channelId, units: this.units.length, missingPermissions: missing, retryMs: this.retryMs },
            `${this.ctx.lastError}: no adherence stream until the OAuth client's role allows it; ` +
                `asking again every ${this.retrySeconds} s`
        );
    }

    private get retrySeconds(): number {
        return Math.round(this.retryMs / 1000);
    }
}
