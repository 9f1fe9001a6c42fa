import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy to `target` that a test can cut: `cut()` destroys every open connection and, until `restore()`,
 * destroys each new one as soon as it is accepted (as a dropped network path looks to a client: connections reset).
 */
export class TcpProxy {
    private server: Server | undefined;
    private readonly open = new Set<Socket>();
    private isCut = false;
    private refusing = false;
    port = 0;

    constructor(private readonly target: { host: string; port: number }) {}

    async start(): Promise<number> {
        this.server = createServer((client) => this.accept(client));
        await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
        this.port = (this.server.address() as AddressInfo).port;
        return this.port;
    }

    /** Drop every connection now and refuse new ones until {@link restore}. */
    cut(): void {
        this.isCut = true;
        for (const socket of this.open) socket.destroy();
        this.open.clear();
    }

    /**
     * Drop every connection and stop listening until {@link restore}: new connections are refused (ECONNREFUSED), as
     * when the server itself is down.
     */
    async refuse(): Promise<void> {
        this.cut();
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
        this.refusing = true;
    }

    restore(): void {
        this.isCut = false;
    }

    /** Listen again on the same port after {@link refuse}, and let connections through. */
    async reopen(): Promise<void> {
        this.restore();
        if (!this.refusing) return;
        this.refusing = false;
        this.server = createServer((client) => this.accept(client));
        await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    }

    /** Connections currently proxied (both sides count once). */
    get connections(): number {
        return this.open.size / 2;
    }

    async stop(): Promise<void> {
        this.cut();
        if (this.refusing) return;
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    private accept(client: Socket): void {
        if (this.isCut) {
            client.destroy();
            return;
        }
        const upstream = connect(this.target.port, this.target.host);
        for (const [from, to] of [
            [client, upstream],
            [upstream, client]
        ] as const) {
            this.open.add(from);
            from.pipe(to);
            from.on('error', () => to.destroy());
            from.on('close', () => {
                this.open.delete(from);
                to.destroy();
            });
        }
    }
}
