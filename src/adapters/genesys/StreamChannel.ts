import type { TimerHandle } from '../../domain/clock';
import { ChannelSocket } from './ChannelSocket';
import { dispatchFrame } from './dispatchFrame';
import { describeError, isGenesysError } from './errors';
import type { ChannelTopic } from './GenesysClient';
import { unitAdherenceTopic, unitSchedulesChangedTopic } from './mapping';
import { resyncUnits } from './resyncUnits';
import type { StreamContext } from './StreamContext';
import type { ChannelStatus } from './streamTypes';
import { UnitRefusals } from './UnitRefusals';

const DAY_MS = 24 * 3_600_000;

/**
 * One notification channel of the stream and its units: create, subscribe (per-topic answers), open the socket,
 * re-sync every permitted unit through REST, renew the subscriptions before the 24 h expiry, and reconnect with
 * jittered backoff when the channel or its socket fails.
 *
 * Refusals are not failures: a unit whose adherence topic (or snapshot) the role may not read is reported once and
 * asked for again every `refusedRetryMs` on the same channel; with every unit refused no socket is opened at all. A
 * renewal that fails keeps a working channel and is retried until the channel expires. Every connection attempt has a
 * generation; work of an older generation is dropped on arrival.
 */
export class StreamChannel {
    private socket: ChannelSocket | undefined;
    private channelId: string | undefined;
    private connectUri: string | undefined;
    /** Epoch ms. */
    private expiresAt: number | undefined;
    private connected = false;
    private closing = false;
    private generation = 0;
    private renewTimer: TimerHandle | undefined;
    private retryTimer: TimerHandle | undefined;
    private refusedTimer: TimerHandle | undefined;
    private backoff: Iterator<number>;
    private renewBackoff: Iterator<number>;
    private readonly topics: string[];
    private readonly refusals: UnitRefusals;
    /** Units re-synced on the current socket. */
    private readonly synced = new Set<string>();

    constructor(
        private readonly ctx: StreamContext,
        private readonly units: string[]
    ) {
        this.topics = units.flatMap((u) => [unitAdherenceTopic(u), unitSchedulesChangedTopic(u)]);
        this.backoff = ctx.newBackoff();
        this.renewBackoff = ctx.newBackoff();
        this.refusals = new UnitRefusals(ctx, units);
    }

    get isConnected(): boolean {
        return this.connected;
    }

    status(): ChannelStatus {
        return { id: this.channelId, connected: this.connected, topics: this.topics.length, expiresAt: this.expiresAt };
    }

    /** Create a channel and subscribe, then stream what is permitted. Failures schedule a jittered reconnect. */
    async connect(): Promise<void> {
        if (this.closing) return;
        const generation = ++this.generation;
        const { client, clock } = this.ctx.options;
        this.ctx.emit({ type: 'connecting', at: clock.now() });
        try {
            const channel = await client.createChannel();
            if (!this.current(generation)) return;
            this.channelId = channel.id;
            this.connectUri = channel.connectUri;
            const parsedExpiry = channel.expires ? Date.parse(channel.expires) : Number.NaN;
            this.expiresAt = Number.isFinite(parsedExpiry) ? parsedExpiry : clock.now() + DAY_MS;
            const verdicts = await client.subscribe(channel.id!, this.topics);
            if (!this.current(generation)) return;
            this.refusals.takeVerdicts(verdicts);
        } catch (error) {
            if (this.current(generation)) this.connectFailed(error);
            return;
        }
        this.armRenewal();
        await this.stream(generation);
    }

    /** Stream the permitted units: open the socket if need be, then re-sync the units not yet re-synced on it. */
    private async stream(generation: number): Promise<void> {
        const permitted = this.refusals.permitted();
        if (this.refusals.any) this.armRefusedRetry();
        if (permitted.length === 0) {
            // Every unit refused: no socket (it would carry nothing); asked for again every `refusedRetryMs`.
            this.socket?.close();
            this.socket = undefined;
            this.connected = false;
            return this.refusals.parked(this.channelId);
        }
        if (!this.socket) {
            try {
                const socket = await this.openSocket(this.connectUri!, generation);
                if (!this.current(generation)) return socket.close();
                this.socket = socket;
            } catch (error) {
                if (this.current(generation)) this.connectFailed(error);
                return;
            }
            this.connected = true;
            this.synced.clear();
            this.ctx.log.info({ channel: this.channelId, topics: this.topics.length }, 'genesys socket connected');
            this.ctx.emit({ type: 'connected', channelId: this.channelId!, at: this.ctx.options.clock.now() });
        }
        // The backoff starts over only once the stream is whole again: a re-sync that keeps failing (a long outage)
        // must back off further each time, not reconnect every few seconds forever.
        if (!(await this.resync(generation, permitted))) return;
        this.backoff = this.ctx.newBackoff();
        if (!this.refusals.any) this.ctx.lastError = undefined;
    }

