import { InputRejections } from './InputRejections';
import WebSocket from 'ws';
import type { Clock, Random, TimerHandle } from '../../domain/clock';
import type { Observation } from '../../domain/adherence/types';
import { decorrelatedJitter } from '../../kit/backoff';
import { silentLogger, type Logger } from '../../kit/Logger';
import { isGenesysError } from './errors';
import type { GenesysClient } from './GenesysClient';
import type { GenesysConfig } from './genesysConfig';
import { createGenesysMetrics, type GenesysMetrics } from './genesysMetrics';
import { mapFrame, mapSnapshot, unitAdherenceTopic, unitSchedulesChangedTopic } from './mapping';

/** Where the stream delivers what it learns (the engine implements it). Calls must not throw. */
export interface AdherenceSink {
    /** Live events from the socket, in arrival order. */
    observe(observations: readonly Observation[]): void;
    /** The full current adherence of one unit after a (re)connect: the engine reconciles against its state. */
    reconcile(managementUnitId: string, observations: readonly Observation[]): void;
    /** A schedule republish started in the unit (dampening). */
    scheduleChanged(managementUnitId: string): void;
}

export interface RejectedTopic {
    topic: string;
    reason: string;
    missingPermissions: string[];
}

export interface ChannelStatus {
    id?: string;
    connected: boolean;
    topics: number;
    expiresAt?: number;
}

/** For /readyz. */
export interface AdherenceStreamStatus {
    started: boolean;
    /** Every channel has an open socket. */
    connected: boolean;
    channels: ChannelStatus[];
    managementUnitIds: string[];
    rejectedTopics: RejectedTopic[];
    lastEventAt?: number;
    lastResyncAt?: number;
    reconnects: number;
    /** Frames received since start (any kind). */
    framesReceived: number;
    lastError?: string;
}

/** Lifecycle notifications (benchmarks, tests, logs). */
export type StreamEvent =
    | { type: 'connecting'; at: number }
    | { type: 'connected'; channelId: string; at: number }
    | { type: 'resynced'; channelId: string; at: number; units: number; agents: number }
    | { type: 'disconnected'; channelId?: string; at: number; cause: string };

export interface AdherenceStreamOptions {
    client: Pick<GenesysClient, 'listManagementUnits' | 'createChannel' | 'subscribe' | 'getUnitAdherence'>;
    sink: AdherenceSink;
    config: Pick<
        GenesysConfig,
        | 'managementUnitIds'
        | 'pingIntervalMs'
        | 'heartbeatTimeoutMs'
        | 'renewBeforeMs'
        | 'reconnectInitialMs'
        | 'reconnectMaxMs'
    >;
    clock: Clock;
    random: Random;
    logger?: Logger;
    metrics?: GenesysMetrics;
    /** Genesys limit per channel. @default 1000 */
    maxTopicsPerChannel?: number;
    /** Socket open deadline. @default 15000 */
    connectTimeoutMs?: number;
    onEvent?: (event: StreamEvent) => void;
}

const DAY_MS = 24 * 3_600_000;

/**
 * The Genesys notification loop: channels of at most 1,000 topics (two per unit), one socket each, heartbeat/ping
 * watchdog, `socket_closing`, subscription renewal before the 24 h expiry, jittered reconnects, and a REST re-sync
 * of every unit after each (re)connect because Genesys does not buffer events while a socket is down.
 */
export class AdherenceStream {
    private readonly logger: Logger;
    private readonly metrics: GenesysMetrics;
    private channels: StreamChannel[] = [];
    private started = false;
    private discoveryTimer: TimerHandle | undefined;
    private units: string[] = [];
    readonly rejected = new Map<string, RejectedTopic>();
    lastEventAt: number | undefined;
    lastResyncAt: number | undefined;
    reconnects = 0;
    framesReceived = 0;
    lastError: string | undefined;

