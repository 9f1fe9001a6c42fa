import { loadConfig } from './app/config';
import { createApp } from './app/createApp';

async function main(): Promise<void> {
    let config;
    try {
        config = loadConfig();
    } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(1);
    }
    const app = await createApp(config);
    const stop = (): void => {
        void app.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
}

void main();
