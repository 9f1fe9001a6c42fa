import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../../domain/clock';
import type { EmulatorTimers } from '../EmulatorTimers';
import type { ChannelRegistry, NotificationChannel } from './ChannelRegistry';

const OPEN = 1;

/**
 * The channels' WebSockets (`/channels/{id}`): one socket per channel (a second connection replaces the first),
 * `ping` answered with `pong`, heartbeats, expired channels closed, and events published to every live channel
 * subscribed to their topic.
 */
export class ChannelSockets {
    private readonly wss = new WebSocketServer({ noServer: true });
    private silenced = false;
    private sent = 0;

    constructor(
        private readonly registry: ChannelRegistry,
        private readonly clock: Clock,
        private readonly timers: EmulatorTimers,
        /** Draws a fresh id (event correlation ids). */
        private readonly newId: () => string
    ) {}

    /** Frames sent on topics (heartbeats, pongs and raw frames excluded). */
    get framesSent(): number {
        return this.sent;
    }

    /** The HTTP server's `upgrade` listener: 404 unless the path names a live channel. */
    readonly upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
        const m = /^\/channels\/([^/?]+)/.exec(req.url ?? '');
        const channel = m ? this.registry.live(m[1]) : undefined;
        if (!channel) {
            socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
            return;
        }
        this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(channel, ws));
    };

    /** Send an event on `topic` to every live channel subscribed to it. */
    publish(topic: string, eventBody: unknown): void {
        const text = JSON.stringify({
            topicName: topic,
            version: '2',
            eventBody,
            metadata: { CorrelationId: this.newId() }
        });
        const now = this.clock.now();
        for (const channel of this.registry.all()) {
            // An expired channel carries nothing any more, even while its socket is still open.
            if (channel.expiresAt <= now) continue;
            if (channel.socket && channel.topics.has(topic) && channel.socket.readyState === OPEN) {
                channel.socket.send(text);
                this.sent++;
            }
        }
    }

    /** Send a raw text frame on every open socket. */
    broadcast(text: string): void {
        for (const socket of this.openSocketList()) socket.send(text);
    }

    /** One heartbeat period: close the sockets of expired channels, then send the heartbeat (unless silenced). */
    heartbeat(): void {
        for (const channel of this.registry.all()) {
            if (channel.expiresAt <= this.clock.now() && channel.socket && channel.socket.readyState === OPEN)
                channel.socket.close(1000, 'expired');
        }
        if (!this.silenced) {
            this.broadcast(
                JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } })
            );
        }
    }

    /** Stop (true) or resume heartbeats and pong replies. */
    silence(on: boolean): void {
        this.silenced = on;
    }

    /** Close every socket abruptly (network drop). */
    dropAll(): void {
        for (const channel of this.registry.all()) channel.socket?.terminate();
    }

    /** Send `v2.system.socket_closing` on every socket and terminate them after `graceMs` on the clock. */
    socketClosing(graceMs: number): void {
        const text = JSON.stringify({
            topicName: 'v2.system.socket_closing',
            eventBody: { message: 'Socket closing' }
        });
        const sockets = [...this.registry.all()].map((c) => c.socket).filter((s): s is WebSocket => s !== undefined);
        for (const s of sockets) s.send(text);
        this.timers.later(() => sockets.forEach((s) => s.terminate()), graceMs);
    }

    /** Sockets currently open. */
    openSockets(): number {
        return this.openSocketList().length;
    }

    close(): void {
        for (const c of this.wss.clients) c.terminate();
        this.wss.close();
    }

    private openSocketList(): WebSocket[] {
        const open: WebSocket[] = [];
        for (const channel of this.registry.all()) if (channel.socket?.readyState === OPEN) open.push(channel.socket);
        return open;
    }

    private attach(channel: NotificationChannel, ws: WebSocket): void {
        const previous = channel.socket;
        channel.socket = ws;
        if (previous) previous.terminate();
        ws.on('message', (data) => {
            let msg: unknown;
            try {
                msg = JSON.parse(data.toString());
            } catch {
                return;
            }
            if ((msg as { message?: unknown })?.message === 'ping' && !this.silenced) {
                ws.send(JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }));
            }
        });
        ws.on('close', () => {
            if (channel.socket === ws) channel.socket = undefined;
        });
    }
}
