/* eslint-disable @typescript-eslint/no-explicit-any -- hostile JSON payloads are untyped by nature */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { ActionSigner } from '../../src/adapters/teams/ActionSigner';
import { syncKeys } from '../../src/sync/RedisSyncQueue';
import { syncPartitionKeys } from '../../src/sync/SyncPartitions';
import { SYNC_DEFAULTS } from '../../src/sync/syncConfig';
import type { Logger } from '../../src/kit/Logger';
import type { LogLine } from '../support/capturingLogger';
import { FakeBotConnector } from '../support/fakeBotConnector';
import { FakeClock } from '../support/FakeClock';
import { cleanup, redisUrl, uniquePrefix } from '../support/redis';

export const FUZZ_SECRET = 'fuzz-signing-secret-0123456789abcdef0123';
export const FUZZ_TOKEN = 'fuzz-ingest-token-0123456789';
/** The agent with an open episode that no fuzzed action may change. */
export const VICTIM = { userId: 'g-victim', unit: 'mu-fuzz' };
/** Reason codes the sync ingest knows (span target). */
export const REASON_CODES = ['BREAK', 'LUNCH', 'TRAINING'];
export const LATENCY_LIMIT_MS = 2_000;

/** One request's outcome, as the checks and the figures need it. */
export interface Outcome {
    status: number;
    ms: number;
}

/** Figures of one endpoint's run (printed as JSON lines by `npm run fuzz`). */
export interface EndpointFigures {
    inputs: number;
    statuses: Record<string, number>;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
}

export function figures(outcomes: readonly Outcome[]): EndpointFigures {
    const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const at = (p: number) => ms[Math.min(ms.length - 1, Math.max(0, Math.ceil((p / 100) * ms.length) - 1))] ?? 0;
    const statuses: Record<string, number> = {};
    for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    return { inputs: outcomes.length, statuses, p50Ms: at(50), p99Ms: at(99), maxMs: ms.at(-1) ?? 0 };
}

/** Counts lines per level and keeps only the error-level ones: a long run must not grow with its own logs. */
export function countingLogger(): Logger & { counts: Record<LogLine['level'], number>; errors: LogLine[] } {
    const counts = { debug: 0, info: 0, warn: 0, error: 0 };
    const errors: LogLine[] = [];
    const count =
        (level: LogLine['level']) =>
        (fields: object, msg: string): void => {
            counts[level]++;
            if (level === 'error' && errors.length < 100)
                errors.push({ level, msg, fields: fields as Record<string, unknown> });
        };
    return { counts, errors, debug: count('debug'), info: count('info'), warn: count('warn'), error: count('error') };
}

/**
 * The product as an attacker meets it: the real app in test mode (no Bot Framework token, the most exposed form) on
 * real Redis, sync ingest on (span target; its worker never sends: the clock stands still), a fake Bot Connector for
 * the replies, and one agent with an open drift episode whose record no fuzzed card action may change.
 */
export class FuzzRig {
    readonly clock = new FakeClock();
    readonly logger = countingLogger();
    readonly connector = new FakeBotConnector();
    readonly signer = new ActionSigner(FUZZ_SECRET);
    readonly prefix = uniquePrefix('fuzz');
    readonly redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    app!: App;
    episodeId = '';
    victimBefore = '';

