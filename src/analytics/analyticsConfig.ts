import { AnalyticsError } from './AnalyticsError';

/** Configuration of drift analytics: report, its HTTP endpoint and log retention. Frozen; the token never serialises. */
export interface AnalyticsConfig {
    /**
     * Bearer token of `GET /api/reports/drift` (`REPORT_API_TOKEN`, at least 16 characters).
     * Unset: the endpoint is off. Never logged: `toJSON` redacts it.
     * @default undefined
     */
    readonly reportApiToken?: string;
    /** Days of episode log kept (`ADHERENCE_LOG_RETENTION_DAYS`). @default 35 */
    readonly retentionDays: number;
    /** How often the retention job trims the log, ms (`ADHERENCE_LOG_TRIM_INTERVAL_MS`). @default 3600000 (1 h) */
    readonly trimIntervalMs: number;
    /** IANA time zone of units without an entry in `unitTimeZones` (`REPORT_TIME_ZONE`). @default 'UTC' */
    readonly defaultTimeZone: string;
    /** Per management unit id time zones (`REPORT_UNIT_TIME_ZONES=mu1=Europe/Dublin,mu2=America/Chicago`). @default {} */
    readonly unitTimeZones: Readonly<Record<string, string>>;
    /** Period of a report when none is asked for, days (`REPORT_DEFAULT_DAYS`). @default 7 */
    readonly defaultDays: number;
    /** Longest period a report may cover, days (`REPORT_MAX_DAYS`); at most the retention. @default retentionDays */
    readonly maxDays: number;
    /** Agents listed in "top drifting agents" (`REPORT_TOP_AGENTS`). @default 10 */
    readonly topAgents: number;
    /** A computed report is served again for the same query for this long, ms (`REPORT_CACHE_MS`); 0 = off. @default 30000 */
    readonly cacheMs: number;
}

export const ANALYTICS_DEFAULTS = Object.freeze({
    retentionDays: 35,
    trimIntervalMs: 3_600_000,
    defaultTimeZone: 'UTC',
    defaultDays: 7,
    topAgents: 10,
    cacheMs: 30_000
});

/** True when `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
    if (zone.trim() === '') return false;
    try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}

function intVar(
    env: Record<string, string | undefined>,
    name: string,
    fallback: number,
    min: number,
    max: number,
    problems: string[]
): number {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const text = raw.trim();
    if (!/^\d+$/.test(text)) {
        problems.push(`${name} must be a whole number between ${min} and ${max}, got "${text}"`);
        return fallback;
    }
    const value = Number(text);
    if (value < min || value > max) {
        problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
        return fallback;
    }
    return value;
}

/**
 * Parse the analytics configuration from environment-like variables. Pure: the caller passes the variables.
 * Throws one `AnalyticsError` (`ANALYTICS_CONFIG_INVALID`) listing every problem.
 */
