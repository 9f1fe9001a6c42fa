import { SandboxError } from './SandboxError';

type Env = Record<string, string | undefined>;

/**
 * Settings of `npm run sandbox`, parsed by {@link parseSandboxConfig}. Every field has a default: the sandbox runs with
 * no configuration at all. Durations are milliseconds (the env vars take seconds, fractions allowed).
 */
export interface SandboxConfig {
    /** `SANDBOX_BOT_PORT`: the bot's `/api/messages`; 0 = any free port. @default 3978 */
    readonly botPort: number;
    /** `SANDBOX_EMULATOR_PORT`: the Genesys Cloud emulator; 0 = any free port. @default 9090 */
    readonly emulatorPort: number;
    /** `SANDBOX_PLAYGROUND_PORT`: the Agents Playground web chat; 0 = any free port. @default 56150 */
    readonly playgroundPort: number;
    /** `SANDBOX_PLAYGROUND`: start the Microsoft 365 Agents Playground. @default true */
    readonly playground: boolean;
    /** `SANDBOX_SEED`: seed of every simulated id, name, schedule and choice. @default 1 */
    readonly seed: number;
    /** `SANDBOX_UNITS`: management units. @default 2 */
    readonly units: number;
    /** `SANDBOX_AGENTS_PER_UNIT`. @default 25 */
    readonly agentsPerUnit: number;
    /** `SANDBOX_SIMULATE`: agents follow their schedules, take breaks, drift now and then. @default true */
    readonly simulate: boolean;
    /** `SANDBOX_DRIFT_PER_HOUR`: spontaneous drifts per agent per hour. @default 0.5 */
    readonly driftPerAgentPerHour: number;
    /** `SANDBOX_LATE_PROBABILITY`: chance an agent is 4–20 min late at a schedule change. @default 0.1 */
    readonly lateProbability: number;
    /** `SANDBOX_NUDGE_AFTER_S`: private nudge after this long out of adherence. @default 45 s */
    readonly nudgeAfterMs: number;
    /** `SANDBOX_ALERT_AFTER_S`: supervisor alert. @default 90 s */
    readonly alertAfterMs: number;
    /** `SANDBOX_EXCEPTION_AFTER_S`: formal exception. @default 150 s */
    readonly exceptionAfterMs: number;
    /** `SANDBOX_DAMPEN_WINDOW_S`: schedule-republish buffer. @default 20 s */
    readonly dampenWindowMs: number;
    /**
     * `SANDBOX_SCENARIO_DELAY_S`: the scripted drift (your agent and a teammate go Away) starts this long after the
     * Playground user first talks to the bot. @default 10 s
     */
    readonly scenarioDelayMs: number;
    /** `SANDBOX_SCENARIO_RETURN_S`: your agent goes back on queue this long after drifting; 0 = stays away. @default 180 s */
    readonly scenarioReturnMs: number;
    /** `SANDBOX_SCENARIO_REPEAT_S`: run the scripted drift again this long after it started; 0 = once. @default 600 s */
    readonly scenarioRepeatMs: number;
    /** `SANDBOX_REPUBLISH_AFTER_S`: one schedule republish burst in the second unit after start; 0 = none. @default 60 s */
    readonly republishAfterMs: number;
    /** `SANDBOX_SIMULATION_TICK_MS`: simulation step. @default 1000 */
    readonly simulationTickMs: number;
    /** `LOG_LEVEL` of the bot's JSON logs. @default 'info' */
    readonly logLevel: string;
    /** `SANDBOX_LOG_FILE`: the bot's JSON logs (relative paths from the repository root); `-` = stderr. @default artifacts/sandbox/bot.log */
    readonly logFile: string;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Parse the sandbox settings from an environment record (pure: the caller passes `process.env`). Returns a frozen
 * config, or throws one {@link SandboxError} (`SANDBOX_CONFIG_INVALID`) listing every problem.
 */
export function parseSandboxConfig(env: Env): SandboxConfig {
    const problems: string[] = [];
    const text = (name: string): string | undefined => {
        const v = env[name]?.trim();
        return v === undefined || v === '' ? undefined : v;
    };
    const port = (name: string, def: number): number => {
        const v = text(name);
        if (v === undefined) return def;
        if (!/^\d+$/.test(v) || Number(v) > 65535) {
            problems.push(`${name} must be a port number 0-65535 (got "${v}")`);
            return def;
        }
        return Number(v);
    };
    const int = (name: string, def: number, min: number, max: number): number => {
        const v = text(name);
        if (v === undefined) return def;
        if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
            problems.push(`${name} must be a whole number between ${min} and ${max} (got "${v}")`);
            return def;
        }
        return Number(v);
    };
    const num = (name: string, def: number, min: number, max: number): number => {
        const v = text(name);
        if (v === undefined) return def;
        const n = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || n < min || n > max) {
            problems.push(`${name} must be a number between ${min} and ${max} (got "${v}")`);
            return def;
        }
        return n;
    };
    const seconds = (name: string, defSeconds: number, minSeconds: number): number =>
        Math.round(num(name, defSeconds, minSeconds, 7 * 86_400) * 1000);
    const flag = (name: string, def: boolean): boolean => {
        const v = text(name)?.toLowerCase();
        if (v === undefined) return def;
        if (['1', 'true', 'yes', 'on'].includes(v)) return true;
        if (['0', 'false', 'no', 'off'].includes(v)) return false;
        problems.push(`${name} must be true or false (got "${v}")`);
        return def;
    };

    const config: SandboxConfig = {
        botPort: port('SANDBOX_BOT_PORT', 3978),
        emulatorPort: port('SANDBOX_EMULATOR_PORT', 9090),
        playgroundPort: port('SANDBOX_PLAYGROUND_PORT', 56150),
        playground: flag('SANDBOX_PLAYGROUND', true),
        seed: int('SANDBOX_SEED', 1, 0, 2 ** 31),
        units: int('SANDBOX_UNITS', 2, 1, 26),
        agentsPerUnit: int('SANDBOX_AGENTS_PER_UNIT', 25, 2, 1000),
        simulate: flag('SANDBOX_SIMULATE', true),
        driftPerAgentPerHour: num('SANDBOX_DRIFT_PER_HOUR', 0.5, 0, 60),
        lateProbability: num('SANDBOX_LATE_PROBABILITY', 0.1, 0, 1),
        nudgeAfterMs: seconds('SANDBOX_NUDGE_AFTER_S', 45, 0.001),
        alertAfterMs: seconds('SANDBOX_ALERT_AFTER_S', 90, 0.001),
        exceptionAfterMs: seconds('SANDBOX_EXCEPTION_AFTER_S', 150, 0.001),
        dampenWindowMs: seconds('SANDBOX_DAMPEN_WINDOW_S', 20, 0),
        scenarioDelayMs: seconds('SANDBOX_SCENARIO_DELAY_S', 10, 0),
        scenarioReturnMs: seconds('SANDBOX_SCENARIO_RETURN_S', 180, 0),
        scenarioRepeatMs: seconds('SANDBOX_SCENARIO_REPEAT_S', 600, 0),
        republishAfterMs: seconds('SANDBOX_REPUBLISH_AFTER_S', 60, 0),
        simulationTickMs: int('SANDBOX_SIMULATION_TICK_MS', 1_000, 10, 60_000),
        logLevel: text('LOG_LEVEL') ?? 'info',
        logFile: text('SANDBOX_LOG_FILE') ?? 'artifacts/sandbox/bot.log'
    };
    if (!LEVELS.includes(config.logLevel))
        problems.push(`LOG_LEVEL: unknown level "${config.logLevel}" (one of ${LEVELS.join(', ')})`);
    if (!(config.nudgeAfterMs < config.alertAfterMs && config.alertAfterMs < config.exceptionAfterMs)) {
        problems.push(
            `SANDBOX_NUDGE_AFTER_S < SANDBOX_ALERT_AFTER_S < SANDBOX_EXCEPTION_AFTER_S must hold (got ${config.nudgeAfterMs / 1000}/${config.alertAfterMs / 1000}/${config.exceptionAfterMs / 1000} s)`
        );
    }
    if (
        config.scenarioReturnMs > 0 &&
        config.scenarioRepeatMs > 0 &&
        config.scenarioRepeatMs <= config.scenarioReturnMs
    ) {
        problems.push('SANDBOX_SCENARIO_REPEAT_S must be longer than SANDBOX_SCENARIO_RETURN_S (or 0)');
    }
    const ports = [
        ['SANDBOX_BOT_PORT', config.botPort],
        ['SANDBOX_EMULATOR_PORT', config.emulatorPort],
        ['SANDBOX_PLAYGROUND_PORT', config.playgroundPort]
    ] as const;
    for (let i = 0; i < ports.length; i++) {
        for (let j = i + 1; j < ports.length; j++) {
            if (ports[i][1] !== 0 && ports[i][1] === ports[j][1])
                problems.push(`${ports[i][0]} and ${ports[j][0]} are both ${ports[i][1]}`);
        }
    }
    if (problems.length > 0) {
        throw new SandboxError(
            'SANDBOX_CONFIG_INVALID',
            `Invalid sandbox configuration:\n  - ${problems.join('\n  - ')}`,
            { problems }
        );
    }
    return Object.freeze(config);
}
