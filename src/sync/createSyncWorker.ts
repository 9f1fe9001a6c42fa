import type { AxiosInstance } from 'axios';
import type { Clock, Random } from '../domain/clock';
import { formatIsoUtc } from '../domain/isoInstant';
import type { TokenManager } from '../adapters/genesys/tokenManager';
import { clockSleep, type Sleep } from '../kit/abort';
import { CircuitBreaker, type BreakerState } from '../kit/CircuitBreaker';
import { silentLogger, type Logger } from '../kit/Logger';
import { SuccessRateBreaker } from '../kit/SuccessRateBreaker';
import { TokenBucket } from '../kit/TokenBucket';
import { ConfigFailureTracker } from './ConfigFailureTracker';
import { createSyncMetrics, type SyncMetrics } from './createSyncMetrics';
import { DiagnosticsLog, type SyncDiagnostics } from './DiagnosticsLog';
import type { SyncConfig } from './syncConfig';
import { presenceTarget } from './presenceTarget';
import { PrimarySourceCheck } from './PrimarySourceCheck';
import { Reconciler } from './Reconciler';
import { spanTarget } from './spanTarget';
import { StepRunner, type SyncStats } from './StepRunner';
import { SyncLoop } from './SyncLoop';
import { SyncHttp } from './SyncHttp';
import type { SyncQueue } from './SyncQueue';

export interface SyncWorkerDeps {
    config: SyncConfig;
    queue: SyncQueue;
    clock: Clock;
    /** Jitter source (test seam). */
    random: Random;
    /** Waits between retries. @default clockSleep(clock) */
    sleep?: Sleep;
    /** Genesys REST base, e.g. `https://api.mypurecloud.com` (presence target and reconcile). */
    apiBaseUrl?: string;
    /** The shared Genesys token manager (required for the presence target; used for the span target when given). */
    tokens?: TokenManager;
    /** Token bucket at the target's limit. @default a new one at config.requestsPerMinute */
    limiter?: TokenBucket;
    metrics?: SyncMetrics;
    logger?: Logger;
    /** Agents sent concurrently on the span target. @default 16 */
    spanConcurrency?: number;
    /** Test seam for the HTTP client. */
    http?: AxiosInstance;
}

export interface SyncStatus {
    running: boolean;
    target: SyncConfig['target'];
    breakerState: BreakerState;
    /** Entries waiting for a retry in this process (still pending in the queue). */
    retrying: number;
    delivered: number;
    requests: number;
    saved: { duplicate: number; stale: number; coalesced: number };
    /** Span target: spans older than the agent's last acknowledged one, sent anyway. */
    late: number;
    /** Paused until then (epoch ms) because the target refuses the configuration; null when not paused. */
    pausedUntil: number | null;
    lastStepAt: number | null;
}

export interface SyncWorker {
    start(): void;
    stop(): Promise<void>;
    /** The diagnostics, with one page of the dead letters (most recent first). @default the 50 most recent */
    diagnostics(page?: { limit: number; offset: number }): Promise<SyncDiagnostics>;
    status(): SyncStatus;
    /** One pipeline step over the queue (test seam; the loop calls it). Returns entries handled. */
    runOnce(): Promise<number>;
    /** One reconciliation pass (test seam; the loop calls it every reconcileIntervalMs). */
    reconcileOnce(): Promise<void>;
}

/**
 * The sync worker: pipeline steps ({@link StepRunner}) sending to the configured target (Genesys presence or a span
 * endpoint) through one {@link SyncHttp} (limiter, success-rate breaker, retry) and, on the presence target,
 * reconciliation passes ({@link Reconciler}) reading presence back and primary-source checks
 * ({@link PrimarySourceCheck}), each on its timer ({@link SyncLoop}).
 */
