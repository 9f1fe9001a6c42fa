import type { RunningEmulator } from '../../src/emulator/GenesysEmulator';

/**
 * The `GENESYS_*` variables that point the app at `emulator`. The clock of the tests is fake and not driven during
 * start-up: a budget whose one-second burst covers start-up and the look-ups.
 */
export function genesysEnv(emulator: RunningEmulator): Record<string, string> {
    return {
        GENESYS_API_URL: emulator.url,
        GENESYS_LOGIN_URL: emulator.loginUrl,
        GENESYS_CLIENT_ID: emulator.clientId,
        GENESYS_CLIENT_SECRET: emulator.clientSecret,
        GENESYS_REQUESTS_PER_MINUTE: '6000'
    };
}

/** No ping and no heartbeat timeout within a day: for tests that move a fake clock without driving the socket. */
export const QUIET_SOCKET_ENV: Readonly<Record<string, string>> = {
    GENESYS_PING_INTERVAL_MS: String(24 * 3_600_000),
    GENESYS_HEARTBEAT_TIMEOUT_MS: String(48 * 3_600_000)
};
