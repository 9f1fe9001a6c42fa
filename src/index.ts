import { loadConfig } from './app/config';
import { createApp } from './app/createApp';
import { createLogger, routeConsole } from './app/logger';
import { isConfigError } from './kit/ConfigError';

async function main(): Promise<void> {
    let config;
    try {
        config = loadConfig();
    } catch (error) {
        // Still one JSON line (the problems listed in it), like everything else the process prints.
        const problems = isConfigError(error)
            ? error.problems
            : [error instanceof Error ? error.message : String(error)];
        createLogger().error(
            { problems },
            `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'})`
        );
        process.exit(1);
    }
    // The process's own output: every line JSON through the logger, libraries' console output included.
    const logger = createLogger({ level: config.app.logLevel });
    routeConsole(logger);
    const app = await createApp(config, { logger });
    const stop = (): void => {
        void app.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
}

void main();
