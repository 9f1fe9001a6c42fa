import { readFileSync } from 'node:fs';
import { matrixProblems, type TransitionMatrix } from './pipeline/applyTransitionMatrix';
import type { ReasonCodeTable, TargetKind } from './pipeline/translateReason';
import { parseEnv, type Env, type EnvReader } from '../kit/env';
import type { Secret } from '../kit/Secret';

/** Sync worker configuration (frozen). Every duration in ms. */
export interface SyncConfig {
    /** Ingest endpoint enabled (SYNC_INGEST_TOKEN set). When false everything else is defaults. */
    readonly enabled: boolean;
    /** SYNC_INGEST_TOKEN: bearer token of `POST /api/sync/events` and `GET /api/sync/diagnostics`. */
    readonly ingestToken: Secret | undefined;
    /** SYNC_TARGET. @default 'presence' */
    readonly target: TargetKind;
    /** SYNC_PRESENCE_SOURCE_ID: the registered presence source written to (presence target). */
    readonly presenceSourceId: string | undefined;
    /** SYNC_SPAN_URL (span target). */
    readonly spanUrl: string | undefined;
    /** From SYNC_REASON_CODES_FILE. */
    readonly reasonCodes: ReasonCodeTable;
    /** From SYNC_TRANSITIONS_FILE. @default allow everything */
    readonly transitions: TransitionMatrix;
    /** From SYNC_AGENT_MAP_FILE: external agent id → Genesys user id. @default {} */
    readonly agentMap: Readonly<Record<string, string>>;
    /** SYNC_TIME_ZONE, IANA, the compliance day of span targets. @default 'UTC' */
    readonly timeZone: string;
    /** SYNC_RECONCILE_INTERVAL_MS. @default 10000 */
    readonly reconcileIntervalMs: number;
    /** SYNC_RECONCILE_MISMATCH_MS: a difference older than this becomes a diagnostic. @default 30000 */
    readonly reconcileMismatchMs: number;
    /** SYNC_REQUESTS_PER_MINUTE: the target's real limit. @default 300 */
    readonly requestsPerMinute: number;
    /** SYNC_MAX_BODY_BYTES (413 above). @default 1048576 */
    readonly maxBodyBytes: number;
    /** SYNC_MAX_BATCH: items per ingest request. @default 5000 */
    readonly maxBatch: number;
    /** SYNC_READ_BATCH: queue entries processed per worker step. @default 1000 */
    readonly readBatch: number;
    /** SYNC_BULK_MAX: users per bulk presence call. @default 50 */
    readonly bulkMax: number;
    /** SYNC_POLL_INTERVAL_MS: worker step period when the queue is empty. @default 250 */
    readonly pollIntervalMs: number;
    /**
     * SYNC_PARTITIONS: the queue's partitions (by agent); each is read by one instance at a time, so one agent's
     * events are applied in source order across instances. Change it only while the queue is empty. @default 16
     */
    readonly partitions: number;
    /**
     * SYNC_PARTITION_LEASE_MS: how long an instance's lease of a partition lasts without renewal (renewed every third
     * of it); a dead instance's partitions are taken over after about this long. @default 10000
     */
    readonly partitionLeaseMs: number;
    /** SYNC_BREAKER_MIN_SUCCESS_RATE. @default 0.85 */
    readonly breakerMinSuccessRate: number;
    /** SYNC_BREAKER_WINDOW_MS. @default 10000 */
    readonly breakerWindowMs: number;
    /** SYNC_BREAKER_MIN_REQUESTS in the window before the rate is judged. @default 10 */
    readonly breakerMinRequests: number;
    /** SYNC_BREAKER_PAUSE_MS. @default 5000 */
    readonly breakerPauseMs: number;
    /** SYNC_REQUEST_TIMEOUT_MS. @default 15000 */
    readonly requestTimeoutMs: number;
    /** SYNC_MAX_ATTEMPTS per request before the entry is left pending for the next step. @default 5 */
    readonly maxAttempts: number;
    /**
     * SYNC_DEAD_LETTER_ITEM_MAX_CHARS: most characters of a refused item's JSON kept in its dead letter; a longer item
     * is kept cut to this length (marked `truncated`), one that cannot be serialised as a short summary. @default 4096
     */
    readonly deadLetterItemMaxChars: number;
    /** SYNC_MAX_FUTURE_MS: an event may start (or end) at most this far after now; later is refused. @default 86400000 */
    readonly maxFutureMs: number;
    /**
     * SYNC_MAX_AGE_MS: an event may start at most this long before now (the episode log's retention, 35 days); older is
     * refused. @default 3024000000
     */
    readonly maxAgeMs: number;
    /**
     * SYNC_SET_PRIMARY_SOURCE: make the worker's presence source the primary source of every synced agent whose
     * primary source is another one (needs `presence:userPrimarySource:edit`); otherwise such agents are only reported.
     * @default false
     */
    readonly setPrimarySource: boolean;
    /**
     * SYNC_PRIMARY_CHECK_INTERVAL_MS: how often every synced agent's primary source is checked again. @default 3600000
     */
    readonly primaryCheckIntervalMs: number;
}

