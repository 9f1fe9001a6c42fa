import type { Clock, Random } from '../domain/clock';
import { formatIsoUtc } from '../domain/isoInstant';
import { decorrelatedJitter } from '../kit/backoff';
import type { Logger } from '../kit/Logger';
import type { SyncMetrics } from './createSyncMetrics';
import type { SyncConfig } from './syncConfig';
import type { SyncError } from './SyncError';

/**
 * The target refused the worker itself (401 with a fresh token, 403, 404 on the bulk presence call or the span URL):
 * credentials, a permission or the presence source / URL is wrong. Nothing is wrong with the entries: they stay
 * pending, and the worker pauses and retries with backoff until the target accepts writes again.
 */
export interface SyncConfigFailure {
    status: number;
    /** The request and the target's message. */
    message: string;
    /** What to fix. */
    hint: string;
    since: string;
    lastAt: string;
    /** Refusals in a row. */
    attempts: number;
    /** When the worker tries again. */
    retryAt: string;
}

export interface ConfigFailureTrackerDeps {
    config: Pick<SyncConfig, 'target' | 'spanUrl' | 'presenceSourceId'>;
    clock: Clock;
    random: Random;
    logger: Logger;
    metrics: Pick<SyncMetrics, 'configRefusals' | 'configFailure'>;
}

interface Failure {
    status: number;
    message: string;
    hint: string;
    since: number;
    lastAt: number;
    attempts: number;
    retryAt: number;
    delays: Generator<number, never, void>;
    /** The step that last counted an attempt (several requests of one step count once). */
    step: number;
}

/** Tracks whether the target refuses the worker's configuration, and until when the worker pauses for it. */
export class ConfigFailureTracker {
    private failure: Failure | undefined;

    constructor(private readonly deps: ConfigFailureTrackerDeps) {}

    /** Paused until then (epoch ms) because the target refuses the configuration; undefined when not paused. */
    get retryAt(): number | undefined {
        return this.failure?.retryAt;
    }

    /** A refusal during step number `step`: one attempt per step, the next retry drawn from the backoff. */
    refused(error: SyncError, step: number): void {
        const { clock, logger, metrics } = this.deps;
        const now = clock.now();
        const status = error.status ?? 0;
        metrics.configRefusals.inc({ status: String(status) });
        if (!this.failure || this.failure.status !== status) {
            this.failure = {
                status,
                message: error.message,
                hint: this.hint(status),
                attempts: 0,
                since: now,
                lastAt: now,
                retryAt: now,
                delays: decorrelatedJitter({ initialMs: 5000, maxMs: 300_000 }, this.deps.random),
                step: -1
            };
            logger.error(
                { status, message: error.message, fix: this.failure.hint },
                'sync: the target refuses the worker configuration; every entry stays pending (nothing is ' +
                    'dead-lettered) and the worker retries with backoff until it is fixed. Logged once; see ' +
                    'sync_config_failure and GET /api/sync/diagnostics'
            );
        }
        const f = this.failure;
        if (f.step !== step) {
            f.step = step;
            f.attempts++;
            f.retryAt = now + f.delays.next().value;
        }
        f.lastAt = now;
        f.message = error.message;
        metrics.configFailure.set(1);
    }

    /** A write went through: the configuration is fine (again). */
    accepted(): void {
        const f = this.failure;
        if (!f) return;
        this.deps.logger.info(
            { status: f.status, since: formatIsoUtc(f.since), attempts: f.attempts },
            'sync: the target accepts writes again'
        );
        this.failure = undefined;
        this.deps.metrics.configFailure.set(0);
    }

    /** For the diagnostics: the refusal under way, or null. */
    view(): SyncConfigFailure | null {
        const f = this.failure;
        if (!f) return null;
        return {
            status: f.status,
            message: f.message,
            hint: f.hint,
            since: formatIsoUtc(f.since),
            lastAt: formatIsoUtc(f.lastAt),
            attempts: f.attempts,
            retryAt: formatIsoUtc(f.retryAt)
        };
    }

    private hint(status: number): string {
        const { config } = this.deps;
        if (config.target === 'span') {
            if (status === 404) return `SYNC_SPAN_URL (${config.spanUrl}) answers 404: check the URL`;
            return 'the span endpoint (SYNC_SPAN_URL) refuses the worker: check the credentials it expects';
        }
        if (status === 401)
            return 'Genesys refuses the OAuth client even with a fresh token: check GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and the region';
        if (status === 403)
            return "the OAuth client may not set presence: add the permission presence:userPresence:edit to its role (and the users' divisions)";
        return `presence source "${config.presenceSourceId}" (SYNC_PRESENCE_SOURCE_ID) is unknown to Genesys: register one with POST /api/v2/presence/sources and set its id (a 404 can also name a user Genesys does not know: see the message)`;
    }
}
