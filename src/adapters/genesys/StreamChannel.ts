import type { TimerHandle } from '../../domain/clock';
import { ChannelSocket } from './ChannelSocket';
import { describeError } from './errors';
import { mapFrame, mapSnapshot, unitAdherenceTopic, unitSchedulesChangedTopic } from './mapping';
import type { StreamContext } from './StreamContext';
import type { ChannelStatus } from './streamTypes';

const DAY_MS = 24 * 3_600_000;

/**
 * One notification channel of the stream and its units: create, subscribe, open the socket, re-sync every unit through
 * REST, renew the subscriptions before the 24 h expiry, and reconnect with jittered backoff when anything fails.
 * Every connection attempt has a generation; work of an older generation is dropped on arrival.
 */
export class StreamChannel {
    private socket: ChannelSocket | undefined;
    private channelId: string | undefined;
    /** Epoch ms. */
    private expiresAt: number | undefined;
    private connected = false;
    private closing = false;
    private generation = 0;
    private renewTimer: TimerHandle | undefined;
    private retryTimer: TimerHandle | undefined;
    private backoff: Iterator<number>;
    private readonly topics: string[];

    constructor(
        private readonly ctx: StreamContext,
        private readonly units: string[]
    ) {
        this.topics = units.flatMap((u) => [unitAdherenceTopic(u), unitSchedulesChangedTopic(u)]);
        this.backoff = ctx.newBackoff();
    }

    get isConnected(): boolean {
        return this.connected;
    }

    status(): ChannelStatus {
        return { id: this.channelId, connected: this.connected, topics: this.topics.length, expiresAt: this.expiresAt };
    }

    /** Create a channel, subscribe, open the socket, then re-sync. Failures schedule a jittered retry. */
    async connect(): Promise<void> {
        if (this.closing) return;
        const generation = ++this.generation;
        const { client, clock } = this.ctx.options;
        const stale = (): boolean => generation !== this.generation || this.closing;
        this.ctx.emit({ type: 'connecting', at: clock.now() });
        try {
            const channel = await client.createChannel();
            if (stale()) return;
            this.ctx.rejections.record(await client.subscribe(channel.id!, this.topics));
            this.channelId = channel.id;
            const parsedExpiry = channel.expires ? Date.parse(channel.expires) : Number.NaN;
            this.expiresAt = Number.isFinite(parsedExpiry) ? parsedExpiry : clock.now() + DAY_MS;
            const socket = await this.openSocket(channel.connectUri!, generation);
            if (stale()) {
                socket.close();
                return;
            }
            this.socket = socket;
            this.connected = true;
            this.ctx.log.info({ channel: this.channelId, topics: this.topics.length }, 'genesys socket connected');
            this.ctx.emit({ type: 'connected', channelId: this.channelId!, at: clock.now() });
        } catch (error) {
            if (stale()) return;
            this.ctx.lastError = describeError(error);
            this.ctx.log.warn({ err: this.ctx.lastError, channel: this.channelId }, 'genesys channel connect failed');
            this.reconnectSoon('connect-failed');
            return;
        }
        this.armRenewal();
        // The backoff starts over only once the stream is whole again: a re-sync that keeps failing (a missing
        // permission, a long outage) must back off further each time, not reconnect every few seconds forever.
        if (await this.resync(generation)) this.backoff = this.ctx.newBackoff();
    }

    private openSocket(url: string, generation: number): Promise<ChannelSocket> {
        const { clock, config, connectTimeoutMs } = this.ctx.options;
        const current = (): boolean => generation === this.generation && !this.closing;
        return ChannelSocket.open({
            url,
            clock,
            pingIntervalMs: config.pingIntervalMs,
            heartbeatTimeoutMs: config.heartbeatTimeoutMs,
            connectTimeoutMs: connectTimeoutMs ?? 15_000,
            onFrame: (text) => {
                if (generation === this.generation) this.onFrame(text);
            },
            onClosed: () => {
                if (current()) this.reconnectSoon('socket-closed');
            },
            onSilent: (quietMs) => {
                if (!current()) return;
                this.ctx.log.warn({ channel: this.channelId, quietMs }, 'no heartbeat or pong in time; reconnecting');
                this.reconnectSoon('heartbeat-timeout', 0);
            }
        });
    }

