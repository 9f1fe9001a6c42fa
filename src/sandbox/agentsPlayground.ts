import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SandboxError } from './SandboxError';

/** The Microsoft 365 Agents Playground as a child process (`agentsplayground start … -c msteams`). */
export interface RunningPlayground {
    /** The web chat, e.g. `http://localhost:56150`. */
    url: string;
    /** The mocked Bot Connector the bot answers to (`<url>/_connector`). */
    serviceUrl: string;
    pid: number | undefined;
    /** Resolves when the process exits by itself (crash) or after {@link RunningPlayground.close}. */
    exited: Promise<number | null>;
    close(): Promise<void>;
}

export interface PlaygroundOptions {
    port: number;
    /** The bot's messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
    botEndpoint: string;
    /** `.m365agentsplayground.yml` (mock users, team, channels). */
    configPath: string;
    /** Where the Playground writes its own log. */
    logFile: string;
    /** How long to wait for the web chat to answer. @default 60000 */
    startTimeoutMs?: number;
    /** Lines the Playground prints (stdout and stderr), for diagnostics. */
    onOutput?(line: string): void;
}

/** Path of the Playground CLI in node_modules, or a SANDBOX_PLAYGROUND_FAILED error saying how to install it. */
export function playgroundCliPath(): string {
    try {
        const require = createRequire(__filename);
        return path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
    } catch (cause) {
        throw new SandboxError(
            'SANDBOX_PLAYGROUND_FAILED',
            'The Microsoft 365 Agents Playground is not installed: run `npm ci` (it is a devDependency), or set SANDBOX_PLAYGROUND=false',
            { cause }
        );
    }
}

/**
 * Start the Playground on `port` (telemetry off, no browser: `TEAMSAPPTESTER_BROWSER=none`) and wait until its web
 * chat answers. The child is killed by `close()`; a Playground that exits early fails the start with its last output.
 */
export async function startAgentsPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
    const cli = playgroundCliPath();
    const url = `http://localhost:${options.port}`;
    const tail: string[] = [];
    const child: ChildProcess = spawn(
        process.execPath,
        [cli, 'start', '-e', options.botEndpoint, '-c', 'msteams', '-p', String(options.port), '--disable-telemetry'],
        {
            env: {
                PATH: process.env.PATH,
                HOME: process.env.HOME,
                TEAMSAPPTESTER_BROWSER: 'none',
                M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configPath,
                M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile,
                BOT_ENDPOINT: options.botEndpoint
            },
            stdio: ['ignore', 'pipe', 'pipe']
        }
    );
    const onData = (chunk: Buffer): void => {
        for (const line of chunk.toString('utf8').split(/\r?\n/)) {
            if (!line.trim()) continue;
            tail.push(line);
            if (tail.length > 20) tail.shift();
            options.onOutput?.(line);
        }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => {
        child.once('exit', (code) => {
            exitCode = code;
            resolve(code);
        });
        child.once('error', (error) => {
            tail.push(String(error));
            exitCode = -1;
            resolve(-1);
        });
    });

    // Last resort when the orchestrator exits without close() (an uncaught error): never leave the Playground behind.
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    void exited.then(() => process.removeListener('exit', killOnExit));

    const close = async (): Promise<void> => {
        if (exitCode === undefined && child.pid !== undefined) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            timer.unref();
            await exited;
            clearTimeout(timer);
        }
    };

    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    for (;;) {
        if (exitCode !== undefined) {
            throw new SandboxError(
                'SANDBOX_PLAYGROUND_FAILED',
                `The Agents Playground exited (code ${exitCode}) before answering on ${url}:\n${tail.join('\n')}`
            );
        }
        try {
            const res = await fetch(`${url}/`, {
                headers: { connection: 'close' },
                signal: AbortSignal.timeout(2_000)
            });
            await res.arrayBuffer();
            if (res.ok) break;
        } catch {
            // not listening yet
        }
        if (Date.now() > deadline) {
            await close();
            throw new SandboxError(
                'SANDBOX_PLAYGROUND_FAILED',
                `The Agents Playground did not answer on ${url} in time:\n${tail.join('\n')}`
            );
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    return { url, serviceUrl: `${url}/_connector`, pid: child.pid, exited, close };
}
