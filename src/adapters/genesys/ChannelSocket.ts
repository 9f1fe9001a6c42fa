import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../../domain/clock';

export interface ChannelSocketOptions {
    url: string;
    clock: Clock;
    /** Send a `ping` after this long without a frame, ms. */
    pingIntervalMs: number;
    /** Give the socket up after this long without a frame (heartbeat or pong), ms. */
    heartbeatTimeoutMs: number;
    /** Open deadline, ms. */
    connectTimeoutMs: number;
    /** Each text frame (binary frames arrive as ''). */
    onFrame(text: string): void;
    /** The socket closed by itself after it had opened. */
    onClosed(): void;
    /** Neither heartbeat nor pong for `heartbeatTimeoutMs`. */
    onSilent(quietMs: number): void;
}

/**
 * One WebSocket of a notification channel, from open to close: an open deadline, every frame counted as a sign of life,
 * a `{"message":"ping"}` when it has been quiet for `pingIntervalMs`, and `onSilent` once quiet for
 * `heartbeatTimeoutMs`. After {@link close} it reports nothing more.
 */
export class ChannelSocket {
    private lastFrameAt: number;
    private lastPingAt: number;
    private watchdog: TimerHandle | undefined;
    private closed = false;

    private constructor(
        private readonly ws: WebSocket,
        private readonly options: ChannelSocketOptions
    ) {
        this.lastFrameAt = this.lastPingAt = options.clock.now();
    }

    /** Open a socket; rejects when it fails or does not open within `connectTimeoutMs`. */
    static open(options: ChannelSocketOptions): Promise<ChannelSocket> {
        const { clock } = options;
        return new Promise<ChannelSocket>((resolve, reject) => {
            const ws = new WebSocket(options.url, { perMessageDeflate: false });
            const socket = new ChannelSocket(ws, options);
            let opened = false;
            const deadline = clock.setTimeout(() => {
                if (opened) return;
                ws.terminate();
                reject(new Error('socket open timed out'));
            }, options.connectTimeoutMs);
            ws.on('open', () => {
                opened = true;
                clock.clearTimeout(deadline);
                socket.lastFrameAt = socket.lastPingAt = clock.now();
                socket.armWatchdog();
                resolve(socket);
            });
            ws.on('message', (data, isBinary) => socket.frame(isBinary ? '' : data.toString()));
            ws.on('error', (error) => {
                if (opened) return;
                clock.clearTimeout(deadline);
                reject(error);
            });
            ws.on('close', () => {
                if (!opened) {
                    clock.clearTimeout(deadline);
                    reject(new Error('socket closed before open'));
                    return;
                }
                if (socket.closed) return;
                socket.stop();
                options.onClosed();
            });
        });
    }

    /** Drop the socket now; no callback follows. */
    close(): void {
        this.stop();
        try {
            this.ws.terminate();
        } catch {
            // already closed
        }
    }

    private stop(): void {
        this.closed = true;
        if (this.watchdog) this.options.clock.clearTimeout(this.watchdog);
        this.watchdog = undefined;
    }

    private frame(text: string): void {
        if (this.closed) return;
        this.lastFrameAt = this.options.clock.now();
        this.options.onFrame(text);
    }

    private armWatchdog(): void {
        const { clock, pingIntervalMs, heartbeatTimeoutMs } = this.options;
        const tickMs = Math.max(100, Math.floor(Math.min(pingIntervalMs, heartbeatTimeoutMs - pingIntervalMs) / 2));
        const tick = (): void => {
            this.watchdog = undefined;
            if (this.closed) return;
            const now = clock.now();
            const quietMs = now - this.lastFrameAt;
            if (quietMs >= heartbeatTimeoutMs) {
                this.options.onSilent(quietMs);
                return;
            }
            if (quietMs >= pingIntervalMs && now - this.lastPingAt >= pingIntervalMs) {
                this.lastPingAt = now;
                this.ws.send(JSON.stringify({ message: 'ping' }));
            }
            this.watchdog = clock.setTimeout(tick, tickMs);
        };
        this.watchdog = clock.setTimeout(tick, tickMs);
    }
}
