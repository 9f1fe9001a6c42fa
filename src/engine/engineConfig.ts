import type { DampenerConfig } from '../domain/adherence/Dampener';
import { ACTIVITY_CATEGORIES, type Policy, type Thresholds } from '../domain/adherence/types';
import { parseEnv, type Env, type EnvReader } from '../kit/env';

/** Drift engine settings, read from the environment by {@link readEngineConfig}. */
export interface EngineConfig {
    /**
     * Thresholds (`ADHERENCE_NUDGE_AFTER_MS`, `…_ALERT_…`, `…_EXCEPTION_…`, ms; @default 360000 / 600000 / 900000),
     * per-activity overrides (`ADHERENCE_THRESHOLD_OVERRIDES`, minutes: `Meal:3/5;Break:4/8`; @default none),
     * excluded categories (`ADHERENCE_EXCLUDED_CATEGORIES`; @default Meeting,Training),
     * `ADHERENCE_SUPPRESS_POSITIVE_IMPACT` (@default true), `ADHERENCE_DEFER_WHILE_INTERACTING` (a nudge or alert due
     * while the agent is on an interaction waits for its end; @default true) and the escalation of an alert nobody acts
     * on (`ADHERENCE_ESCALATE_AFTER_MS`, @default 300000; `ADHERENCE_ESCALATION_LEVELS`, 0 = off, @default 1).
     */
    policy: Policy;
    /**
     * Schedule-republish dampening: `ADHERENCE_DAMPEN_WINDOW_MS` (ms, @default 60000), `ADHERENCE_BURST_THRESHOLD`
     * (changes, @default 200), `ADHERENCE_BURST_WINDOW_MS` (ms, @default 10000).
     */
    dampening: DampenerConfig;
    /** `ADHERENCE_DEADLINE_LEASE_MS`: how long a claimed deadline belongs to this instance, ms. @default 8000 */
    deadlineLeaseMs: number;
    /** `ADHERENCE_ORPHAN_POLL_MS`: how often to pick up other instances' overdue deadlines, ms; 0 = off. @default 3000 */
    orphanPollMs: number;
    /** `ADHERENCE_MAX_QUEUED`: queued events beyond which repeated observations are folded. @default 100000 */
    maxQueued: number;
}

const MINUTE = 60_000;

/** The engine's defaults: the one place they are declared (the engine's constructor falls back to them too). */
export const ENGINE_DEFAULTS = Object.freeze({
    thresholds: Object.freeze({ nudgeAfterMs: 6 * MINUTE, alertAfterMs: 10 * MINUTE, exceptionAfterMs: 15 * MINUTE }),
    excludedCategories: Object.freeze(['Meeting', 'Training']),
    suppressPositiveImpact: true,
    escalation: Object.freeze({ afterMs: 5 * MINUTE, levels: 1 }),
    deferWhileInteracting: true,
    dampening: Object.freeze({ windowMs: 60_000, burstThreshold: 200, burstWindowMs: 10_000 }),
    deadlineLeaseMs: 8_000,
    orphanPollMs: 3_000,
    maxQueued: 100_000
});

function checkOrder(t: Thresholds, where: string, env: EnvReader): void {
    if (!(t.nudgeAfterMs < t.alertAfterMs && t.alertAfterMs < t.exceptionAfterMs)) {
        env.problem(
            `${where}: thresholds must satisfy nudge < alert < exception (got ${t.nudgeAfterMs}/${t.alertAfterMs}/${t.exceptionAfterMs} ms)`
        );
    }
}

/**
 * `ADHERENCE_THRESHOLD_OVERRIDES`: `Key:nudgeMin/alertMin[/exceptionMin];…` where Key is an activity category (e.g.
 * `Meal`) or an activity code id; minutes may be fractional. Example: `Meal:3/5;Break:4/8`.
 */
