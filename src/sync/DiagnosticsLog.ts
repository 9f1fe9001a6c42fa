import type { Clock } from '../domain/clock';
import { formatIsoUtc } from '../domain/isoInstant';
import type { BreakerState } from '../kit/CircuitBreaker';
import type { Logger } from '../kit/Logger';
import type { SyncConfigFailure } from './ConfigFailureTracker';
import type { SyncMetrics } from './createSyncMetrics';
import type { SyncEvent } from './pipeline/types';
import type { PrimarySourceView } from './PrimarySourceCheck';
import type { SyncMismatch } from './Reconciler';
import type { DeadLetter } from './SyncQueue';

/** A presence state not sent because a newer one was already acknowledged for the agent (e.g. re-claimed late). */
export interface SyncSuperseded {
    agentId: string;
    state: string;
    target: string;
    startTime: string;
    /** The newest state known for the agent when it was dropped (acknowledged, or in the same step). */
    supersededBy: { state: string; startTime: string } | null;
    at: string;
}

/** `GET /api/sync/diagnostics`: what an operator needs to tell why presence is not what the WFM says. */
export interface SyncDiagnostics {
    mismatches: SyncMismatch[];
    /**
     * Presence target: synced agents whose primary presence source is another one (Genesys shows none of the writes).
     */
    primarySource: PrimarySourceView | null;
    /** Set while the target refuses the worker's configuration (see {@link SyncConfigFailure}). */
    configFailure: SyncConfigFailure | null;
    /** Presence states dropped as superseded: how many since start, and the most recent ones. */
    superseded: { total: number; recent: SyncSuperseded[] };
    recent429s: Array<{ at: string; retryAfterMs: number }>;
    breakerState: BreakerState;
    breakerOpens: number;
    queueDepth: number;
    lastTokenRefreshAt: string | null;
    /** One page of the dead letters, most recent first (`?deadLetters=<limit>&offset=<n>`). */
    deadLetters: DeadLetter[];
    /** Which page `deadLetters` is, and how many letters are stored in all. */
    deadLetterPage: { total: number; limit: number; offset: number };
}

export interface DiagnosticsLogDeps {
    clock: Clock;
    logger: Logger;
    metrics: Pick<SyncMetrics, 'superseded'>;
}

/** The worker's recent 429s and superseded presence states, bounded, for the diagnostics. */
export class DiagnosticsLog {
    private readonly rateLimited: Array<{ at: number; retryAfterMs: number }> = [];
    private readonly supersededRecent: SyncSuperseded[] = [];
    private supersededTotal = 0;

    constructor(private readonly deps: DiagnosticsLogDeps) {}

    /** The target answered 429, asking for `retryAfterMs`. */
    noteRateLimited(retryAfterMs: number): void {
        this.rateLimited.push({ at: this.deps.clock.now(), retryAfterMs });
        if (this.rateLimited.length > 50) this.rateLimited.shift();
    }

    /** The latest 429s, oldest first. */
    recent429s(): Array<{ at: string; retryAfterMs: number }> {
        return this.rateLimited.slice(-20).map((r) => ({ at: formatIsoUtc(r.at), retryAfterMs: r.retryAfterMs }));
    }

    /** Presence states not sent because `by` (the newest known state of the agent) is newer. Logged once ever. */
    noteSuperseded(events: readonly SyncEvent[], by: { state: string; startAt: number } | undefined): void {
        const { clock, logger, metrics } = this.deps;
        const supersededBy = by ? { state: by.state, startTime: formatIsoUtc(by.startAt) } : null;
        if (this.supersededTotal === 0)
            logger.warn(
                {
                    agentId: events[0].agentId,
                    state: events[0].state,
                    startTime: formatIsoUtc(events[0].startAt),
                    supersededBy
                },
                'sync: a presence state older than the last acknowledged one was not sent (superseded). Logged once; ' +
                    'all are counted in sync_events_superseded_total and the latest listed in GET /api/sync/diagnostics'
            );
        this.supersededTotal += events.length;
        metrics.superseded.inc(events.length);
        for (const e of events) {
            this.supersededRecent.push({
                agentId: e.agentId,
                state: e.state,
                target: e.target,
                startTime: formatIsoUtc(e.startAt),
                supersededBy,
                at: formatIsoUtc(clock.now())
            });
            if (this.supersededRecent.length > 100) this.supersededRecent.shift();
        }
    }

    /** Superseded states: how many since start, and the 50 most recent. */
    superseded(): SyncDiagnostics['superseded'] {
        return { total: this.supersededTotal, recent: this.supersededRecent.slice(-50) };
    }
}
