import { loadConfig } from './app/config';
import { createApp } from './app/createApp';
import { createLogger, routeConsole } from './app/logger';

async function main(): Promise<void> {
    let config;
    try {
        config = loadConfig();
    } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
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