    private onFrame(text: string): void {
        const { clock, sink } = this.ctx.options;
        const now = clock.now();
        this.ctx.framesReceived++;
        const frame = mapFrame(text, now);
        this.ctx.metrics.framesIn.inc({ kind: frame.kind });
        switch (frame.kind) {
            case 'adherence':
                this.ctx.lastEventAt = now;
                this.safe(() => sink.observe([frame.observation]));
                return;
            case 'schedule-changed':
                this.ctx.lastEventAt = now;
                this.safe(() => sink.scheduleChanged(frame.managementUnitId));
                return;
            case 'heartbeat':
            case 'pong':
                return;
            case 'socket-closing':
                this.ctx.log.info({ channel: this.channelId }, 'genesys announced socket closing; reconnecting');
                this.reconnectSoon('socket-closing', 0);
                return;
            case 'rejected':
                this.ctx.metrics.framesSkipped.inc({ reason: frame.reason });
                this.ctx.refused.record(frame.reason, frame.topicName);
                return;
        }
    }

    private safe(fn: () => void): void {
        try {
            fn();
        } catch (error) {
            this.ctx.log.error({ err: describeError(error) }, 'adherence sink threw');
        }
    }

    private armRenewal(): void {
        const { clock, config } = this.ctx.options;
        if (this.renewTimer) clock.clearTimeout(this.renewTimer);
        const generation = this.generation;
        const dueIn = Math.max(0, (this.expiresAt ?? clock.now() + DAY_MS) - config.renewBeforeMs - clock.now());
        this.renewTimer = clock.setTimeout(() => {
            this.renewTimer = undefined;
            void this.renew(generation);
        }, dueIn);
    }

    /** Re-subscribing (PUT, same topics) extends the channel by another 24 h. */
    private async renew(generation: number): Promise<void> {
        if (generation !== this.generation || this.closing || !this.channelId) return;
        const { client, clock } = this.ctx.options;
        try {
            const states = await client.subscribe(this.channelId, this.topics, true);
            if (generation !== this.generation) return;
            this.ctx.rejections.record(states);
            this.expiresAt = clock.now() + DAY_MS;
            this.ctx.log.info({ channel: this.channelId }, 'genesys subscriptions renewed');
            this.armRenewal();
        } catch (error) {
            this.ctx.log.warn(
                { err: describeError(error), channel: this.channelId },
                'subscription renewal failed; new channel'
            );
            this.reconnectSoon('renewal-failed', 0);
        }
    }

    /** Re-sync every unit through the REST snapshot; true when all of them were applied. */
    private async resync(generation: number): Promise<boolean> {
        const { client, clock, sink } = this.ctx.options;
        let agents = 0;
        for (const unit of this.units) {
            if (generation !== this.generation || this.closing) return false;
            try {
                const entities = await client.getUnitAdherence(unit);
                if (generation !== this.generation || this.closing) return false;
                const { observations, rejected } = mapSnapshot(entities, unit, clock.now());
                for (const [reason, n] of Object.entries(rejected)) {
                    this.ctx.metrics.framesSkipped.inc({ reason: `snapshot-${reason}` }, n);
                    this.ctx.refused.record(`snapshot-${reason}`, unit);
                }
                agents += observations.length;
                this.safe(() => sink.reconcile(unit, observations));
            } catch (error) {
                this.ctx.lastError = describeError(error);
                this.ctx.log.error(
                    { err: this.ctx.lastError, managementUnitId: unit },
                    'adherence re-sync failed; reconnecting'
                );
                this.reconnectSoon('resync-failed');
                return false;
            }
        }
        this.ctx.lastResyncAt = clock.now();
        this.ctx.emit({
            type: 'resynced',
            channelId: this.channelId ?? '',
            at: clock.now(),
            units: this.units.length,
            agents
        });
        return true;
    }

    /** Tear down the current socket and connect again after `delayMs` (default: next jittered backoff). */
    private reconnectSoon(cause: string, delayMs?: number): void {
        if (this.closing) return;
        const { clock } = this.ctx.options;
        this.generation++;
        this.drop();
        this.ctx.reconnects++;
        this.ctx.metrics.reconnects.inc({ cause });
        this.ctx.emit({ type: 'disconnected', channelId: this.channelId, at: clock.now(), cause });
        const wait = delayMs ?? (this.backoff.next().value as number);
        this.ctx.log.info({ channel: this.channelId, cause, delayMs: wait }, 'genesys stream reconnect scheduled');
        this.retryTimer = clock.setTimeout(() => {
            this.retryTimer = undefined;
            void this.connect();
        }, wait);
    }

    async close(): Promise<void> {
        this.closing = true;
        this.generation++;
        this.drop();
    }

    /** Close the socket and clear every timer. */
    private drop(): void {
        const { clock } = this.ctx.options;
        this.connected = false;
        for (const t of [this.renewTimer, this.retryTimer]) if (t) clock.clearTimeout(t);
        this.renewTimer = this.retryTimer = undefined;
        this.socket?.close();
        this.socket = undefined;
    }
}
