import type { Clock, TimerHandle } from '../domain/clock';
import type { AgentStateStore } from '../engine/ports';
import { ANALYTICS_DEFAULTS } from './analyticsConfig';

const DAY_MS = 86_400_000;

export interface RetentionJobDeps {
    store: Pick<AgentStateStore, 'trimLog'>;
    clock: Clock;
    /** Days of episode log kept (`ADHERENCE_LOG_RETENTION_DAYS`). */
    retentionDays: number;
    /** Time between trims, ms. @default 3600000 */
    intervalMs?: number;
    /** Called after each successful trim. */
    onTrimmed?: (result: { beforeAt: number; trimmed: number }) => void;
    /** Called when a trim fails; the job keeps running and tries again at the next interval. */
    onError?: (err: unknown) => void;
}

export interface RetentionJob {
    /** Trim now, then every `intervalMs`. Idempotent. */
    start(): void;
    /** Cancel the next trim; a trim in flight completes. Resolves when it has. */
    stop(): Promise<void>;
    /** Trim entries older than `now - retentionDays` once; returns how many were dropped. */
    runOnce(): Promise<number>;
}

/**
 * Enforces episode log retention through `store.trimLog`, driven by the injected clock.
 * Runs never overlap.
 */
export function createRetentionJob(deps: RetentionJobDeps): RetentionJob {
    if (!Number.isInteger(deps.retentionDays) || deps.retentionDays < 1) {
        throw new RangeError('createRetentionJob: retentionDays must be a whole number >= 1');
    }
    const intervalMs = deps.intervalMs ?? ANALYTICS_DEFAULTS.trimIntervalMs;
    if (!(intervalMs > 0)) throw new RangeError('createRetentionJob: intervalMs must be > 0');
    let timer: TimerHandle | undefined;
    let running = false;
    let inFlight: Promise<unknown> = Promise.resolve();

    async function runOnce(): Promise<number> {
        const beforeAt = deps.clock.now() - deps.retentionDays * DAY_MS;
        const trimmed = await deps.store.trimLog(beforeAt);
        deps.onTrimmed?.({ beforeAt, trimmed });
        return trimmed;
    }

    function schedule(ms: number): void {
        timer = deps.clock.setTimeout(tick, ms);
    }

    function tick(): void {
        timer = undefined;
        if (!running) return;
        inFlight = runOnce()
            .catch((err: unknown) => deps.onError?.(err))
            .finally(() => {
                if (running) schedule(intervalMs);
            });
    }

    return {
        start() {
            if (running) return;
            running = true;
            schedule(0);
        },
        async stop() {
            running = false;
            if (timer !== undefined) deps.clock.clearTimeout(timer);
            timer = undefined;
            await inFlight;
        },
        runOnce
    };
}