    private openSocket(url: string, generation: number): Promise<ChannelSocket> {
        const { clock, config, connectTimeoutMs } = this.ctx.options;
        return ChannelSocket.open({
            url,
            clock,
            pingIntervalMs: config.pingIntervalMs,
            heartbeatTimeoutMs: config.heartbeatTimeoutMs,
            connectTimeoutMs: connectTimeoutMs ?? 15_000,
            onFrame: (text) => {
                if (generation !== this.generation || dispatchFrame(this.ctx, text) !== 'socket-closing') return;
                this.ctx.log.info({ channel: this.channelId }, 'genesys announced socket closing; reconnecting');
                this.reconnectSoon('socket-closing', 0);
            },
            onClosed: () => {
                if (this.current(generation)) this.reconnectSoon('socket-closed');
            },
            onSilent: (quietMs) => {
                if (!this.current(generation)) return;
                this.ctx.log.warn({ channel: this.channelId, quietMs }, 'no heartbeat or pong in time; reconnecting');
                this.reconnectSoon('heartbeat-timeout', 0);
            }
        });
    }

    private armRenewal(delayMs?: number): void {
        const { clock, config } = this.ctx.options;
        if (this.renewTimer) clock.clearTimeout(this.renewTimer);
        const generation = this.generation;
        const dueIn =
            delayMs ?? Math.max(0, (this.expiresAt ?? clock.now() + DAY_MS) - config.renewBeforeMs - clock.now());
        this.renewTimer = clock.setTimeout(() => {
            this.renewTimer = undefined;
            void this.resubscribe(generation, 'renewal');
        }, dueIn);
    }

    private armRefusedRetry(): void {
        if (this.refusedTimer) return;
        const generation = this.generation;
        this.refusedTimer = this.ctx.options.clock.setTimeout(() => {
            this.refusedTimer = undefined;
            void this.resubscribe(generation, 'refused');
        }, this.refusals.retryMs);
    }

    /**
     * Re-subscribe the same topics on the same channel (PUT): it extends the channel by another 24 h and asks again for
     * refused topics. A channel Genesys no longer knows is replaced at once; any other failure keeps the channel (and
     * its socket) and tries again with backoff until the channel expires.
     */
    private async resubscribe(generation: number, why: 'renewal' | 'refused'): Promise<void> {
        if (!this.current(generation) || !this.channelId) return;
        const { client, clock } = this.ctx.options;
        let verdicts: ChannelTopic[];
        try {
            verdicts = await client.subscribe(this.channelId, this.topics, true);
        } catch (error) {
            if (!this.current(generation)) return;
            const leftMs = (this.expiresAt ?? 0) - clock.now();
            const gone = isGenesysError(error) && error.code === 'GENESYS_NOT_FOUND';
            if (gone || leftMs <= 0) {
                this.ctx.log.warn({ err: describeError(error), channel: this.channelId }, 'channel lost; new channel');
                this.reconnectSoon(gone ? 'channel-gone' : 'renewal-failed', 0);
                return;
            }
            const delayMs = Math.min(this.renewBackoff.next().value as number, leftMs);
            this.ctx.log.warn(
                { err: describeError(error), channel: this.channelId, delayMs },
                'subscription renewal failed; keeping the channel and trying again'
            );
            this.armRenewal(delayMs);
            return;
        }
        if (!this.current(generation)) return;
        this.renewBackoff = this.ctx.newBackoff();
        this.expiresAt = clock.now() + DAY_MS;
        this.refusals.takeVerdicts(verdicts);
        this.ctx.log.info({ channel: this.channelId, why }, 'genesys subscriptions renewed');
        this.armRenewal();
        await this.stream(generation);
    }

    /**
     * Re-sync the permitted units not yet re-synced on this socket; true when all of them were applied. A refused
     * snapshot (403) refuses its unit until the next slow retry; any other failure reconnects with backoff.
     */
    private async resync(generation: number, permitted: readonly string[]): Promise<boolean> {
        const { clock } = this.ctx.options;
        const todo = permitted.filter((u) => !this.synced.has(u));
        if (todo.length === 0) return true;
        const outcome = await resyncUnits(this.ctx, todo, () => this.current(generation));
        if (outcome.stale) return false;
        for (const unit of outcome.synced) this.synced.add(unit);
        for (const unit of outcome.forbidden) this.refusals.refuseSnapshot(unit);
        if (outcome.forbidden.length > 0) this.armRefusedRetry();
        if (outcome.failed) {
            this.ctx.lastError = describeError(outcome.failed.error);
            this.ctx.log.error(
                { err: this.ctx.lastError, managementUnitId: outcome.failed.unit },
                'adherence re-sync failed; reconnecting'
            );
            this.reconnectSoon('resync-failed');
            return false;
        }
        if (outcome.synced.length > 0) {
            this.ctx.lastResyncAt = clock.now();
            this.ctx.emit({
                type: 'resynced',
                channelId: this.channelId ?? '',
                at: clock.now(),
                units: outcome.synced.length,
                agents: outcome.agents
            });
        }
        return outcome.forbidden.length === 0;
    }

    private connectFailed(error: unknown): void {
        this.ctx.lastError = describeError(error);
        this.ctx.log.warn({ err: this.ctx.lastError, channel: this.channelId }, 'genesys channel connect failed');
        this.reconnectSoon('connect-failed');
    }

    private current(generation: number): boolean {
        return generation === this.generation && !this.closing;
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
        for (const t of [this.renewTimer, this.retryTimer, this.refusedTimer]) if (t) clock.clearTimeout(t);
        this.renewTimer = this.retryTimer = this.refusedTimer = undefined;
        this.socket?.close();
        this.socket = undefined;
    }
}