    /** Refused frames, counted per kind and logged once per kind. */
    readonly refused: InputRejections;

    constructor(readonly options: AdherenceStreamOptions) {
        this.logger = options.logger ?? silentLogger();
        this.metrics = options.metrics ?? createGenesysMetrics();
        this.refused = new InputRejections(this.logger, 'genesys-stream');
    }

    /**
     * Resolve units, open every channel. Resolves once each channel has connected or scheduled its retry. When the unit
     * list cannot be read, start() still resolves: discovery is retried in the background with jittered backoff and
     * `status().lastError` says why.
     */
    async start(): Promise<void> {
        if (this.started) return;
        this.started = true;
        await this.discover(
            decorrelatedJitter(
                { initialMs: this.options.config.reconnectInitialMs, maxMs: this.options.config.reconnectMaxMs },
                this.options.random
            )
        );
    }

    private async discover(backoff: Iterator<number>): Promise<void> {
        const configured = this.options.config.managementUnitIds;
        try {
            if (configured.length > 0) this.units = [...configured];
            else {
                const units = await this.options.client.listManagementUnits();
                this.units = units.map((u) => u.id).filter((id): id is string => typeof id === 'string');
            }
        } catch (error) {
            if (!this.started) return;
            this.lastError = describe(error);
            const delayMs = backoff.next().value as number;
            this.logger.error({ err: this.lastError, delayMs }, 'cannot list Genesys management units; retrying');
            this.discoveryTimer = this.options.clock.setTimeout(() => {
                this.discoveryTimer = undefined;
                void this.discover(backoff);
            }, delayMs);
            return;
        }
        if (!this.started) return;
        if (this.units.length === 0) {
            this.lastError = 'no management unit with real-time adherence';
            this.logger.warn({}, 'no Genesys management unit to watch (none configured, none with RealTimeAdherence)');
            return;
        }
        const perChannel = Math.max(1, Math.floor((this.options.maxTopicsPerChannel ?? 1000) / 2));
        this.channels = [];
        for (let i = 0; i < this.units.length; i += perChannel) {
            this.channels.push(new StreamChannel(this, this.units.slice(i, i + perChannel)));
        }
        this.logger.info({ units: this.units.length, channels: this.channels.length }, 'genesys stream starting');
        await Promise.all(this.channels.map((c) => c.connect()));
    }

    async stop(): Promise<void> {
        this.started = false;
        if (this.discoveryTimer) this.options.clock.clearTimeout(this.discoveryTimer);
        this.discoveryTimer = undefined;
        await Promise.all(this.channels.map((c) => c.close()));
    }

    status(): AdherenceStreamStatus {
        return {
            started: this.started,
            connected: this.channels.length > 0 && this.channels.every((c) => c.isConnected),
            channels: this.channels.map((c) => c.status()),
            managementUnitIds: [...this.units],
            rejectedTopics: [...this.rejected.values()],
            lastEventAt: this.lastEventAt,
            lastResyncAt: this.lastResyncAt,
            reconnects: this.reconnects,
            framesReceived: this.framesReceived,
            lastError: this.lastError
        };
    }

    /** Drop every socket now as if the network failed (operations, tests). The stream reconnects and re-syncs. */
    forceReconnect(cause = 'forced'): void {
        for (const c of this.channels) c.reconnectSoon(cause, 0);
    }

    get isStarted(): boolean {
        return this.started;
    }

    /** @internal */
    get log(): Logger {
        return this.logger;
    }

    /** @internal */
    get counters(): GenesysMetrics {
        return this.metrics;
    }

    /** @internal */
    emit(event: StreamEvent): void {
        try {
            this.options.onEvent?.(event);
        } catch (error) {
            this.logger.warn({ err: error }, 'stream event listener failed');
        }
    }
}

