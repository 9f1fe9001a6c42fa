import { GenesysError } from './errors';

/** Validated Genesys connection settings. Frozen; the secret is hidden from `JSON.stringify` and `util.inspect`. */
export interface GenesysConfig {
    /** REST base, e.g. `https://api.mypurecloud.com`. From GENESYS_REGION or GENESYS_API_URL. */
    readonly apiBaseUrl: string;
    /** OAuth base, e.g. `https://login.mypurecloud.com`. From GENESYS_REGION or GENESYS_LOGIN_URL. */
    readonly loginBaseUrl: string;
    /** GENESYS_CLIENT_ID. */
    readonly clientId: string;
    /** GENESYS_CLIENT_SECRET. Non-enumerable: never serialised. */
    readonly clientSecret: string;
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
    /** GENESYS_EXCEPTION_ACTIVITY_CODES: activity code ids that count as schedule exceptions. @default [] */
    readonly exceptionActivityCodeIds: readonly string[];
    /** GENESYS_EXCEPTION_CATEGORIES: activity categories that count as schedule exceptions. @default ['TimeOff','Training'] */
    readonly exceptionCategories: readonly string[];
    /** GENESYS_USER_CACHE_TTL_MS: user name/email cache lifetime. @default 3600000 */
    readonly userCacheTtlMs: number;
    /** GENESYS_SCHEDULE_CACHE_TTL_MS: published schedule cache lifetime per unit. @default 900000 */
    readonly scheduleCacheTtlMs: number;
}

const CATEGORIES = ['OnQueueWork', 'Break', 'Meal', 'Meeting', 'OffQueueWork', 'TimeOff', 'Training', 'Unavailable'];

/** Region host names look like `mypurecloud.com` or `usw2.pure.cloud`: no scheme, no path. */
const REGION = /^[a-z0-9]+([.-][a-z0-9]+)*\.[a-z]{2,}$/i;

/**
 * Parse and validate the Genesys settings from an environment map. Reports every problem in one
 * GENESYS_CONFIG_INVALID error (never echoing the secret). Pure: the caller passes `process.env`.
 */