export function parseAnalyticsConfig(env: Record<string, string | undefined>): AnalyticsConfig {
    const problems: string[] = [];

    const tokenRaw = env.REPORT_API_TOKEN;
    let reportApiToken: string | undefined;
    if (tokenRaw !== undefined && tokenRaw !== '') {
        if (tokenRaw.trim() !== tokenRaw || /\s/.test(tokenRaw)) {
            problems.push('REPORT_API_TOKEN must not contain whitespace');
        } else if (tokenRaw.length < 16) {
            problems.push(
                'REPORT_API_TOKEN must be at least 16 characters long (leave it unset to turn the endpoint off)'
            );
        } else {
            reportApiToken = tokenRaw;
        }
    }

    const retentionDays = intVar(
        env,
        'ADHERENCE_LOG_RETENTION_DAYS',
        ANALYTICS_DEFAULTS.retentionDays,
        1,
        3650,
        problems
    );
    const trimIntervalMs = intVar(
        env,
        'ADHERENCE_LOG_TRIM_INTERVAL_MS',
        ANALYTICS_DEFAULTS.trimIntervalMs,
        1_000,
        86_400_000,
        problems
    );
    const maxDays = intVar(env, 'REPORT_MAX_DAYS', retentionDays, 1, 3650, problems);
    if (maxDays > retentionDays) {
        problems.push(`REPORT_MAX_DAYS (${maxDays}) must not exceed ADHERENCE_LOG_RETENTION_DAYS (${retentionDays})`);
    }
    const defaultDays = intVar(
        env,
        'REPORT_DEFAULT_DAYS',
        Math.min(ANALYTICS_DEFAULTS.defaultDays, maxDays),
        1,
        3650,
        problems
    );
    if (defaultDays > maxDays) {
        problems.push(`REPORT_DEFAULT_DAYS (${defaultDays}) must not exceed REPORT_MAX_DAYS (${maxDays})`);
    }
    const topAgents = intVar(env, 'REPORT_TOP_AGENTS', ANALYTICS_DEFAULTS.topAgents, 1, 50, problems);
    const cacheMs = intVar(env, 'REPORT_CACHE_MS', ANALYTICS_DEFAULTS.cacheMs, 0, 3_600_000, problems);

    const zoneRaw = env.REPORT_TIME_ZONE?.trim();
    let defaultTimeZone: string = ANALYTICS_DEFAULTS.defaultTimeZone;
    if (zoneRaw !== undefined && zoneRaw !== '') {
        if (isValidTimeZone(zoneRaw)) defaultTimeZone = zoneRaw;
        else problems.push(`REPORT_TIME_ZONE "${zoneRaw}" is not a known IANA time zone (e.g. Europe/Dublin)`);
    }

    const unitTimeZones: Record<string, string> = {};
    const unitsRaw = env.REPORT_UNIT_TIME_ZONES?.trim();
    if (unitsRaw !== undefined && unitsRaw !== '') {
        for (const part of unitsRaw.split(',')) {
            const item = part.trim();
            if (item === '') continue;
            const eq = item.indexOf('=');
            const unit = eq < 0 ? '' : item.slice(0, eq).trim();
            const zone = eq < 0 ? '' : item.slice(eq + 1).trim();
            if (unit === '' || zone === '') {
                problems.push(`REPORT_UNIT_TIME_ZONES item "${item}" must look like <managementUnitId>=<IANA zone>`);
            } else if (!isValidTimeZone(zone)) {
                problems.push(`REPORT_UNIT_TIME_ZONES: "${zone}" (unit ${unit}) is not a known IANA time zone`);
            } else if (Object.prototype.hasOwnProperty.call(unitTimeZones, unit)) {
                problems.push(`REPORT_UNIT_TIME_ZONES lists unit ${unit} more than once`);
            } else {
                unitTimeZones[unit] = zone;
            }
        }
    }

    if (problems.length > 0) {
        throw new AnalyticsError(
            'ANALYTICS_CONFIG_INVALID',
            `Invalid analytics configuration: ${problems.join('; ')}`,
            {
                problems
            }
        );
    }

    const config: AnalyticsConfig & { toJSON(): unknown } = {
        ...(reportApiToken === undefined ? {} : { reportApiToken }),
        retentionDays,
        trimIntervalMs,
        defaultTimeZone,
        unitTimeZones: Object.freeze(unitTimeZones),
        defaultDays,
        maxDays,
        topAgents,
        cacheMs,
        toJSON() {
            const { reportApiToken: token, ...rest } = config;
            return token === undefined ? rest : { ...rest, reportApiToken: '[redacted]' };
        }
    };
    Object.defineProperty(config, 'toJSON', { enumerable: false });
    Object.defineProperty(config, Symbol.for('nodejs.util.inspect.custom'), {
        enumerable: false,
        value: () => config.toJSON()
    });
    return Object.freeze(config);
}

/** The `timeZoneOf(managementUnitId)` function of a configuration: the unit's zone, else the default zone. */
export function timeZoneOfConfig(
    config: Pick<AnalyticsConfig, 'defaultTimeZone' | 'unitTimeZones'>
): (managementUnitId: string) => string {
    return (managementUnitId) =>
        Object.prototype.hasOwnProperty.call(config.unitTimeZones, managementUnitId)
            ? config.unitTimeZones[managementUnitId]
            : config.defaultTimeZone;
}
