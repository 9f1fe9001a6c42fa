import { readEngineConfig, type EngineConfig } from '../engine/engineConfig';
import { readTeamsConfig, type RunMode, type TeamsConfig } from '../adapters/teams/teamsConfig';
import { readGenesysConfig, type GenesysConfig } from '../adapters/genesys/genesysConfig';
import { readAnalyticsConfig, type AnalyticsConfig } from '../analytics/analyticsConfig';
import { readStoreConfig, type StoreConfig } from '../adapters/store/storeConfig';
import { readSyncConfig, type SyncConfig } from '../sync/syncConfig';
import { parseEnv, type Env, type EnvReader } from '../kit/env';

/** Process-level settings. */
export interface AppConfig {
    /** `ADHERENCE_MODE` (read by the Teams part, which it mostly concerns). @default 'production' */
    mode: RunMode;
    /** `PORT`. @default 3978 */
    port: number;
    /** `HOST`. @default '0.0.0.0' */
    host: string;
    /** `LOG_LEVEL`: a pino level. @default 'info' */
    logLevel: string;
    /**
     * `INSTANCE_ID` (delivery claims, logs, the sync consumer name). @default chosen by the caller: hostname-pid for
     * delivery claims and logs, the hostname for the sync consumer (stable across restarts)
     */
    instanceId: string | undefined;
}

/** Everything the composition root needs. */
export interface Config {
    app: AppConfig;
    teams: TeamsConfig;
    engine: EngineConfig;
    analytics: AnalyticsConfig;
    /**
     * Where state lives: in memory without `REDIS_URL`, else the Redis every part (agent store, bot data, sync queue)
     * uses, under one key prefix; `npm run report` reads the same settings.
     */
    store: StoreConfig;
    /** The sync worker (off unless `SYNC_INGEST_TOKEN` is set). */
    sync: SyncConfig;
    /** Required in production; in sandbox/test only when any `GENESYS_*` variable is set. */
    genesys: GenesysConfig | undefined;
}

/** The pino levels `LOG_LEVEL` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The process-level defaults: the one place they are declared. */
export const APP_DEFAULTS = Object.freeze({
    port: 3978,
    host: '0.0.0.0',
    logLevel: 'info' as (typeof LOG_LEVELS)[number]
});

/** `LOG_LEVEL` (the bot's, also in the sandbox). */
export function readLogLevel(env: EnvReader): string {
    return env.oneOf('LOG_LEVEL', LOG_LEVELS, APP_DEFAULTS.logLevel);
}

/** Reads the process-level settings; problems go to `env`. */
export function readAppConfig(env: EnvReader, mode: RunMode): AppConfig {
    return Object.freeze({
        mode,
        port: env.integer('PORT', APP_DEFAULTS.port, { max: 65535 }),
        host: env.text('HOST', APP_DEFAULTS.host),
        logLevel: readLogLevel(env),
        instanceId: env.text('INSTANCE_ID')
    });
}

/**
 * The only reader of `process.env` (pass another record in tests): reads every part's settings with one
 * {@link EnvReader} and throws one `ConfigError` listing every problem of every part.
 */
export function loadConfig(env: Env = process.env): Config {
    return parseEnv(env, (reader) => {
        const teams = readTeamsConfig(reader);
        const mode = teams.mode;
        const wantsGenesys = mode === 'production' || reader.anySet('GENESYS_');
        return Object.freeze({
            teams,
            app: readAppConfig(reader, mode),
            engine: readEngineConfig(reader),
            analytics: readAnalyticsConfig(reader),
            store: readStoreConfig(reader, { redisRequired: mode === 'production' }),
            sync: readSyncConfig(reader),
            genesys: wantsGenesys ? readGenesysConfig(reader) : undefined
        });
    });
}
