import { ACTIVITY_CATEGORIES } from '../../domain/adherence/types';
import { parseEnv, type Env, type EnvReader } from '../../kit/env';
import { Secret } from '../../kit/Secret';

/** Validated Genesys connection settings. Frozen. */
export interface GenesysConfig {
    /** REST base, e.g. `https://api.mypurecloud.com`. From GENESYS_REGION or GENESYS_API_URL. */
    readonly apiBaseUrl: string;
    /** OAuth base, e.g. `https://login.mypurecloud.com`. From GENESYS_REGION or GENESYS_LOGIN_URL. */
    readonly loginBaseUrl: string;
    /** GENESYS_CLIENT_ID. */
    readonly clientId: string;
    /** GENESYS_CLIENT_SECRET. */
    readonly clientSecret: Secret;
    /** GENESYS_MANAGEMENT_UNITS, comma-separated. Empty = every unit with RealTimeAdherence. @default [] */
    readonly managementUnitIds: readonly string[];
    /** GENESYS_TOKEN_REFRESH_MARGIN_MS: refresh this long before expiry. @default 300000 */
    readonly tokenRefreshMarginMs: number;
    /** GENESYS_REQUESTS_PER_MINUTE: shared token-bucket rate. @default 300 */
    readonly requestsPerMinute: number;
    /** GENESYS_REQUEST_TIMEOUT_MS: per HTTP attempt. @default 15000 */
    readonly requestTimeoutMs: number;
    /** GENESYS_MAX_ATTEMPTS: per REST call, including the first. @default 4 */
    readonly maxAttempts: number;
    /** GENESYS_PING_INTERVAL_MS: send `{"message":"ping"}` after this much socket silence. @default 30000 */
    readonly pingIntervalMs: number;
    /** GENESYS_HEARTBEAT_TIMEOUT_MS: reconnect when no frame (heartbeat, pong, event) for this long. @default 75000 */
    readonly heartbeatTimeoutMs: number;
    /** GENESYS_RENEW_BEFORE_MS: re-subscribe this long before the 24 h channel expiry. @default 3600000 */
    readonly renewBeforeMs: number;
    /** GENESYS_RECONNECT_INITIAL_MS: first reconnect backoff scale. @default 1000 */
    readonly reconnectInitialMs: number;
    /** GENESYS_RECONNECT_MAX_MS: reconnect backoff cap. @default 60000 */
    readonly reconnectMaxMs: number;
    /**
     * GENESYS_REFUSED_RETRY_MS: how often to ask again for adherence topics (or snapshots) the role may not read, on
     * the same channel. @default 300000
     */
    readonly refusedRetryMs: number;
    /** GENESYS_EXCEPTION_ACTIVITY_CODES: activity code ids that count as schedule exceptions. @default [] */
    readonly exceptionActivityCodeIds: readonly string[];
    /** GENESYS_EXCEPTION_CATEGORIES: activity categories that count as schedule exceptions. @default ['TimeOff','Training'] */
    readonly exceptionCategories: readonly string[];
    /** GENESYS_USER_CACHE_TTL_MS: user name/email cache lifetime. @default 3600000 */
    readonly userCacheTtlMs: number;
    /** GENESYS_SCHEDULE_CACHE_TTL_MS: published schedule cache lifetime per unit. @default 900000 */
    readonly scheduleCacheTtlMs: number;
}

/** The Genesys defaults: the one place they are declared (the client, directory and coverage fall back to them too). */
export const GENESYS_DEFAULTS = Object.freeze({
    managementUnitIds: Object.freeze([] as string[]),
    tokenRefreshMarginMs: 300_000,
    requestsPerMinute: 300,
    requestTimeoutMs: 15_000,
    maxAttempts: 4,
    pingIntervalMs: 30_000,
    heartbeatTimeoutMs: 75_000,
    renewBeforeMs: 3_600_000,
    reconnectInitialMs: 1_000,
    reconnectMaxMs: 60_000,
    refusedRetryMs: 300_000,
    exceptionActivityCodeIds: Object.freeze([] as string[]),
    exceptionCategories: Object.freeze(['TimeOff', 'Training']),
    userCacheTtlMs: 3_600_000,
    scheduleCacheTtlMs: 900_000
});

/** Categories an activity code can have (`Unscheduled` never is one). */
const CODE_CATEGORIES = ACTIVITY_CATEGORIES.filter((c) => c !== 'Unscheduled');

/** Region host names look like `mypurecloud.com` or `usw2.pure.cloud`: no scheme, no path. */
const REGION = /^[a-z0-9]+([.-][a-z0-9]+)*\.[a-z]{2,}$/i;