export function createSyncWorker(deps: SyncWorkerDeps): SyncWorker {
    const { config, queue, clock } = deps;
    const { presenceSourceId, spanUrl } = config;
    if (config.target === 'presence' && (!deps.apiBaseUrl || !deps.tokens || !presenceSourceId))
        throw new TypeError('presence target needs apiBaseUrl, tokens and config.presenceSourceId');
    if (config.target === 'span' && !spanUrl) throw new TypeError('span target needs config.spanUrl');
    const logger = deps.logger ?? silentLogger();
    const metrics = deps.metrics ?? createSyncMetrics();
    const breaker = new CircuitBreaker({
        clock,
        strategy: new SuccessRateBreaker({
            minSuccessRate: config.breakerMinSuccessRate,
            windowMs: config.breakerWindowMs,
            minRequests: config.breakerMinRequests
        }),
        halfOpenAfterMs: config.breakerPauseMs
    });
    const stats: SyncStats = { delivered: 0, requests: 0, late: 0, saved: { duplicate: 0, stale: 0, coalesced: 0 } };
    const diagnosticsLog = new DiagnosticsLog({ clock, logger, metrics });
    const http = new SyncHttp({
        clock,
        random: deps.random,
        sleep: deps.sleep ?? clockSleep(clock),
        limiter: deps.limiter ?? TokenBucket.forRollingMinute(clock, config.requestsPerMinute),
        breaker,
        tokens: deps.tokens,
        timeoutMs: config.requestTimeoutMs,
        maxAttempts: config.maxAttempts,
        logger,
        http: deps.http,
        onOutcome: (status, retryAfterMs) => {
            stats.requests++;
            metrics.requests.inc({ outcome: status === 0 ? 'network' : String(status) });
            if (status === 429) {
                metrics.rateLimited.inc();
                diagnosticsLog.noteRateLimited(retryAfterMs ?? 0);
            }
            metrics.breakerOpen.set(breaker.state === 'closed' ? 0 : 1);
        }
    });
    const lastTokenRefreshAt = (): string | null =>
        deps.tokens?.lastRefreshAt ? formatIsoUtc(deps.tokens.lastRefreshAt) : null;
    const presence = { config: { ...config, presenceSourceId: presenceSourceId! }, apiBaseUrl: deps.apiBaseUrl! };
    const reconciler =
        config.target === 'presence'
            ? new Reconciler({
                  ...presence,
                  http,
                  clock,
                  logger,
                  metrics,
                  context: async () => ({
                      lastTokenRefreshAt: lastTokenRefreshAt(),
                      recent429s: diagnosticsLog.recent429s(),
                      queueDepth: await queue.depth(),
                      breakerState: breaker.state
                  })
              })
            : undefined;
    const primaryCheck =
        config.target === 'presence'
            ? new PrimarySourceCheck({ ...presence, http, clock, logger, metrics })
            : undefined;
    const target = reconciler
        ? presenceTarget({
              ...presence,
              http,
              clock,
              onSent: (e, payloadHash) => {
                  reconciler.noteSent(e, payloadHash);
                  primaryCheck?.note(e.agentId);
              },
              onCoalesced: (count) => {
                  stats.saved.coalesced += count;
                  metrics.saved.inc({ reason: 'coalesced' }, count);
              }
          })
        : spanTarget({ http, config: { ...config, spanUrl: spanUrl! }, clock, concurrency: deps.spanConcurrency });
    const configFailures = new ConfigFailureTracker({ config, clock, random: deps.random, logger, metrics });
    const steps = new StepRunner({
        config,
        queue,
        clock,
        logger,
        metrics,
        stats,
        target,
        configFailures,
        diagnostics: diagnosticsLog
    });
    const loop = new SyncLoop({ config, clock, logger, steps, reconciler, primaryCheck, configFailures });

    return {
        start: () => loop.start(),
        async stop() {
            await loop.stop();
            http.close();
        },
        async diagnostics(page = { limit: 50, offset: 0 }) {
            return {
                mismatches: reconciler?.mismatches() ?? [],
                primarySource: primaryCheck?.view() ?? null,
                configFailure: configFailures.view(),
                superseded: diagnosticsLog.superseded(),
                recent429s: diagnosticsLog.recent429s(),
                breakerState: breaker.state,
                breakerOpens: breaker.opens,
                queueDepth: await queue.depth(),
                lastTokenRefreshAt: lastTokenRefreshAt(),
                deadLetters: await queue.deadLetters(page.limit, page.offset),
                deadLetterPage: { total: await queue.deadLetterCount(), ...page }
            };
        },
        status() {
            return {
                running: loop.isRunning,
                target: config.target,
                breakerState: breaker.state,
                retrying: steps.retrying,
                delivered: stats.delivered,
                requests: stats.requests,
                saved: { ...stats.saved },
                late: stats.late,
                pausedUntil: configFailures.retryAt ?? null,
                lastStepAt: steps.lastStepAt
            };
        },
        runOnce: () => loop.runOnce(),
        reconcileOnce: () => loop.reconcileOnce()
    };
}