class StreamChannel {
    private socket: WebSocket | undefined;
    private channelId: string | undefined;
    private expiresAt: number | undefined;
    private connected = false;
    private closing = false;
    private generation = 0;
    private lastFrameAt = 0;
    private lastPingAt = 0;
    private watchdog: TimerHandle | undefined;
    private renewTimer: TimerHandle | undefined;
    private retryTimer: TimerHandle | undefined;
    private backoff: Iterator<number>;
    private readonly topics: string[];

    constructor(
        private readonly stream: AdherenceStream,
        private readonly units: string[]
    ) {
        this.topics = units.flatMap((u) => [unitAdherenceTopic(u), unitSchedulesChangedTopic(u)]);
        this.backoff = this.newBackoff();
    }

    get isConnected(): boolean {
        return this.connected;
    }

    status(): ChannelStatus {
        return { id: this.channelId, connected: this.connected, topics: this.topics.length, expiresAt: this.expiresAt };
    }

    private get o(): AdherenceStreamOptions {
        return this.stream.options;
    }

    private newBackoff(): Iterator<number> {
        return decorrelatedJitter(
            { initialMs: this.o.config.reconnectInitialMs, maxMs: this.o.config.reconnectMaxMs },
            this.o.random
        );
    }

    /** Create a channel, subscribe, open the socket, then re-sync. Failures schedule a jittered retry. */
    async connect(): Promise<void> {
        if (this.closing) return;
        const generation = ++this.generation;
        const clock = this.o.clock;
        this.stream.emit({ type: 'connecting', at: clock.now() });
        try {
            const channel = await this.o.client.createChannel();
            if (generation !== this.generation || this.closing) return;
            const states = await this.o.client.subscribe(channel.id!, this.topics);
            this.recordRejections(states);
            this.channelId = channel.id;
            const parsedExpiry = channel.expires ? Date.parse(channel.expires) : Number.NaN;
            this.expiresAt = Number.isFinite(parsedExpiry) ? parsedExpiry : clock.now() + DAY_MS;
            await this.openSocket(channel.connectUri!, generation);
        } catch (error) {
            if (generation !== this.generation || this.closing) return;
            this.stream.lastError = describe(error);
            this.stream.log.warn({ err: describe(error), channel: this.channelId }, 'genesys channel connect failed');
            this.reconnectSoon('connect-failed');
            return;
        }
        if (generation !== this.generation || this.closing) return;
        this.armRenewal();
        // The backoff starts over only once the stream is whole again: a re-sync that keeps failing (a missing
        // permission, a long outage) must back off further each time, not reconnect every few seconds forever.
        if (await this.resync(generation)) this.backoff = this.newBackoff();
    }

    private recordRejections(
        states: ReadonlyArray<{ id?: string; state?: string; rejectionReason?: string; missingPermissions?: string[] }>
    ): void {
        for (const t of states) {
            if (!t.id) continue;
            if (t.state === 'Rejected') {
                const entry: RejectedTopic = {
                    topic: t.id,
                    reason: t.rejectionReason ?? 'Rejected',
                    missingPermissions: t.missingPermissions ?? []
                };
                if (!this.stream.rejected.has(t.id)) {
                    this.stream.log.error(
                        { topic: t.id, reason: entry.reason, missingPermissions: entry.missingPermissions },
                        `genesys refused subscription to ${t.id}: ${entry.reason}` +
                            (entry.missingPermissions.length
                                ? ` (missing permissions: ${entry.missingPermissions.join(', ')})`
                                : '')
                    );
                }
                this.stream.rejected.set(t.id, entry);
            } else {
                this.stream.rejected.delete(t.id);
            }
        }
    }

