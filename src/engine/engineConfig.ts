import { ACTIVITY_CATEGORIES, type Policy, type Thresholds } from '../domain/adherence/types';
import type { DampenerConfig } from '../domain/adherence/Dampener';

/** Drift engine settings, parsed from the environment by {@link parseEngineConfig}. */
export interface EngineConfig {
    policy: Policy;
    dampening: DampenerConfig;
    /** @default 30000 */
    deadlineLeaseMs: number;
    /** @default 5000 */
    orphanPollMs: number;
    /** Queued events beyond which repeated observations are folded. @default 100000 */
    maxQueued: number;
}

export class ConfigError extends Error {
    readonly code = 'CONFIG_INVALID';
    constructor(readonly problems: string[]) {
        super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
        this.name = 'ConfigError';
    }
}

export function isConfigError(e: unknown): e is ConfigError {
    return e instanceof Error && (e as { code?: unknown }).code === 'CONFIG_INVALID';
}

const MINUTE = 60_000;
const categories: ReadonlySet<string> = new Set(ACTIVITY_CATEGORIES);

type Env = Record<string, string | undefined>;

/** A whole number of at least `min` from the environment, or `fallback` when unset; a problem otherwise. */
function wholeNumber(env: Env, name: string, fallback: number, problems: string[], min: number, unit = ''): number {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
        problems.push(`${name} must be a whole number${unit} >= ${min} (got "${raw}")`);
        return fallback;
    }
    return value;
}

function durationMs(env: Env, name: string, fallback: number, problems: string[], min = 0): number {
    return wholeNumber(env, name, fallback, problems, min, ' of milliseconds');
}

function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${env[name]}")`);
    return fallback;
}

function checkOrder(t: Thresholds, where: string, problems: string[]): void {
    if (!(t.nudgeAfterMs < t.alertAfterMs && t.alertAfterMs < t.exceptionAfterMs)) {
        problems.push(
            `${where}: thresholds must satisfy nudge < alert < exception (got ${t.nudgeAfterMs}/${t.alertAfterMs}/${t.exceptionAfterMs} ms)`
        );
    }
}

/**
 * Parse `ADHERENCE_THRESHOLD_OVERRIDES`: `Key:nudgeMin/alertMin[/exceptionMin];…` where Key is an activity
 * category (e.g. `Meal`) or an activity code id; minutes may be fractional. Example: `Meal:3/5;Break:4/8`.
 */
function overrides(
    raw: string | undefined,
    defaults: Thresholds,
    problems: string[]
): Record<string, Partial<Thresholds>> {
    const out: Record<string, Partial<Thresholds>> = {};
    if (!raw || raw.trim() === '') return out;
    for (const part of raw
        .split(';')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^([^:]+):([\d.]+)\/([\d.]+)(?:\/([\d.]+))?$/.exec(part);
        if (!m) {
            problems.push(`ADHERENCE_THRESHOLD_OVERRIDES: "${part}" is not Key:nudgeMin/alertMin[/exceptionMin]`);
            continue;
        }
        const t: Partial<Thresholds> = { nudgeAfterMs: Number(m[2]) * MINUTE, alertAfterMs: Number(m[3]) * MINUTE };
        if (m[4] !== undefined) t.exceptionAfterMs = Number(m[4]) * MINUTE;
        checkOrder({ ...defaults, ...t }, `ADHERENCE_THRESHOLD_OVERRIDES ${m[1].trim()}`, problems);
        out[m[1].trim()] = t;
    }
    return out;
}

/**
 * Engine settings from the environment. Reports every problem at once.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | ADHERENCE_NUDGE_AFTER_MS | 360000 | private nudge after this long out of adherence |
 * | ADHERENCE_ALERT_AFTER_MS | 600000 | supervisor alert |
 * | ADHERENCE_EXCEPTION_AFTER_MS | 900000 | formal exception |
 * | ADHERENCE_THRESHOLD_OVERRIDES | (none) | per activity, e.g. `Meal:3/5;Break:4/8` (minutes) |
 * | ADHERENCE_EXCLUDED_CATEGORIES | Meeting,Training | scheduled categories that never nudge/alert |
 * | ADHERENCE_SUPPRESS_POSITIVE_IMPACT | true | no nudge/alert when impact is Positive |
 * | ADHERENCE_DAMPEN_WINDOW_MS | 60000 | schedule republish buffer |
 * | ADHERENCE_BURST_THRESHOLD | 200 | changes per burst window that count as a republish |
 * | ADHERENCE_BURST_WINDOW_MS | 10000 | burst counter window |
 * | ADHERENCE_MAX_QUEUED | 100000 | queued events beyond which repeated observations are folded |
 */
export function parseEngineConfig(env: Env): EngineConfig {
    const problems: string[] = [];
    const thresholds: Thresholds = {
        nudgeAfterMs: durationMs(env, 'ADHERENCE_NUDGE_AFTER_MS', 6 * MINUTE, problems, 1),
        alertAfterMs: durationMs(env, 'ADHERENCE_ALERT_AFTER_MS', 10 * MINUTE, problems, 1),
        exceptionAfterMs: durationMs(env, 'ADHERENCE_EXCEPTION_AFTER_MS', 15 * MINUTE, problems, 1)
    };
    checkOrder(thresholds, 'ADHERENCE_*_AFTER_MS', problems);
    const excludedRaw = env.ADHERENCE_EXCLUDED_CATEGORIES ?? 'Meeting,Training';
    const excluded = excludedRaw
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
    for (const c of excluded) {
        if (!categories.has(c))
            problems.push(
                `ADHERENCE_EXCLUDED_CATEGORIES: unknown category "${c}" (known: ${ACTIVITY_CATEGORIES.join(', ')})`
            );
    }
    const config: EngineConfig = {
        policy: {
            thresholds,
            overrides: overrides(env.ADHERENCE_THRESHOLD_OVERRIDES, thresholds, problems),
            excludedCategories: new Set(excluded),
            suppressPositiveImpact: flag(env, 'ADHERENCE_SUPPRESS_POSITIVE_IMPACT', true, problems)
        },
        dampening: {
            windowMs: durationMs(env, 'ADHERENCE_DAMPEN_WINDOW_MS', 60_000, problems),
            burstThreshold: wholeNumber(env, 'ADHERENCE_BURST_THRESHOLD', 200, problems, 1),
            burstWindowMs: durationMs(env, 'ADHERENCE_BURST_WINDOW_MS', 10_000, problems, 1)
        },
        deadlineLeaseMs: durationMs(env, 'ADHERENCE_DEADLINE_LEASE_MS', 30_000, problems, 1),
        orphanPollMs: durationMs(env, 'ADHERENCE_ORPHAN_POLL_MS', 5_000, problems, 0),
        maxQueued: wholeNumber(env, 'ADHERENCE_MAX_QUEUED', 100_000, problems, 100)
    };
    if (problems.length > 0) throw new ConfigError(problems);
    return Object.freeze(config);
}

/** The default policy (6/10/15 minutes, Meeting and Training excluded, positive impact suppressed). */
export function defaultPolicy(): Policy {
    return parseEngineConfig({}).policy;
}
