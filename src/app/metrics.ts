import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one app instance (own registry: several apps in one test process never clash). */
export function createMetrics() {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const m = {
        registry,
        eventsIn: new Counter({
            name: 'adherence_events_in_total',
            help: 'Adherence observations received',
            registers: [registry]
        }),
        episodesStarted: new Counter({
            name: 'adherence_episodes_started_total',
            help: 'Drift episodes started',
            registers: [registry]
        }),
        notificationsQueued: new Counter({
            name: 'adherence_notifications_queued_total',
            help: 'Notifications written to the outbox',
            labelNames: ['kind'],
            registers: [registry]
        }),
        openEpisodes: new Gauge({
            name: 'adherence_open_episodes',
            help: 'Open drift episodes (this instance cache)',
            registers: [registry]
        }),
        queued: new Gauge({
            name: 'adherence_engine_queued_events',
            help: 'Events accepted by the engine and not yet committed to the store',
            registers: [registry]
        }),
        folded: new Counter({
            name: 'adherence_engine_folded_total',
            help: 'Queued repeat observations folded into the next one while the queue was long (store slow or down)',
            registers: [registry]
        }),
        sent: new Counter({
            name: 'teams_notifications_sent_total',
            help: 'Nudges, alerts and alert updates delivered',
            labelNames: ['kind'],
            registers: [registry]
        }),
        latency: new Histogram({
            name: 'teams_delivery_latency_seconds',
            help: 'Due time to delivered',
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
            registers: [registry]
        }),
        failures: new Counter({
            name: 'teams_delivery_failures_total',
            help: 'Failed sends by code',
            labelNames: ['code'],
            registers: [registry]
        }),
        throttled: new Counter({
            name: 'teams_throttled_total',
            help: '429 answers from Teams',
            registers: [registry]
        }),
        dropped: new Counter({
            name: 'teams_outbox_dropped_total',
            help: 'Outbox entries dropped on purpose',
            labelNames: ['reason'],
            registers: [registry]
        }),
        refusals: new Counter({
            name: 'teams_action_refusals_total',
            help: 'Refused commands and card actions',
            labelNames: ['reason'],
            registers: [registry]
        }),
        noPersonalConversation: new Counter({
            name: 'teams_no_personal_conversation_total',
            help: 'Agents without a personal conversation (reported once each)',
            registers: [registry]
        }),
        noAlertChannel: new Counter({
            name: 'teams_no_alert_channel_total',
            help: 'Units with alerts but no subscribed channel (reported once each until a channel subscribes)',
            registers: [registry]
        }),
        referencesDropped: new Counter({
            name: 'teams_references_dropped_total',
            help: 'References dropped after a 403',
            labelNames: ['kind'],
            registers: [registry]
        }),
        reconnects: new Counter({
            name: 'genesys_stream_reconnects_total',
            help: 'Genesys notification socket reconnects',
            registers: [registry]
        })
    };
    return m;
}

export type AppMetrics = ReturnType<typeof createMetrics>;