    async start(): Promise<void> {
        await this.connector.start();
        await this.redis.connect();
        const dir = mkdtempSync(join(tmpdir(), 'adb-fuzz-'));
        const codes = join(dir, 'codes.json');
        writeFileSync(codes, JSON.stringify(Object.fromEntries(REASON_CODES.map((c) => [c, { targetCode: c }]))));
        this.app = await createApp(
            loadConfig({
                ADHERENCE_MODE: 'test',
                PORT: '0',
                HOST: '127.0.0.1',
                REDIS_URL: redisUrl,
                REDIS_KEY_PREFIX: this.prefix,
                ACTION_SIGNING_SECRET: FUZZ_SECRET,
                SYNC_INGEST_TOKEN: FUZZ_TOKEN,
                SYNC_TARGET: 'span',
                // Never called: the worker runs on the fake clock, which the fuzz run does not move.
                SYNC_SPAN_URL: 'http://127.0.0.1:9/spans',
                SYNC_REASON_CODES_FILE: codes
            }),
            { clock: this.clock, random: () => 0.5, logger: this.logger }
        );
        this.app.engine.observe([
            {
                userId: VICTIM.userId,
                managementUnitId: VICTIM.unit,
                adherenceState: 'OutOfAdherence',
                impact: 'Negative',
                scheduledCategory: 'OnQueueWork',
                actualCategory: 'Break',
                changedAt: this.clock.now()
            }
        ]);
        await this.app.engine.idle();
        const record = this.app.engine.agent(VICTIM.userId);
        const state = record?.state as { episode?: { id: string } } | undefined;
        if (!state?.episode) throw new Error('the victim has no open episode');
        this.episodeId = state.episode.id;
        this.victimBefore = JSON.stringify(record);
    }

    async stop(): Promise<void> {
        await this.app?.close();
        await this.connector.stop();
        await cleanup(this.prefix, this.redis);
        this.redis.disconnect();
    }

    /** The victim's record is as it was: no fuzzed action was applied. */
    victimUnchanged(): boolean {
        return JSON.stringify(this.app.engine.agent(VICTIM.userId)) === this.victimBefore;
    }

    async post(path: string, body: string, headers: Record<string, string>): Promise<Outcome & { text: string }> {
        // The connector keeps what it received; the rig's memory must not count against the product's.
        if (this.connector.requests.length > 1_000) this.connector.requests.splice(0, this.connector.requests.length);
        const started = performance.now();
        const res = await fetch(`${this.app.url}${path}`, { method: 'POST', headers, body });
        const text = await res.text();
        return { status: res.status, ms: performance.now() - started, text };
    }

    /** The sync queue's streams: one per partition, and the one from before partitions. */
    private syncStreams(): string[] {
        const prefix = `${this.prefix}sync:`;
        const partitions = Array.from({ length: SYNC_DEFAULTS.partitions }, (_, p) => p);
        return [...partitions, 'legacy' as const].map((p) => syncPartitionKeys(prefix, p).stream);
    }

    /** Sync queue sizes: entries in the streams and dead letters (the worker is still, so both only grow). */
    async syncCounts(): Promise<{ queued: number; dead: number }> {
        const lengths = await Promise.all(this.syncStreams().map((stream) => this.redis.xlen(stream)));
        const dead = await this.redis.llen(syncKeys(`${this.prefix}sync:`).deadLetters);
        return { queued: lengths.reduce((a, b) => a + b, 0), dead };
    }

    /** Every queued sync event (to check each accepted one is valid). */
    async queuedEvents(): Promise<any[]> {
        const events: any[] = [];
        for (const stream of this.syncStreams())
            for (const [, fields] of await this.redis.xrange(stream, '-', '+'))
                events.push(JSON.parse(fields[fields.indexOf('e') + 1]));
        return events;
    }

    rssMb(): number {
        return process.memoryUsage().rss / 1_048_576;
    }
}

/** Problems with a queued sync event: what the ingest promised to accept only (empty when valid). */
export function eventProblems(e: any, now: number): string[] {
    const problems: string[] = [];
    const str = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 256;
    if (!str(e.agentId)) problems.push('agentId');
    if (!str(e.state)) problems.push('state');
    if (!REASON_CODES.includes(e.reasonCode)) problems.push('reasonCode');
    if (e.target !== e.reasonCode) problems.push('target');
    if (!Number.isFinite(e.startAt) || e.startAt > now + 86_400_000 || e.startAt < now - 35 * 86_400_000)
        problems.push('startAt');
    if (e.endAt !== undefined && !(Number.isFinite(e.endAt) && e.endAt > e.startAt)) problems.push('endAt');
    return problems;
}
