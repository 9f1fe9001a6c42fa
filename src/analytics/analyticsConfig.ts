import { isTimeZone, parseEnv, type Env, type EnvReader } from '../kit/env';
import type { Secret } from '../kit/Secret';

/** Configuration of drift analytics: report, its HTTP endpoint and log retention. Frozen. */
export interface AnalyticsConfig {
    /**
     * Bearer token of `GET /api/reports/drift` (`REPORT_API_TOKEN`, at least 16 characters).
     * Unset: the endpoint is off.
     * @default undefined
     */
    readonly reportApiToken?: Secret;
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

/** The analytics defaults: the one place they are declared (the report service and retention job use them too). */
export const ANALYTICS_DEFAULTS = Object.freeze({
    retentionDays: 35,
    trimIntervalMs: 3_600_000,
    defaultTimeZone: 'UTC',
    defaultDays: 7,
    topAgents: 10,
    cacheMs: 30_000
});

/** `REPORT_UNIT_TIME_ZONES`: management unit id → IANA zone. */
function readUnitTimeZones(env: EnvReader): Record<string, string> {
    const zones: Record<string, string> = {};
    for (const [unit, zone] of env.map('REPORT_UNIT_TIME_ZONES', { key: 'unit', value: 'IANA zone' })) {
        if (isTimeZone(zone)) zones[unit] = zone;
        else env.problem(`REPORT_UNIT_TIME_ZONES: "${zone}" (unit ${unit}) is not a known IANA time zone`);
    }
    return zones;
}

/** Reads the analytics settings (the variables of {@link AnalyticsConfig}); problems go to `env`. */
export function readAnalyticsConfig(env: EnvReader): AnalyticsConfig {
    const d = ANALYTICS_DEFAULTS;
    const reportApiToken = env.secret('REPORT_API_TOKEN', {
        pattern: /^\S+$/,
        form: 'a single word (no whitespace)',
        minLength: 16
    });
    const retentionDays = env.integer('ADHERENCE_LOG_RETENTION_DAYS', d.retentionDays, { min: 1, max: 3650 });
    const trimIntervalMs = env.duration('ADHERENCE_LOG_TRIM_INTERVAL_MS', d.trimIntervalMs, {
        min: 1_000,
        max: 86_400_000
    });
    const maxDays = env.integer('REPORT_MAX_DAYS', retentionDays, { min: 1, max: 3650 });
    if (maxDays > retentionDays) {
        env.problem(`REPORT_MAX_DAYS (${maxDays}) must not exceed ADHERENCE_LOG_RETENTION_DAYS (${retentionDays})`);
    }
    const defaultDays = env.integer('REPORT_DEFAULT_DAYS', Math.min(d.defaultDays, maxDays), { min: 1, max: 3650 });
    if (defaultDays > maxDays) {
        env.problem(`REPORT_DEFAULT_DAYS (${defaultDays}) must not exceed REPORT_MAX_DAYS (${maxDays})`);
    }
    return Object.freeze({
        ...(reportApiToken === undefined ? {} : { reportApiToken }),
        retentionDays,
        trimIntervalMs,
        defaultTimeZone: env.timeZone('REPORT_TIME_ZONE', d.defaultTimeZone),
        unitTimeZones: Object.freeze(readUnitTimeZones(env)),
        defaultDays,
        maxDays,
        topAgents: env.integer('REPORT_TOP_AGENTS', d.topAgents, { min: 1, max: 50 }),
        cacheMs: env.duration('REPORT_CACHE_MS', d.cacheMs, { max: 3_600_000 })
    });
}

/** The analytics settings of `env`, or one `ConfigError` listing every problem. */
export function parseAnalyticsConfig(env: Env): AnalyticsConfig {
    return parseEnv(env, readAnalyticsConfig);
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
