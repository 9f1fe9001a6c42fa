import { Counter, Gauge, type Registry } from 'prom-client';

/** Counters of the Genesys adapter. Without a registry they still count (for tests) but are not exported. */
export interface GenesysMetrics {
    framesIn: Counter<'kind'>;
    framesSkipped: Counter<'reason'>;
    reconnects: Counter<'cause'>;
    rateLimited: Counter;
    requests: Counter<'outcome'>;
    /** Events kept with a category none of the known ones, by field. */
    unknownCategories: Counter<'field'>;
    /** Topics Genesys refuses to subscribe now, by kind (`adherence`, `schedules`, `other`). */
    topicsRefused: Gauge<'kind'>;
}

export function createGenesysMetrics(registry?: Registry): GenesysMetrics {
    const registers = registry ? [registry] : [];
    return {
        framesIn: new Counter({
            name: 'genesys_ws_frames_total',
            help: 'WebSocket frames received from Genesys, by kind',
            labelNames: ['kind'],
            registers
        }),
        framesSkipped: new Counter({
            name: 'genesys_ws_frames_skipped_total',
            help: 'Malformed frames and unknown topics skipped, by reason',
            labelNames: ['reason'],
            registers
        }),
        reconnects: new Counter({
            name: 'genesys_ws_reconnects_total',
            help: 'Notification socket reconnects, by cause',
            labelNames: ['cause'],
            registers
        }),
        rateLimited: new Counter({
            name: 'genesys_http_429_total',
            help: 'HTTP 429 responses from Genesys',
            registers
        }),
        requests: new Counter({
            name: 'genesys_http_requests_total',
            help: 'Genesys REST attempts by outcome (ok or error code)',
            labelNames: ['outcome'],
            registers
        }),
        unknownCategories: new Counter({
            name: 'genesys_unknown_categories_total',
            help: 'Adherence events kept with an activity category none of the known ones (shown as sent), by field',
            labelNames: ['field'],
            registers
        }),
        topicsRefused: new Gauge({
            name: 'genesys_topics_refused',
            help: 'Notification topics Genesys refuses to subscribe now (missing permissions), by kind',
            labelNames: ['kind'],
            registers
        })
    };
}
