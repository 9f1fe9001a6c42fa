import type { Clock } from '../domain/clock';
import { formatIsoUtc } from '../domain/isoInstant';
import type { BreakerState } from '../kit/CircuitBreaker';
import type { Logger } from '../kit/Logger';
import type { SyncMetrics } from './createSyncMetrics';
import type { SyncConfig } from './syncConfig';
import type { SyncEvent } from './pipeline/types';
import type { SyncHttp } from './SyncHttp';

/** What else was going on when a mismatch was found (for the diagnostics). */
export interface MismatchContext {
    lastTokenRefreshAt: string | null;
    recent429s: Array<{ at: string; retryAfterMs: number }>;
    queueDepth: number;
    breakerState: BreakerState;
}

/** One reconciliation finding: the target reports something else than what was last sent. */
export interface SyncMismatch extends MismatchContext {
    agentId: string;
    expected: string;
    actual: string | null;
    payloadHash: string;
    sentAt: string;
    detectedAt: string;
}

export interface ReconcilerDeps {
    http: SyncHttp;
    config: Pick<SyncConfig, 'reconcileMismatchMs'> & { presenceSourceId: string };
    /** Genesys REST base, e.g. `https://api.mypurecloud.com`. */
    apiBaseUrl: string;
    clock: Clock;
    logger: Logger;
    metrics: Pick<SyncMetrics, 'mismatches'>;
    context(): Promise<MismatchContext>;
}

interface Sent {
    target: string;
    sentAt: number;
    payloadHash: string;
    /** This divergence was already reported. */
    reported: boolean;
}

/** Most mismatches kept (oldest dropped first). */
const KEPT = 500;
/** Agents read back per bulk call. */
const CHUNK = 50;

/**
 * Reads presence back from Genesys and reports an agent whose presence still differs from what was last sent to it
 * `reconcileMismatchMs` after the send: once per divergence, logged, counted and kept for the diagnostics.
 */
export class Reconciler {
    private readonly sent = new Map<string, Sent>();
    private readonly found: SyncMismatch[] = [];

    constructor(private readonly deps: ReconcilerDeps) {}

    /** Genesys acknowledged `e`: check it later. */
    noteSent(e: SyncEvent, payloadHash: string): void {
        this.sent.set(e.agentId, { target: e.target, sentAt: this.deps.clock.now(), payloadHash, reported: false });
    }

    /** The mismatches found, oldest first. */
    mismatches(): SyncMismatch[] {
        return [...this.found];
    }

    /** One pass over the agents sent to recently. A failed read skips its chunk only; `signal` ends the pass. */
    async reconcileOnce(signal: AbortSignal): Promise<void> {
        const { clock, config } = this.deps;
        const horizon = Math.max(300_000, config.reconcileMismatchMs * 4);
        for (const [id, s] of this.sent) if (clock.now() - s.sentAt > horizon) this.sent.delete(id);
        const ids = [...this.sent.keys()];
        for (let i = 0; i < ids.length; i += CHUNK) {
            const chunk = ids.slice(i, i + CHUNK);
            let actual: Map<string, string | null>;
            try {
                actual = await this.read(chunk, signal);
            } catch (error) {
                if (signal.aborted) return;
                this.deps.logger.warn(
                    { err: (error as Error).message, agents: chunk.length },
                    'sync reconcile read failed'
                );
                continue;
            }
            for (const id of chunk) await this.check(id, actual.get(id) ?? null);
        }
    }

    private async read(chunk: string[], signal: AbortSignal): Promise<Map<string, string | null>> {
        const { http, config, apiBaseUrl } = this.deps;
        const qs = chunk.map((id) => `id=${encodeURIComponent(id)}`).join('&');
        const res = await http.send<Array<{ userId?: string; presenceDefinition?: { id?: string } }>>({
            method: 'GET',
            url: `${apiBaseUrl}/api/v2/users/presences/${encodeURIComponent(config.presenceSourceId)}/bulk?${qs}`,
            signal
        });
        const actual = new Map<string, string | null>();
        for (const p of Array.isArray(res.data) ? res.data : [])
            if (p.userId) actual.set(p.userId, p.presenceDefinition?.id ?? null);
        return actual;
    }

    private async check(id: string, actual: string | null): Promise<void> {
        const { clock, config } = this.deps;
        const s = this.sent.get(id);
        if (!s) return;
        if (actual === s.target) {
            s.reported = false;
            return;
        }
        if (s.reported || clock.now() - s.sentAt < config.reconcileMismatchMs) return;
        s.reported = true;
        this.found.push({
            agentId: id,
            expected: s.target,
            actual,
            payloadHash: s.payloadHash,
            sentAt: formatIsoUtc(s.sentAt),
            detectedAt: formatIsoUtc(clock.now()),
            ...(await this.deps.context())
        });
        if (this.found.length > KEPT) this.found.shift();
        this.deps.metrics.mismatches.inc();
        this.deps.logger.warn({ agentId: id, expected: s.target, actual }, 'sync reconcile mismatch');
    }
}
