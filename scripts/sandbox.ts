/**
 * `npm run sandbox`: the whole product on this machine with zero configuration — the Genesys Cloud emulator with a
 * simulated contact center, the bot, and the Microsoft 365 Agents Playground. Settings: docs/sandbox.md.
 * Ctrl-C (SIGINT) or SIGTERM stops everything.
 */
import { parseSandboxConfig } from '../src/sandbox/sandboxConfig';
import { startSandbox } from '../src/sandbox/startSandbox';

async function main(): Promise<void> {
    let config;
    try {
        config = parseSandboxConfig(process.env);
    } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(2);
    }
    console.log('Starting the Adherence Drift Bot sandbox (no Genesys org, Azure bot or Teams tenant needed)...');
    const sandbox = await startSandbox(config, { env: process.env, onLine: (line) => console.log(line) });
    console.log(`Bot logs                ${config.logFile === '-' ? 'stderr' : config.logFile}`);
    console.log('Press Ctrl-C to stop.');
    let stopping = false;
    const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        console.log(`\n${signal}: stopping the Playground, the bot and the emulator...`);
        void sandbox.close().then(() => {
            console.log('Sandbox stopped.');
            process.exit(0);
        });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    void sandbox.playground?.exited.then((code) => {
        if (stopping) return;
        console.error(`The Agents Playground exited unexpectedly (code ${code}); see artifacts/sandbox/playground.log`);
        stop('playground exit');
    });
}

main().catch((error: unknown) => {
    console.error(`Sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
