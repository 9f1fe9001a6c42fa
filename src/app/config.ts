import { parseEngineConfig, type EngineConfig } from '../engine/engineConfig';
import { parseTeamsConfig, Secret, type RunMode, type TeamsConfig } from '../adapters/teams/teamsConfig';
import { parseGenesysConfig, type GenesysConfig } from '../adapters/genesys/genesysConfig';
import { parseAnalyticsConfig, type AnalyticsConfig } from '../analytics/analyticsConfig';
import { parseStoreConfig, type StoreConfig } from '../adapters/redis/parseStoreConfig';
import { parseSyncConfig, type SyncConfig } from '../sync/parseSyncConfig';

type Env = Record<string, string | undefined>;

/** Process-level settings. */
export interface AppConfig {
    mode: RunMode;
    /** `PORT`. @default 3978 */
    port: number;
    /** `HOST`. @default '0.0.0.0' */
    host: string;
    /** `REDIS_URL`; required in production. Without it (sandbox/test) the stores are in memory. */
    redisUrl: Secret | undefined;
    /** `REDIS_KEY_PREFIX`, shared by every part (agent store, bot data, sync queue). @default `adb:` */
    redisKeyPrefix: string;
    /** `LOG_LEVEL`. @default 'info' */
    logLevel: string;
    /**
     * `INSTANCE_ID` (delivery claims, logs, the sync consumer name). @default chosen by the caller: hostname-pid for
     * delivery claims and logs, the hostname for the sync consumer (stable across restarts)
     */
    instanceId: string | undefined;
}

/** Everything the composition root needs. Other parts add their sections here as they land. */
export interface Config {
    app: AppConfig;
    teams: TeamsConfig;
    engine: EngineConfig;
    analytics: AnalyticsConfig;
    /** The agent state store (memory without `REDIS_URL`); `npm run report` reads the same settings. */
    store: StoreConfig;
    /** The sync worker (off unless `SYNC_INGEST_TOKEN` is set). */
    sync: SyncConfig;
    /** Required in production; in sandbox/test only when any `GENESYS_*` variable is set. */
    genesys: GenesysConfig | undefined;
}

export class ConfigProblemsError extends Error {
    readonly code = 'CONFIG_INVALID';
    constructor(readonly problems: string[]) {
        super(
            `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`
        );
        this.name = 'ConfigProblemsError';
    }
}

export function isConfigProblemsError(e: unknown): e is ConfigProblemsError {
    return e instanceof ConfigProblemsError;
}

export function parseAppConfig(env: Env, mode: RunMode): AppConfig {
    const problems: string[] = [];
    const portRaw = env.PORT?.trim() || '3978';
    const port = Number(portRaw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be 0-65535 (got "${portRaw}")`);
    // The format of REDIS_URL is checked (once, password redacted) by parseStoreConfig.
    const redisRaw = env.REDIS_URL?.trim();
    if (!redisRaw && mode === 'production')
        problems.push('REDIS_URL is required in production (the in-memory store is for sandbox/test only)');
    const logLevel = env.LOG_LEVEL?.trim() || 'info';
    if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
        problems.push(`LOG_LEVEL: unknown level "${logLevel}"`);
    if (problems.length > 0) throw new ConfigProblemsError(problems);
    return Object.freeze({
        mode,
        port,
        host: env.HOST?.trim() || '0.0.0.0',
        redisUrl: redisRaw ? new Secret(redisRaw) : undefined,
        redisKeyPrefix: env.REDIS_KEY_PREFIX?.trim() || 'adb:',
        logLevel,
        instanceId: env.INSTANCE_ID?.trim() || undefined
    });
}

function collect<T>(problems: string[], parse: () => T): T | undefined {
    try {
        return parse();
    } catch (error) {
        const listed = (error as { problems?: unknown }).problems;
        if (Array.isArray(listed)) problems.push(...listed.map(String));
        else problems.push(error instanceof Error ? error.message : String(error));
        return undefined;
    }
}

/**
 * The only reader of `process.env` (pass another record in tests): parses every part's settings and throws one
 * {@link ConfigProblemsError} listing every problem of every part.
 */
export function loadConfig(env: Env = process.env): Config {
    const problems: string[] = [];
    const teams = collect(problems, () => parseTeamsConfig(env));
    const mode =
        teams?.mode ??
        (['sandbox', 'test'].includes(env.ADHERENCE_MODE ?? '') ? (env.ADHERENCE_MODE as RunMode) : 'production');
    const app = collect(problems, () => parseAppConfig(env, mode));
    const engine = collect(problems, () => parseEngineConfig(env));
    const analytics = collect(problems, () => parseAnalyticsConfig(env));
    const store = collect(problems, () => parseStoreConfig(env));
    const sync = collect(problems, () => parseSyncConfig(env));
    const wantsGenesys =
        mode === 'production' || Object.keys(env).some((k) => k.startsWith('GENESYS_') && env[k]?.trim());
    const genesys = wantsGenesys ? collect(problems, () => parseGenesysConfig(env)) : undefined;
    if (problems.length > 0 || !teams || !app || !engine || !analytics || !store || !sync) {
        throw new ConfigProblemsError(problems);
    }
    return Object.freeze({ app, teams, engine, analytics, store, sync, genesys });
}
