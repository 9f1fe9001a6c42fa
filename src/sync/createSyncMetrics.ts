import { Counter, Gauge, type Registry } from 'prom-client';

export interface SyncMetrics {
    ingested: Counter<'result'>;
    rejected: Counter<'code'>;
    saved: Counter<'reason'>;
    requests: Counter<'outcome'>;
    rateLimited: Counter<string>;
    mismatches: Counter<string>;
    delivered: Counter<string>;
    superseded: Counter<string>;
    late: Counter<string>;
    configFailure: Gauge<string>;
    configRefusals: Counter<'status'>;
    queueDepth: Gauge<string>;
    breakerOpen: Gauge<string>;
    /**
     * Synced agents whose primary presence source is not the worker's: Genesys does not show what the worker writes.
     */
    notPrimary: Gauge<string>;
}

/** Prometheus metrics of the sync worker, registered on `registry` (pass the app's registry). */
export function createSyncMetrics(registry?: Registry): SyncMetrics {
    const registers = registry ? [registry] : [];
    return {
        ingested: new Counter({
            name: 'sync_events_ingested_total',
            help: 'Ingest items by result',
            labelNames: ['result'],
            registers
        }),
        rejected: new Counter({
            name: 'sync_events_rejected_total',
            help: 'Refused items by code',
            labelNames: ['code'],
            registers
        }),
        saved: new Counter({
            name: 'sync_calls_saved_total',
            help: 'Events not sent: duplicate of the last acknowledged state, stale, or coalesced',
            labelNames: ['reason'],
            registers
        }),
        requests: new Counter({
            name: 'sync_requests_total',
            help: 'Target requests by HTTP outcome',
            labelNames: ['outcome'],
            registers
        }),
        rateLimited: new Counter({ name: 'sync_rate_limited_total', help: '429 responses from the target', registers }),
        mismatches: new Counter({
            name: 'sync_reconcile_mismatches_total',
            help: 'Agents whose target state differed from the last sent state for longer than the threshold',
            registers
        }),
        delivered: new Counter({
            name: 'sync_events_delivered_total',
            help: 'State changes acknowledged by the target',
            registers
        }),
        superseded: new Counter({
            name: 'sync_events_superseded_total',
            help: "Presence states older than the agent's last acknowledged state: not sent, a newer state replaced them (listed in the diagnostics)",
            registers
        }),
        late: new Counter({
            name: 'sync_spans_late_total',
            help: "Spans older than the agent's last acknowledged span, sent anyway (a span is a historical fact)",
            registers
        }),
        notPrimary: new Gauge({
            name: 'sync_agents_not_primary',
            help: "Synced agents whose primary presence source is another one: Genesys (and WFM adherence) does not show the worker's writes (listed in the diagnostics)",
            registers
        }),
        configFailure: new Gauge({
            name: 'sync_config_failure',
            help: '1 while the target refuses the worker configuration (401/403/404): entries stay pending, the worker retries with backoff',
            registers
        }),
        configRefusals: new Counter({
            name: 'sync_config_refusals_total',
            help: 'Target replies that refuse the worker configuration, by HTTP status',
            labelNames: ['status'],
            registers
        }),
        queueDepth: new Gauge({ name: 'sync_queue_depth', help: 'Queue entries not yet acknowledged', registers }),
        breakerOpen: new Gauge({
            name: 'sync_breaker_open',
            help: '1 while the sync circuit breaker is open',
            registers
        })
    };
}
