import { APP_DEFAULTS, readLogLevel } from '../app/config';
import { parseEnv, type Env, type EnvReader } from '../kit/env';

/**
 * Settings of `npm run sandbox`, read by {@link readSandboxConfig}. Every field has a default: the sandbox runs with
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

/** The sandbox's defaults: the one place they are declared. Durations in ms. */
export const SANDBOX_DEFAULTS = Object.freeze({
    /** The bot's own default port. */
    botPort: APP_DEFAULTS.port,
    emulatorPort: 9090,
    playgroundPort: 56150,
    playground: true,
    seed: 1,
    units: 2,
    agentsPerUnit: 25,
    simulate: true,
    driftPerAgentPerHour: 0.5,
    lateProbability: 0.1,
    nudgeAfterMs: 45_000,
    alertAfterMs: 90_000,
    exceptionAfterMs: 150_000,
    dampenWindowMs: 20_000,
    scenarioDelayMs: 10_000,
    scenarioReturnMs: 180_000,
    scenarioRepeatMs: 600_000,
    republishAfterMs: 60_000,
    simulationTickMs: 1_000,
    logFile: 'artifacts/sandbox/bot.log'
});

const WEEK_MS = 7 * 86_400_000;

/** Rules across variables: the thresholds' order, the scenario's timing, three distinct ports. */
function checkSandboxConfig(env: EnvReader, config: SandboxConfig): void {
    if (!(config.nudgeAfterMs < config.alertAfterMs && config.alertAfterMs < config.exceptionAfterMs)) {
        env.problem(
            `SANDBOX_NUDGE_AFTER_S < SANDBOX_ALERT_AFTER_S < SANDBOX_EXCEPTION_AFTER_S must hold (got ${config.nudgeAfterMs / 1000}/${config.alertAfterMs / 1000}/${config.exceptionAfterMs / 1000} s)`
        );
    }
    if (
        config.scenarioReturnMs > 0 &&
        config.scenarioRepeatMs > 0 &&
        config.scenarioRepeatMs <= config.scenarioReturnMs
    ) {
        env.problem('SANDBOX_SCENARIO_REPEAT_S must be longer than SANDBOX_SCENARIO_RETURN_S (or 0)');
    }
    const ports = [
        ['SANDBOX_BOT_PORT', config.botPort],
        ['SANDBOX_EMULATOR_PORT', config.emulatorPort],
        ['SANDBOX_PLAYGROUND_PORT', config.playgroundPort]
    ] as const;
    for (let i = 0; i < ports.length; i++) {
        for (let j = i + 1; j < ports.length; j++) {
            if (ports[i][1] !== 0 && ports[i][1] === ports[j][1])
                env.problem(`${ports[i][0]} and ${ports[j][0]} are both ${ports[i][1]}`);
        }
    }
}

/** Reads the sandbox settings (the variables of {@link SandboxConfig}); problems go to `env`. */
export function readSandboxConfig(env: EnvReader): SandboxConfig {
    const d = SANDBOX_DEFAULTS;
    const port = (name: string, fallback: number): number => env.integer(name, fallback, { max: 65535 });
    const seconds = (name: string, fallback: number, min: number): number =>
        env.duration(name, fallback, { unit: 's', min, max: WEEK_MS });
    const config: SandboxConfig = {
        botPort: port('SANDBOX_BOT_PORT', d.botPort),
        emulatorPort: port('SANDBOX_EMULATOR_PORT', d.emulatorPort),
        playgroundPort: port('SANDBOX_PLAYGROUND_PORT', d.playgroundPort),
        playground: env.flag('SANDBOX_PLAYGROUND', d.playground),
        seed: env.integer('SANDBOX_SEED', d.seed, { max: 2 ** 31 }),
        units: env.integer('SANDBOX_UNITS', d.units, { min: 1, max: 26 }),
        agentsPerUnit: env.integer('SANDBOX_AGENTS_PER_UNIT', d.agentsPerUnit, { min: 2, max: 1000 }),
        simulate: env.flag('SANDBOX_SIMULATE', d.simulate),
        driftPerAgentPerHour: env.number('SANDBOX_DRIFT_PER_HOUR', d.driftPerAgentPerHour, { max: 60 }),
        lateProbability: env.number('SANDBOX_LATE_PROBABILITY', d.lateProbability, { max: 1 }),
        nudgeAfterMs: seconds('SANDBOX_NUDGE_AFTER_S', d.nudgeAfterMs, 1),
        alertAfterMs: seconds('SANDBOX_ALERT_AFTER_S', d.alertAfterMs, 1),
        exceptionAfterMs: seconds('SANDBOX_EXCEPTION_AFTER_S', d.exceptionAfterMs, 1),
        dampenWindowMs: seconds('SANDBOX_DAMPEN_WINDOW_S', d.dampenWindowMs, 0),
        scenarioDelayMs: seconds('SANDBOX_SCENARIO_DELAY_S', d.scenarioDelayMs, 0),
        scenarioReturnMs: seconds('SANDBOX_SCENARIO_RETURN_S', d.scenarioReturnMs, 0),
        scenarioRepeatMs: seconds('SANDBOX_SCENARIO_REPEAT_S', d.scenarioRepeatMs, 0),
        republishAfterMs: seconds('SANDBOX_REPUBLISH_AFTER_S', d.republishAfterMs, 0),
        simulationTickMs: env.duration('SANDBOX_SIMULATION_TICK_MS', d.simulationTickMs, { min: 10, max: 60_000 }),
        logLevel: readLogLevel(env),
        logFile: env.text('SANDBOX_LOG_FILE', d.logFile)
    };
    checkSandboxConfig(env, config);
    return Object.freeze(config);
}

/** The sandbox settings of `env` (all optional), or one `ConfigError` listing every problem. */
export function parseSandboxConfig(env: Env): SandboxConfig {
    return parseEnv(env, readSandboxConfig);
}
