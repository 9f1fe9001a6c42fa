import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One line a child process printed, parsed when it is JSON. */
export interface PrintedLine {
    stream: 'stdout' | 'stderr';
    text: string;
    /** The parsed line, `undefined` when the line is not a JSON object. */
    json: Record<string, unknown> | undefined;
}

export interface NodeProcessOptions {
    /** Arguments after `node` (flags, then the script). */
    args: string[];
    /** The whole environment of the child (nothing is inherited unless passed here). */
    env: Record<string, string>;
    cwd?: string;
    /** Prefix of the lines echoed to the test's stderr when `ECHO_CHILDREN=1`; helps when a test fails. */
    label?: string;
}

/**
 * A Node.js child process run by a test: every line it prints is kept (and parsed when JSON), a test can wait for a
 * line, and `stop()` ends it (SIGTERM, then SIGKILL). Waits poll what was printed; their deadlines only stop a broken
 * test from hanging.
 */
export class NodeProcess {
    readonly lines: PrintedLine[] = [];
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    private readonly child: ChildProcess;
    private readonly waiters = new Set<() => void>();

    constructor(options: NodeProcessOptions) {
        this.child = spawn(process.execPath, options.args, {
            cwd: options.cwd,
            env: options.env,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        const echo = process.env.ECHO_CHILDREN === '1';
        for (const stream of ['stdout', 'stderr'] as const) {
            createInterface({ input: this.child[stream]! }).on('line', (text) => {
                if (echo) process.stderr.write(`[${options.label ?? this.child.pid}] ${text}\n`);
                this.lines.push({ stream, text, json: parseObject(text) });
                for (const wake of [...this.waiters]) wake();
            });
        }
        this.exited = new Promise((resolve) => {
            this.child.once('exit', (code, signal) => {
                resolve({ code, signal });
                for (const wake of [...this.waiters]) wake();
            });
        });
    }

    get pid(): number | undefined {
        return this.child.pid;
    }

    /** Whether the process is still running. */
    get running(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    /** The JSON log lines (stdout and stderr). */
    logs(): Array<Record<string, unknown>> {
        return this.lines.flatMap((l) => (l.json ? [l.json] : []));
    }

    /** Resolves with the first JSON line matching `predicate`; rejects when the process exits first or after `ms`. */
    waitForLog(predicate: (line: Record<string, unknown>) => boolean, ms = 20_000): Promise<Record<string, unknown>> {
        return this.waitUntil(() => this.logs().find(predicate), ms, 'log line');
    }

    /** Resolves once `probe` returns something; rejects when the process exits first or after `ms`. */
    waitUntil<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
        return new Promise((resolve, reject) => {
            const check = (): void => {
                const found = probe();
                if (found !== undefined) return done(() => resolve(found));
                if (!this.running)
                    return done(() => reject(new Error(`process exited before ${what}:\n${this.tail()}`)));
            };
            const timer = setTimeout(
                () => done(() => reject(new Error(`no ${what} in ${ms} ms:\n${this.tail()}`))),
                ms
            );
            const done = (settle: () => void): void => {
                clearTimeout(timer);
                this.waiters.delete(check);
                settle();
            };
            this.waiters.add(check);
            check();
        });
    }

    /** Sends a signal (SIGKILL simulates a crash). */
    kill(signal: NodeJS.Signals): void {
        if (this.running) this.child.kill(signal);
    }

    /** SIGTERM, then SIGKILL when it has not exited after `graceMs`; resolves once it has exited. */
    async stop(graceMs = 5_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
        if (this.running) {
            this.child.kill('SIGTERM');
            const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
            await this.exited;
            clearTimeout(timer);
        }
        return this.exited;
    }

    /** The last printed lines, for failure messages. */
    tail(n = 20): string {
        return this.lines
            .slice(-n)
            .map((l) => `${l.stream}: ${l.text}`)
            .join('\n');
    }
}

function parseObject(text: string): Record<string, unknown> | undefined {
    if (!text.startsWith('{')) return undefined;
    try {
        const value: unknown = JSON.parse(text);
        return value && typeof value === 'object' && !Array.isArray(value)
            ? (value as Record<string, unknown>)
            : undefined;
    } catch {
        return undefined;
    }
}