function overrides(env: EnvReader, defaults: Thresholds): Record<string, Partial<Thresholds>> {
    const out: Record<string, Partial<Thresholds>> = {};
    for (const part of (env.text('ADHERENCE_THRESHOLD_OVERRIDES') ?? '')
        .split(';')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^([^:]+):([\d.]+)\/([\d.]+)(?:\/([\d.]+))?$/.exec(part);
        if (!m) {
            env.problem(`ADHERENCE_THRESHOLD_OVERRIDES: "${part}" is not Key:nudgeMin/alertMin[/exceptionMin]`);
            continue;
        }
        const t: Partial<Thresholds> = { nudgeAfterMs: Number(m[2]) * MINUTE, alertAfterMs: Number(m[3]) * MINUTE };
        if (m[4] !== undefined) t.exceptionAfterMs = Number(m[4]) * MINUTE;
        checkOrder({ ...defaults, ...t }, `ADHERENCE_THRESHOLD_OVERRIDES ${m[1].trim()}`, env);
        out[m[1].trim()] = t;
    }
    return out;
}

/** `ADHERENCE_ESCALATE_AFTER_MS` and `ADHERENCE_ESCALATION_LEVELS` (0: no escalation). */
function escalation(env: EnvReader): Pick<Policy, 'escalation'> {
    const d = ENGINE_DEFAULTS.escalation;
    const afterMs = env.duration('ADHERENCE_ESCALATE_AFTER_MS', d.afterMs, { min: 1_000, max: 24 * 60 * MINUTE });
    const levels = env.integer('ADHERENCE_ESCALATION_LEVELS', d.levels, { min: 0, max: 5 });
    return levels === 0 ? {} : { escalation: { afterMs, levels } };
}

/** Reads the engine settings (the variables of {@link EngineConfig}); problems go to `env`. */
export function readEngineConfig(env: EnvReader): EngineConfig {
    const d = ENGINE_DEFAULTS;
    const thresholds: Thresholds = {
        nudgeAfterMs: env.duration('ADHERENCE_NUDGE_AFTER_MS', d.thresholds.nudgeAfterMs, { min: 1 }),
        alertAfterMs: env.duration('ADHERENCE_ALERT_AFTER_MS', d.thresholds.alertAfterMs, { min: 1 }),
        exceptionAfterMs: env.duration('ADHERENCE_EXCEPTION_AFTER_MS', d.thresholds.exceptionAfterMs, { min: 1 })
    };
    checkOrder(thresholds, 'ADHERENCE_*_AFTER_MS', env);
    const excluded = env.list('ADHERENCE_EXCLUDED_CATEGORIES', {
        default: d.excludedCategories,
        oneOf: ACTIVITY_CATEGORIES
    });
    return Object.freeze({
        policy: {
            thresholds,
            overrides: overrides(env, thresholds),
            excludedCategories: new Set(excluded),
            suppressPositiveImpact: env.flag('ADHERENCE_SUPPRESS_POSITIVE_IMPACT', d.suppressPositiveImpact),
            deferWhileInteracting: env.flag('ADHERENCE_DEFER_WHILE_INTERACTING', d.deferWhileInteracting),
            ...escalation(env)
        },
        dampening: {
            windowMs: env.duration('ADHERENCE_DAMPEN_WINDOW_MS', d.dampening.windowMs),
            burstThreshold: env.integer('ADHERENCE_BURST_THRESHOLD', d.dampening.burstThreshold, { min: 1 }),
            burstWindowMs: env.duration('ADHERENCE_BURST_WINDOW_MS', d.dampening.burstWindowMs, { min: 1 })
        },
        deadlineLeaseMs: env.duration('ADHERENCE_DEADLINE_LEASE_MS', d.deadlineLeaseMs, { min: 1 }),
        orphanPollMs: env.duration('ADHERENCE_ORPHAN_POLL_MS', d.orphanPollMs),
        maxQueued: env.integer('ADHERENCE_MAX_QUEUED', d.maxQueued, { min: 100 })
    });
}

/** The engine settings of `env`, or one `ConfigError` listing every problem. */
export function parseEngineConfig(env: Env): EngineConfig {
    return parseEnv(env, readEngineConfig);
}

/** The default policy (6/10/15 minutes, Meeting and Training excluded, positive impact suppressed). */
export function defaultPolicy(): Policy {
    return parseEngineConfig({}).policy;
}
