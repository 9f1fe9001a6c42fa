import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { matrixProblems, type TransitionMatrix } from './pipeline/applyTransitionMatrix';
import { assertTimeZone } from './pipeline/splitAtMidnight';
import type { ReasonCodeTable, TargetKind } from './pipeline/translateReason';
import { SyncError } from './SyncError';

/** Sync worker configuration (frozen). Every duration in ms. */
export interface SyncConfig {
    /** Ingest endpoint enabled (SYNC_INGEST_TOKEN set). When false everything else is defaults. */
    readonly enabled: boolean;
    /** Bearer token of `POST /api/sync/events` and `GET /api/sync/diagnostics`. Never logged (toJSON redacts). */
    readonly ingestToken: string | undefined;
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
    /** SYNC_CLAIM_IDLE_MS: re-claim other consumers' pending entries idle this long. @default 60000 */
    readonly claimIdleMs: number;
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
}

const int = (def: number, min = 0) =>
    z
        .string()
        .optional()
        .transform((v, ctx) => {
            if (v === undefined || v === '') return def;
            const n = Number(v);
            if (!Number.isInteger(n) || n < min) {
                ctx.addIssue({ code: 'custom', message: `must be an integer ≥ ${min}` });
                return def;
            }
            return n;
        });

const schema = z.object({
    SYNC_INGEST_TOKEN: z.string().optional(),
    SYNC_TARGET: z.enum(['presence', 'span']).optional(),
    SYNC_PRESENCE_SOURCE_ID: z.string().optional(),
    SYNC_SPAN_URL: z.string().url().optional(),
    SYNC_REASON_CODES_FILE: z.string().optional(),
    SYNC_TRANSITIONS_FILE: z.string().optional(),
    SYNC_AGENT_MAP_FILE: z.string().optional(),
    SYNC_TIME_ZONE: z.string().optional(),
    SYNC_RECONCILE_INTERVAL_MS: int(10_000, 100),
    SYNC_RECONCILE_MISMATCH_MS: int(30_000, 0),
    SYNC_REQUESTS_PER_MINUTE: int(300, 1),
    SYNC_MAX_BODY_BYTES: int(1_048_576, 1024),
    SYNC_MAX_BATCH: int(5000, 1),
    SYNC_READ_BATCH: int(1000, 1),
    SYNC_BULK_MAX: int(50, 1),
    SYNC_POLL_INTERVAL_MS: int(250, 1),
    SYNC_CLAIM_IDLE_MS: int(60_000, 0),
    SYNC_BREAKER_MIN_SUCCESS_RATE: z
        .string()
        .optional()
        .transform((v, ctx) => {
            if (v === undefined || v === '') return 0.85;
            const n = Number(v);
            if (!(n >= 0 && n <= 1)) ctx.addIssue({ code: 'custom', message: 'must be a number in [0, 1]' });
            return n;
        }),
    SYNC_BREAKER_WINDOW_MS: int(10_000, 100),
    SYNC_BREAKER_MIN_REQUESTS: int(10, 1),
    SYNC_BREAKER_PAUSE_MS: int(5000, 0),
    SYNC_REQUEST_TIMEOUT_MS: int(15_000, 100),
    SYNC_MAX_ATTEMPTS: int(5, 1)
});

/** Reads a config file's text (test seam). */
export type ReadText = (path: string) => string;

function readJson(path: string, name: string, read: ReadText, problems: string[]): unknown {
    try {
        return JSON.parse(read(path));
    } catch (e) {
        problems.push(`${name}: cannot read JSON from ${path}: ${(e as Error).message}`);
        return undefined;
    }
}

/**
 * Parse the sync worker's env vars (and the files they name) into a frozen config, or throw one
 * `SyncError('SYNC_CONFIG_INVALID')` listing every problem (in its message, and one per item in `problems`). The
 * token never appears in either.
 */