    private openSocket(url: string, generation: number): Promise<void> {
        const clock = this.o.clock;
        return new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(url, { perMessageDeflate: false });
            this.socket = ws;
            let opened = false;
            const deadline = clock.setTimeout(() => {
                if (!opened) {
                    ws.terminate();
                    reject(new Error('socket open timed out'));
                }
            }, this.o.connectTimeoutMs ?? 15_000);
            ws.on('open', () => {
                opened = true;
                clock.clearTimeout(deadline);
                if (generation !== this.generation || this.closing) {
                    ws.close();
                    return resolve();
                }
                this.connected = true;
                this.lastFrameAt = clock.now();
                this.lastPingAt = clock.now();
                this.armWatchdog(generation);
                this.stream.log.info(
                    { channel: this.channelId, topics: this.topics.length },
                    'genesys socket connected'
                );
                this.stream.emit({ type: 'connected', channelId: this.channelId!, at: clock.now() });
                resolve();
            });
            ws.on('message', (data, isBinary) => {
                if (generation !== this.generation) return;
                this.onFrame(isBinary ? '' : data.toString());
            });
            ws.on('error', (error) => {
                if (!opened) {
                    clock.clearTimeout(deadline);
                    reject(error);
                }
            });
            ws.on('close', () => {
                if (!opened) {
                    clock.clearTimeout(deadline);
                    reject(new Error('socket closed before open'));
                    return;
                }
                if (generation !== this.generation || this.closing) return;
                this.connected = false;
                this.reconnectSoon('socket-closed');
            });
        });
    }

    private onFrame(text: string): void {
        const clock = this.o.clock;
        const now = clock.now();
        this.lastFrameAt = now;
        this.stream.framesReceived++;
        const frame = mapFrame(text, now);
        const m = this.stream.counters;
        m.framesIn.inc({ kind: frame.kind });
        switch (frame.kind) {
            case 'adherence':
                this.stream.lastEventAt = now;
                this.safe(() => this.o.sink.observe([frame.observation]));
                return;
            case 'schedule-changed':
                this.stream.lastEventAt = now;
                this.safe(() => this.o.sink.scheduleChanged(frame.managementUnitId));
                return;
            case 'heartbeat':
            case 'pong':
                return;
            case 'socket-closing':
                this.stream.log.info({ channel: this.channelId }, 'genesys announced socket closing; reconnecting');
                this.reconnectSoon('socket-closing', 0);
                return;
            case 'rejected':
                m.framesSkipped.inc({ reason: frame.reason });
                this.stream.refused.record(frame.reason, frame.topicName);
                return;
        }
    }

    private safe(fn: () => void): void {
        try {
            fn();
        } catch (error) {
            this.stream.log.error({ err: describe(error) }, 'adherence sink threw');
        }
    }

    private armWatchdog(generation: number): void {
        const clock = this.o.clock;
        const { pingIntervalMs, heartbeatTimeoutMs } = this.o.config;
        const tickMs = Math.max(100, Math.floor(Math.min(pingIntervalMs, heartbeatTimeoutMs - pingIntervalMs) / 2));
        const tick = (): void => {
            this.watchdog = undefined;
            if (generation !== this.generation || !this.connected) return;
            const now = clock.now();
            const quietMs = now - this.lastFrameAt;
            if (quietMs >= heartbeatTimeoutMs) {
                this.stream.log.warn(
                    { channel: this.channelId, quietMs },
                    'no heartbeat or pong in time; reconnecting'
                );
                this.reconnectSoon('heartbeat-timeout', 0);
                return;
            }
            if (quietMs >= pingIntervalMs && now - this.lastPingAt >= pingIntervalMs) {
                this.lastPingAt = now;
                this.socket?.send(JSON.stringify({ message: 'ping' }));
            }
            this.watchdog = clock.setTimeout(tick, tickMs);
        };
        this.watchdog = clock.setTimeout(tick, tickMs);
    }

    private armRenewal(): void {
        const clock = this.o.clock;
        if (this.renewTimer) clock.clearTimeout(this.renewTimer);
        const generation = this.generation;
        const dueIn = Math.max(0, (this.expiresAt ?? clock.now() + DAY_MS) - this.o.config.renewBeforeMs - clock.now());
        this.renewTimer = clock.setTimeout(() => {
            this.renewTimer = undefined;
            void this.renew(generation);
        }, dueIn);
    }

    /** Re-subscribing (PUT, same topics) extends the channel by another 24 h. */
    private async renew(generation: number): Promise<void> {
        if (generation !== this.generation || this.closing || !this.channelId) return;
        try {
            const states = await this.o.client.subscribe(this.channelId, this.topics, true);
            if (generation !== this.generation) return;
            this.recordRejections(states);
            this.expiresAt = this.o.clock.now() + DAY_MS;
            this.stream.log.info({ channel: this.channelId }, 'genesys subscriptions renewed');
            this.armRenewal();
        } catch (error) {
            this.stream.log.warn(
                { err: describe(error), channel: this.channelId },
                'subscription renewal failed; new channel'
            );
            this.reconnectSoon('renewal-failed', 0);
        }
    }

    /** Re-sync every unit through the REST snapshot; true when all of them were applied. */
    private async resync(generation: number): Promise<boolean> {
        const clock = this.o.clock;
        let agents = 0;
        for (const unit of this.units) {
            if (generation !== this.generation || this.closing) return false;
            try {
                const entities = await this.o.client.getUnitAdherence(unit);
                if (generation !== this.generation || this.closing) return false;
                const { observations, rejected } = mapSnapshot(entities, unit, clock.now());
                for (const [reason, n] of Object.entries(rejected)) {
                    this.stream.counters.framesSkipped.inc({ reason: `snapshot-${reason}` }, n);
                    this.stream.refused.record(`snapshot-${reason}`, unit);
                }
                agents += observations.length;
                this.safe(() => this.o.sink.reconcile(unit, observations));
            } catch (error) {
                this.stream.lastError = describe(error);
                this.stream.log.error(
                    { err: describe(error), managementUnitId: unit },
                    'adherence re-sync failed; reconnecting'
                );
                this.reconnectSoon('resync-failed');
                return false;
            }
        }
        this.stream.lastResyncAt = clock.now();
        this.stream.emit({
            type: 'resynced',
            channelId: this.channelId ?? '',
            at: clock.now(),
            units: this.units.length,
            agents
        });
        return true;
    }

    /** Tear down the current socket and connect again after `delayMs` (default: next jittered backoff). */
    reconnectSoon(cause: string, delayMs?: number): void {
        if (this.closing) return;
        const clock = this.o.clock;
        this.generation++;
        this.connected = false;
        this.clearTimers();
        const old = this.socket;
        this.socket = undefined;
        if (old) terminate(old);
        this.stream.reconnects++;
        this.stream.counters.reconnects.inc({ cause });
        this.stream.emit({ type: 'disconnected', channelId: this.channelId, at: clock.now(), cause });
        const wait = delayMs ?? (this.backoff.next().value as number);
        this.stream.log.info({ channel: this.channelId, cause, delayMs: wait }, 'genesys stream reconnect scheduled');
        this.retryTimer = clock.setTimeout(() => {
            this.retryTimer = undefined;
            void this.connect();
        }, wait);
    }

    private clearTimers(): void {
        const clock = this.o.clock;
        for (const t of [this.watchdog, this.renewTimer, this.retryTimer]) if (t) clock.clearTimeout(t);
        this.watchdog = this.renewTimer = this.retryTimer = undefined;
    }

    async close(): Promise<void> {
        this.closing = true;
        this.generation++;
        this.connected = false;
        this.clearTimers();
        const ws = this.socket;
        this.socket = undefined;
        if (ws) terminate(ws);
    }
}

function terminate(ws: WebSocket): void {
    try {
        ws.terminate();
    } catch {
        // already closed
    }
}

function describe(error: unknown): string {
    if (isGenesysError(error)) return `${error.code}: ${error.message}`;
    return error instanceof Error ? error.message : String(error);
}