/** The sync worker's defaults: the one place they are declared (the sync queue falls back to them too). */
export const SYNC_DEFAULTS = Object.freeze({
    target: 'presence' as TargetKind,
    timeZone: 'UTC',
    reconcileIntervalMs: 10_000,
    reconcileMismatchMs: 30_000,
    requestsPerMinute: 300,
    maxBodyBytes: 1_048_576,
    maxBatch: 5000,
    readBatch: 1000,
    bulkMax: 50,
    pollIntervalMs: 250,
    partitions: 16,
    partitionLeaseMs: 10_000,
    breakerMinSuccessRate: 0.85,
    breakerWindowMs: 10_000,
    breakerMinRequests: 10,
    breakerPauseMs: 5000,
    requestTimeoutMs: 15_000,
    maxAttempts: 5,
    deadLetterItemMaxChars: 4096,
    maxFutureMs: 86_400_000,
    maxAgeMs: 35 * 86_400_000,
    setPrimarySource: false,
    primaryCheckIntervalMs: 3_600_000
});

/** The numeric settings, in the order their problems are listed. */
function readTuning(env: EnvReader) {
    const d = SYNC_DEFAULTS;
    return {
        reconcileIntervalMs: env.duration('SYNC_RECONCILE_INTERVAL_MS', d.reconcileIntervalMs, { min: 100 }),
        reconcileMismatchMs: env.duration('SYNC_RECONCILE_MISMATCH_MS', d.reconcileMismatchMs),
        requestsPerMinute: env.integer('SYNC_REQUESTS_PER_MINUTE', d.requestsPerMinute, { min: 1 }),
        maxBodyBytes: env.integer('SYNC_MAX_BODY_BYTES', d.maxBodyBytes, { min: 1024 }),
        maxBatch: env.integer('SYNC_MAX_BATCH', d.maxBatch, { min: 1 }),
        readBatch: env.integer('SYNC_READ_BATCH', d.readBatch, { min: 1 }),
        bulkMax: env.integer('SYNC_BULK_MAX', d.bulkMax, { min: 1 }),
        pollIntervalMs: env.duration('SYNC_POLL_INTERVAL_MS', d.pollIntervalMs, { min: 1 }),
        partitions: env.integer('SYNC_PARTITIONS', d.partitions, { min: 1, max: 1024 }),
        partitionLeaseMs: env.duration('SYNC_PARTITION_LEASE_MS', d.partitionLeaseMs, { min: 1000 }),
        breakerMinSuccessRate: env.number('SYNC_BREAKER_MIN_SUCCESS_RATE', d.breakerMinSuccessRate, { max: 1 }),
        breakerWindowMs: env.duration('SYNC_BREAKER_WINDOW_MS', d.breakerWindowMs, { min: 100 }),
        breakerMinRequests: env.integer('SYNC_BREAKER_MIN_REQUESTS', d.breakerMinRequests, { min: 1 }),
        breakerPauseMs: env.duration('SYNC_BREAKER_PAUSE_MS', d.breakerPauseMs),
        requestTimeoutMs: env.duration('SYNC_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, { min: 100 }),
        maxAttempts: env.integer('SYNC_MAX_ATTEMPTS', d.maxAttempts, { min: 1 }),
        deadLetterItemMaxChars: env.integer('SYNC_DEAD_LETTER_ITEM_MAX_CHARS', d.deadLetterItemMaxChars, { min: 256 }),
        maxFutureMs: env.duration('SYNC_MAX_FUTURE_MS', d.maxFutureMs, { min: 60_000 }),
        maxAgeMs: env.duration('SYNC_MAX_AGE_MS', d.maxAgeMs, { min: 60_000 }),
        setPrimarySource: env.flag('SYNC_SET_PRIMARY_SOURCE', d.setPrimarySource),
        primaryCheckIntervalMs: env.duration('SYNC_PRIMARY_CHECK_INTERVAL_MS', d.primaryCheckIntervalMs, {
            min: 10_000
        })
    };
}

/** Reads a config file's text (test seam). */
export type ReadText = (path: string) => string;

function readJson(env: EnvReader, name: string, read: ReadText): unknown {
    const path = env.text(name);
    if (path === undefined) return undefined;
    try {
        return JSON.parse(read(path));
    } catch (e) {
        env.problem(`${name}: cannot read JSON from ${path}: ${(e as Error).message}`);
        return undefined;
    }
}

/** `SYNC_REASON_CODES_FILE`: required when the worker is on; every code needs the target's field. */
function readReasonCodes(env: EnvReader, target: TargetKind, read: ReadText): ReasonCodeTable {
    if (!env.isSet('SYNC_REASON_CODES_FILE')) {
        env.problem('SYNC_REASON_CODES_FILE: required when the sync worker is on');
        return {};
    }
    const table = readJson(env, 'SYNC_REASON_CODES_FILE', read);
    if (table === undefined) return {};
    if (typeof table !== 'object' || table === null || Array.isArray(table)) {
        env.problem('SYNC_REASON_CODES_FILE: must be an object of reasonCode → {presenceDefinitionId, targetCode}');
        return {};
    }
    const field = target === 'presence' ? 'presenceDefinitionId' : 'targetCode';
    for (const [code, entry] of Object.entries(table as Record<string, unknown>)) {
        const e = entry as Record<string, unknown> | null;
        if (typeof e !== 'object' || e === null || typeof e[field] !== 'string')
            env.problem(`SYNC_REASON_CODES_FILE: "${code}" needs a string ${field}`);
    }
    return table as ReasonCodeTable;
}

const ALLOW_ALL: TransitionMatrix = { default: 'allow', rules: [] };

/** `SYNC_TRANSITIONS_FILE`: the transition matrix. @default allow everything */
function readTransitions(env: EnvReader, read: ReadText): TransitionMatrix {
    const m = readJson(env, 'SYNC_TRANSITIONS_FILE', read);
    if (m === undefined) return ALLOW_ALL;
    const problems = matrixProblems(m);
    for (const p of problems) env.problem(`SYNC_TRANSITIONS_FILE: ${p}`);
    return problems.length === 0 ? (m as TransitionMatrix) : ALLOW_ALL;
}

/** `SYNC_AGENT_MAP_FILE`: external agent id → Genesys user id. @default {} */
function readAgentMap(env: EnvReader, read: ReadText): Record<string, string> {
    const m = readJson(env, 'SYNC_AGENT_MAP_FILE', read);
    if (m === undefined) return {};
    if (
        typeof m !== 'object' ||
        m === null ||
        Array.isArray(m) ||
        Object.values(m).some((x) => typeof x !== 'string')
    ) {
        env.problem('SYNC_AGENT_MAP_FILE: must be an object of externalId → Genesys user id');
        return {};
    }
    return m as Record<string, string>;
}

/**
 * Reads the sync worker's settings (the variables of {@link SyncConfig}) and, when it is on, the files they name;
 * problems go to `env`, never the token.
 */
export function readSyncConfig(env: EnvReader, readText: ReadText = (p) => readFileSync(p, 'utf8')): SyncConfig {
    const target = env.oneOf('SYNC_TARGET', ['presence', 'span'] as const, SYNC_DEFAULTS.target);
    const spanUrl = env.url('SYNC_SPAN_URL');
    const tuning = readTuning(env);
    const ingestToken = env.secret('SYNC_INGEST_TOKEN', { minLength: 16 });
    const enabled = env.isSet('SYNC_INGEST_TOKEN');
    const timeZone = env.timeZone('SYNC_TIME_ZONE', SYNC_DEFAULTS.timeZone);
    const presenceSourceId = env.text('SYNC_PRESENCE_SOURCE_ID');
    if (enabled && target === 'presence' && !presenceSourceId)
        env.problem('SYNC_PRESENCE_SOURCE_ID: required when SYNC_TARGET=presence');
    if (enabled && target === 'span' && !env.isSet('SYNC_SPAN_URL'))
        env.problem('SYNC_SPAN_URL: required when SYNC_TARGET=span');
    return Object.freeze({
        enabled,
        ingestToken,
        target,
        presenceSourceId,
        spanUrl,
        reasonCodes: Object.freeze({ ...(enabled ? readReasonCodes(env, target, readText) : {}) }),
        transitions: Object.freeze(enabled ? readTransitions(env, readText) : ALLOW_ALL),
        agentMap: Object.freeze({ ...(enabled ? readAgentMap(env, readText) : {}) }),
        timeZone,
        ...tuning
    });
}

/** The sync settings of `env` (and the files they name), or one `ConfigError` listing every problem. */
export function parseSyncConfig(env: Env, readText?: ReadText): SyncConfig {
    return parseEnv(env, (reader) => readSyncConfig(reader, readText));
}