export function parseSyncConfig(
    env: Record<string, string | undefined>,
    readText: ReadText = (p) => readFileSync(p, 'utf8')
): SyncConfig {
    const problems: string[] = [];
    const parsed = schema.safeParse(env);
    if (!parsed.success)
        for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    const v = parsed.success ? parsed.data : schema.parse({});
    const token = env.SYNC_INGEST_TOKEN || undefined;
    const enabled = token !== undefined;
    const target: TargetKind = env.SYNC_TARGET === 'span' ? 'span' : 'presence';
    if (token !== undefined && token.length < 16) problems.push('SYNC_INGEST_TOKEN: must be at least 16 characters');
    const timeZone = env.SYNC_TIME_ZONE || 'UTC';
    try {
        assertTimeZone(timeZone);
    } catch {
        problems.push(`SYNC_TIME_ZONE: "${timeZone}" is not a known IANA time zone`);
    }
    let reasonCodes: ReasonCodeTable = {};
    let transitions: TransitionMatrix = { default: 'allow', rules: [] };
    let agentMap: Record<string, string> = {};
    if (enabled) {
        if (target === 'presence' && !env.SYNC_PRESENCE_SOURCE_ID)
            problems.push('SYNC_PRESENCE_SOURCE_ID: required when SYNC_TARGET=presence');
        if (target === 'span' && !env.SYNC_SPAN_URL) problems.push('SYNC_SPAN_URL: required when SYNC_TARGET=span');
        if (!env.SYNC_REASON_CODES_FILE) problems.push('SYNC_REASON_CODES_FILE: required when the sync worker is on');
        else {
            const table = readJson(env.SYNC_REASON_CODES_FILE, 'SYNC_REASON_CODES_FILE', readText, problems);
            if (table !== undefined) {
                if (typeof table !== 'object' || table === null || Array.isArray(table))
                    problems.push(
                        'SYNC_REASON_CODES_FILE: must be an object of reasonCode → {presenceDefinitionId, targetCode}'
                    );
                else {
                    const field = target === 'presence' ? 'presenceDefinitionId' : 'targetCode';
                    for (const [code, entry] of Object.entries(table as Record<string, unknown>)) {
                        const e = entry as Record<string, unknown> | null;
                        if (typeof e !== 'object' || e === null || typeof e[field] !== 'string')
                            problems.push(`SYNC_REASON_CODES_FILE: "${code}" needs a string ${field}`);
                    }
                    reasonCodes = table as ReasonCodeTable;
                }
            }
        }
        if (env.SYNC_TRANSITIONS_FILE) {
            const m = readJson(env.SYNC_TRANSITIONS_FILE, 'SYNC_TRANSITIONS_FILE', readText, problems);
            if (m !== undefined) {
                const p = matrixProblems(m);
                problems.push(...p.map((x) => `SYNC_TRANSITIONS_FILE: ${x}`));
                if (p.length === 0) transitions = m as TransitionMatrix;
            }
        }
        if (env.SYNC_AGENT_MAP_FILE) {
            const m = readJson(env.SYNC_AGENT_MAP_FILE, 'SYNC_AGENT_MAP_FILE', readText, problems);
            if (m !== undefined) {
                if (
                    typeof m !== 'object' ||
                    m === null ||
                    Array.isArray(m) ||
                    Object.values(m).some((x) => typeof x !== 'string')
                )
                    problems.push('SYNC_AGENT_MAP_FILE: must be an object of externalId → Genesys user id');
                else agentMap = m as Record<string, string>;
            }
        }
    }
    if (problems.length > 0)
        throw new SyncError('SYNC_CONFIG_INVALID', `Invalid sync configuration:\n- ${problems.join('\n- ')}`, {
            problems
        });
    const config: SyncConfig = {
        enabled,
        ingestToken: token,
        target,
        presenceSourceId: env.SYNC_PRESENCE_SOURCE_ID || undefined,
        spanUrl: env.SYNC_SPAN_URL || undefined,
        reasonCodes: Object.freeze({ ...reasonCodes }),
        transitions: Object.freeze(transitions),
        agentMap: Object.freeze({ ...agentMap }),
        timeZone,
        reconcileIntervalMs: v.SYNC_RECONCILE_INTERVAL_MS,
        reconcileMismatchMs: v.SYNC_RECONCILE_MISMATCH_MS,
        requestsPerMinute: v.SYNC_REQUESTS_PER_MINUTE,
        maxBodyBytes: v.SYNC_MAX_BODY_BYTES,
        maxBatch: v.SYNC_MAX_BATCH,
        readBatch: v.SYNC_READ_BATCH,
        bulkMax: v.SYNC_BULK_MAX,
        pollIntervalMs: v.SYNC_POLL_INTERVAL_MS,
        claimIdleMs: v.SYNC_CLAIM_IDLE_MS,
        breakerMinSuccessRate: v.SYNC_BREAKER_MIN_SUCCESS_RATE,
        breakerWindowMs: v.SYNC_BREAKER_WINDOW_MS,
        breakerMinRequests: v.SYNC_BREAKER_MIN_REQUESTS,
        breakerPauseMs: v.SYNC_BREAKER_PAUSE_MS,
        requestTimeoutMs: v.SYNC_REQUEST_TIMEOUT_MS,
        maxAttempts: v.SYNC_MAX_ATTEMPTS
    };
    Object.defineProperty(config, 'toJSON', {
        enumerable: false,
        value: () => ({ ...config, ingestToken: token === undefined ? undefined : '[redacted]' })
    });
    return Object.freeze(config);
}