/** The REST and OAuth bases: from `GENESYS_REGION`, or `GENESYS_API_URL` and `GENESYS_LOGIN_URL` (which win). */
function readBases(env: EnvReader): { apiBaseUrl: string; loginBaseUrl: string } {
    const region = env.text('GENESYS_REGION');
    const apiUrl = env.url('GENESYS_API_URL')?.replace(/\/+$/, '');
    const loginUrl = env.url('GENESYS_LOGIN_URL')?.replace(/\/+$/, '');
    let bases = { apiBaseUrl: '', loginBaseUrl: '' };
    if (region !== undefined) {
        if (REGION.test(region))
            bases = { apiBaseUrl: `https://api.${region}`, loginBaseUrl: `https://login.${region}` };
        else env.problem(`GENESYS_REGION must be a host such as mypurecloud.com (got "${region}")`);
    }
    const hasApi = env.isSet('GENESYS_API_URL');
    if (region === undefined && hasApi !== env.isSet('GENESYS_LOGIN_URL')) {
        env.problem('GENESYS_API_URL and GENESYS_LOGIN_URL must be set together (or set GENESYS_REGION)');
    } else if (region === undefined && !hasApi) {
        env.problem('GENESYS_REGION is required (or GENESYS_API_URL and GENESYS_LOGIN_URL)');
    }
    return { apiBaseUrl: apiUrl ?? bases.apiBaseUrl, loginBaseUrl: loginUrl ?? bases.loginBaseUrl };
}

/** Reads the Genesys settings (the variables of {@link GenesysConfig}); problems go to `env`, never the secret. */
export function readGenesysConfig(env: EnvReader): GenesysConfig {
    const d = GENESYS_DEFAULTS;
    const bases = readBases(env);
    const clientId = env.text('GENESYS_CLIENT_ID');
    if (!clientId) env.problem('GENESYS_CLIENT_ID is required');
    const clientSecret = env.secret('GENESYS_CLIENT_SECRET');
    if (!clientSecret) env.problem('GENESYS_CLIENT_SECRET is required');
    const managementUnitIds = env.list('GENESYS_MANAGEMENT_UNITS', {
        default: d.managementUnitIds,
        item: { pattern: /^[A-Za-z0-9_-]+$/, form: 'unit ids (letters, digits, _ and -)' }
    });
    const exceptionCategories = env.list('GENESYS_EXCEPTION_CATEGORIES', {
        default: d.exceptionCategories,
        oneOf: CODE_CATEGORIES
    });
    const pingIntervalMs = env.duration('GENESYS_PING_INTERVAL_MS', d.pingIntervalMs, { min: 1_000 });
    const heartbeatTimeoutMs = env.duration('GENESYS_HEARTBEAT_TIMEOUT_MS', d.heartbeatTimeoutMs, { min: 2_000 });
    if (heartbeatTimeoutMs <= pingIntervalMs)
        env.problem('GENESYS_HEARTBEAT_TIMEOUT_MS must be greater than GENESYS_PING_INTERVAL_MS');
    const reconnectInitialMs = env.duration('GENESYS_RECONNECT_INITIAL_MS', d.reconnectInitialMs, { min: 1 });
    const reconnectMaxMs = env.duration('GENESYS_RECONNECT_MAX_MS', d.reconnectMaxMs, { min: 1 });
    if (reconnectMaxMs < reconnectInitialMs)
        env.problem('GENESYS_RECONNECT_MAX_MS must be at least GENESYS_RECONNECT_INITIAL_MS');
    return Object.freeze({
        ...bases,
        clientId: clientId ?? '',
        clientSecret: clientSecret ?? new Secret(''),
        managementUnitIds: Object.freeze(managementUnitIds),
        tokenRefreshMarginMs: env.duration('GENESYS_TOKEN_REFRESH_MARGIN_MS', d.tokenRefreshMarginMs),
        requestsPerMinute: env.integer('GENESYS_REQUESTS_PER_MINUTE', d.requestsPerMinute, { min: 1, max: 100_000 }),
        requestTimeoutMs: env.duration('GENESYS_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, { min: 100 }),
        maxAttempts: env.integer('GENESYS_MAX_ATTEMPTS', d.maxAttempts, { min: 1, max: 20 }),
        pingIntervalMs,
        heartbeatTimeoutMs,
        renewBeforeMs: env.duration('GENESYS_RENEW_BEFORE_MS', d.renewBeforeMs, { min: 60_000, max: 23 * 3_600_000 }),
        reconnectInitialMs,
        reconnectMaxMs,
        refusedRetryMs: env.duration('GENESYS_REFUSED_RETRY_MS', d.refusedRetryMs, { min: 1_000 }),
        exceptionActivityCodeIds: Object.freeze(
            env.list('GENESYS_EXCEPTION_ACTIVITY_CODES', { default: d.exceptionActivityCodeIds })
        ),
        exceptionCategories: Object.freeze(exceptionCategories),
        userCacheTtlMs: env.duration('GENESYS_USER_CACHE_TTL_MS', d.userCacheTtlMs, { min: 1_000 }),
        scheduleCacheTtlMs: env.duration('GENESYS_SCHEDULE_CACHE_TTL_MS', d.scheduleCacheTtlMs, { min: 1_000 })
    });
}

/** The Genesys settings of `env`, or one `ConfigError` listing every problem (never the secret). */
export function parseGenesysConfig(env: Env): GenesysConfig {
    return parseEnv(env, readGenesysConfig);
}