export function parseGenesysConfig(env: Record<string, string | undefined>): GenesysConfig {
    const problems: string[] = [];
    const text = (name: string): string | undefined => {
        const v = env[name]?.trim();
        return v === undefined || v === '' ? undefined : v;
    };
    const int = (name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
        const v = text(name);
        if (v === undefined) return def;
        if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
            problems.push(`${name} must be an integer between ${min} and ${max} (got "${v}")`);
            return def;
        }
        return Number(v);
    };
    const url = (name: string): string | undefined => {
        const v = text(name);
        if (v === undefined) return undefined;
        try {
            const u = new URL(v);
            if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
            if (u.username || u.password) {
                problems.push(`${name} must not contain credentials`);
                return undefined;
            }
            return v.replace(/\/+$/, '');
        } catch {
            problems.push(`${name} must be an http(s) URL (got "${v}")`);
            return undefined;
        }
    };
    const list = (name: string): string[] =>
        (text(name) ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '');

    let apiBaseUrl: string | undefined;
    let loginBaseUrl: string | undefined;
    const region = text('GENESYS_REGION');
    const apiUrl = url('GENESYS_API_URL');
    const loginUrl = url('GENESYS_LOGIN_URL');
    if (region !== undefined) {
        if (!REGION.test(region))
            problems.push(`GENESYS_REGION must be a host such as mypurecloud.com (got "${region}")`);
        else {
            apiBaseUrl = `https://api.${region}`;
            loginBaseUrl = `https://login.${region}`;
        }
    }
    if (apiUrl) apiBaseUrl = apiUrl;
    if (loginUrl) loginBaseUrl = loginUrl;
    if (region === undefined && (text('GENESYS_API_URL') === undefined) !== (text('GENESYS_LOGIN_URL') === undefined)) {
        problems.push('GENESYS_API_URL and GENESYS_LOGIN_URL must be set together (or set GENESYS_REGION)');
    } else if (region === undefined && text('GENESYS_API_URL') === undefined) {
        problems.push('GENESYS_REGION is required (or GENESYS_API_URL and GENESYS_LOGIN_URL)');
    }
    const clientId = text('GENESYS_CLIENT_ID');
    if (!clientId) problems.push('GENESYS_CLIENT_ID is required');
    const clientSecret = text('GENESYS_CLIENT_SECRET');
    if (!clientSecret) problems.push('GENESYS_CLIENT_SECRET is required');

    const managementUnitIds = list('GENESYS_MANAGEMENT_UNITS');
    for (const id of managementUnitIds) {
        if (!/^[A-Za-z0-9_-]+$/.test(id)) problems.push(`GENESYS_MANAGEMENT_UNITS has an invalid id "${id}"`);
    }
    const exceptionCategories =
        text('GENESYS_EXCEPTION_CATEGORIES') === undefined
            ? ['TimeOff', 'Training']
            : list('GENESYS_EXCEPTION_CATEGORIES');
    for (const c of exceptionCategories) {
        if (!CATEGORIES.includes(c))
            problems.push(
                `GENESYS_EXCEPTION_CATEGORIES has an unknown category "${c}" (one of ${CATEGORIES.join(', ')})`
            );
    }

    const pingIntervalMs = int('GENESYS_PING_INTERVAL_MS', 30_000, 1_000);
    const heartbeatTimeoutMs = int('GENESYS_HEARTBEAT_TIMEOUT_MS', 75_000, 2_000);
    if (heartbeatTimeoutMs <= pingIntervalMs)
        problems.push('GENESYS_HEARTBEAT_TIMEOUT_MS must be greater than GENESYS_PING_INTERVAL_MS');
    const reconnectInitialMs = int('GENESYS_RECONNECT_INITIAL_MS', 1_000, 1);
    const reconnectMaxMs = int('GENESYS_RECONNECT_MAX_MS', 60_000, 1);
    if (reconnectMaxMs < reconnectInitialMs)
        problems.push('GENESYS_RECONNECT_MAX_MS must be at least GENESYS_RECONNECT_INITIAL_MS');

    const config = {
        apiBaseUrl: apiBaseUrl ?? '',
        loginBaseUrl: loginBaseUrl ?? '',
        clientId: clientId ?? '',
        managementUnitIds: Object.freeze(managementUnitIds),
        tokenRefreshMarginMs: int('GENESYS_TOKEN_REFRESH_MARGIN_MS', 300_000, 0),
        requestsPerMinute: int('GENESYS_REQUESTS_PER_MINUTE', 300, 1, 100_000),
        requestTimeoutMs: int('GENESYS_REQUEST_TIMEOUT_MS', 15_000, 100),
        maxAttempts: int('GENESYS_MAX_ATTEMPTS', 4, 1, 20),
        pingIntervalMs,
        heartbeatTimeoutMs,
        renewBeforeMs: int('GENESYS_RENEW_BEFORE_MS', 3_600_000, 60_000, 23 * 3_600_000),
        reconnectInitialMs,
        reconnectMaxMs,
        exceptionActivityCodeIds: Object.freeze(list('GENESYS_EXCEPTION_ACTIVITY_CODES')),
        exceptionCategories: Object.freeze(exceptionCategories),
        userCacheTtlMs: int('GENESYS_USER_CACHE_TTL_MS', 3_600_000, 1_000),
        scheduleCacheTtlMs: int('GENESYS_SCHEDULE_CACHE_TTL_MS', 900_000, 1_000)
    };
    if (problems.length > 0) {
        throw new GenesysError('GENESYS_CONFIG_INVALID', 'Invalid Genesys configuration:\n- ' + problems.join('\n- '), {
            retryable: false,
            problems
        });
    }
    Object.defineProperty(config, 'clientSecret', { value: clientSecret, enumerable: false });
    Object.defineProperty(config, Symbol.for('nodejs.util.inspect.custom'), {
        value: () => ({ ...config, clientSecret: '[redacted]' }),
        enumerable: false
    });
    return Object.freeze(config) as GenesysConfig;
}
