import type { TimerHandle } from '../../domain/clock';
import { describeError } from './errors';
import type { InputRejections } from './InputRejections';
import { StreamChannel } from './StreamChannel';
import { StreamContext } from './StreamContext';
import type { AdherenceStreamOptions, AdherenceStreamStatus } from './streamTypes';

export type {
    AdherenceSink,
    AdherenceStreamOptions,
    AdherenceStreamStatus,
    ChannelStatus,
    RejectedTopic,
    StreamEvent
} from './streamTypes';

/**
 * The Genesys notification loop: channels of at most 1,000 topics (two per unit), one socket each, heartbeat/ping
 * watchdog, `socket_closing`, subscription renewal before the 24 h expiry, jittered reconnects, and a REST re-sync
 * of every unit after each (re)connect because Genesys does not buffer events while a socket is down.
 */
export class AdherenceStream {
    private readonly ctx: StreamContext;
    private channels: StreamChannel[] = [];
    private started = false;
    private discoveryTimer: TimerHandle | undefined;
    private units: string[] = [];

    constructor(readonly options: AdherenceStreamOptions) {
        this.ctx = new StreamContext(options);
    }

    /** Refused frames, counted per kind and logged once per kind. */
    get refused(): InputRejections {
        return this.ctx.refused;
    }

    /**
     * Resolve units, open every channel. Resolves once each channel has connected or scheduled its retry. When the unit
     * list cannot be read, start() still resolves: discovery is retried in the background with jittered backoff and
     * `status().lastError` says why.
     */
    async start(): Promise<void> {
        if (this.started) return;
        this.started = true;
        await this.discover(this.ctx.newBackoff());
    }

    private async discover(backoff: Iterator<number>): Promise<void> {
        const { client, clock, config } = this.options;
        try {
            if (config.managementUnitIds.length > 0) this.units = [...config.managementUnitIds];
            else {
                const units = await client.listManagementUnits();
                this.units = units.map((u) => u.id).filter((id): id is string => typeof id === 'string');
            }
        } catch (error) {
            if (!this.started) return;
            this.ctx.lastError = describeError(error);
            const delayMs = backoff.next().value as number;
            this.ctx.log.error({ err: this.ctx.lastError, delayMs }, 'cannot list Genesys management units; retrying');
            this.discoveryTimer = clock.setTimeout(() => {
                this.discoveryTimer = undefined;
                void this.discover(backoff);
            }, delayMs);
            return;
        }
        if (!this.started) return;
        if (this.units.length === 0) {
            this.ctx.lastError =
                'no management unit with real-time adherence (none configured; the unit list shows only the units ' +
                "the OAuth client's role may use for RealTimeAdherence: wfm:realtimeAdherence:view)";
            this.ctx.log.warn({}, `no Genesys management unit to watch: ${this.ctx.lastError}`);
            return;
        }
        const perChannel = Math.max(1, Math.floor((this.options.maxTopicsPerChannel ?? 1000) / 2));
        this.channels = [];
        for (let i = 0; i < this.units.length; i += perChannel) {
            this.channels.push(new StreamChannel(this.ctx, this.units.slice(i, i + perChannel)));
        }
        this.ctx.log.info({ units: this.units.length, channels: this.channels.length }, 'genesys stream starting');
        await Promise.all(this.channels.map((c) => c.connect()));
    }

    async stop(): Promise<void> {
        this.started = false;
        if (this.discoveryTimer) this.options.clock.clearTimeout(this.discoveryTimer);
        this.discoveryTimer = undefined;
        await Promise.all(this.channels.map((c) => c.close()));
    }

    status(): AdherenceStreamStatus {
        const ctx = this.ctx;
        return {
            started: this.started,
            connected: this.channels.length > 0 && this.channels.every((c) => c.isConnected),
            channels: this.channels.map((c) => c.status()),
            managementUnitIds: [...this.units],
            rejectedTopics: ctx.rejections.list(),
            lastEventAt: ctx.lastEventAt,
            lastResyncAt: ctx.lastResyncAt,
            reconnects: ctx.reconnects,
            framesReceived: ctx.framesReceived,
            lastError: ctx.lastError
        };
    }
}
