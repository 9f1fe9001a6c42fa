/**
 * Delivery benchmark: 5,000 agents drifting at once → 5,000 nudges (one 1:1 chat each) and 5,000 alerts (spread over
 * 250 supervisor channels), delivered through the real botbuilder sender to the fake Bot Connector on loopback.
 *
 * 1. Throughput vs the limits: time to deliver everything compared with the minimum the configured limits allow
 *    (computed by replaying the same limits with no I/O). Per-conversation limits are Teams' defaults; the per-app
 *    limit is raised to BENCH_APP_RATE/s (default 400) so the run fits in ~30 s on a small machine — the ratio is what
 *    matters. Target: achieved rate ≥ 0.9 of the allowed rate.
 * 2. Latency when not throttled: 500 nudges enqueued at 40/s (under the default 50/s app limit) (each kicks the dispatcher, as an engine commit
 *    does); p99 of enqueue (due) → POST arrival at the connector. Target ≤ 250 ms.
 *
 * Run: npx tsx bench/teams.bench.ts
 */
import { MemoryAgentStateStore } from '../src/adapters/memory/MemoryAgentStateStore';
import { MemoryBotStore } from '../src/adapters/teams/MemoryBotStore';
import { silentLogger } from '../src/kit/Logger';
import { systemClock } from '../src/kit/systemClock';
import type { Notification } from '../src/domain/adherence/types';
import { OutboxDispatcher } from '../src/adapters/teams/delivery/OutboxDispatcher';
import type { DeliveryLimits } from '../src/adapters/teams/delivery/ports';
import { TEAMS_DEFAULTS } from '../src/adapters/teams/teamsConfig';
import { FakeBotConnector } from '../test/support/fakeBotConnector';
import { benchDeliverer, channelOf, enqueue, episodeOf as episodeIn, minimumMs, seedReferences } from './delivery';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 5_000);
const CHANNELS = 250;
const APP_RATE = Number(process.env.BENCH_APP_RATE ?? 250);

async function setup(limits: DeliveryLimits) {
    const connector = new FakeBotConnector();
    await connector.start();
    const store = new MemoryAgentStateStore();
    const botStore = new MemoryBotStore(systemClock);
    const dispatcher = new OutboxDispatcher({
        store,
        deliverer: benchDeliverer(botStore),
        clock: systemClock,
        random: Math.random,
        claims: botStore,
        limits,
        logger: silentLogger(),
        maxInFlight: 64
    });
    await seedReferences(botStore, connector.url, AGENTS, CHANNELS);
    return { connector, store, dispatcher };
}

function episodeOf(i: number, at: number) {
    return episodeIn(i, at, CHANNELS);
}

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown>): void {
    console.log(JSON.stringify({ bench: 'teams', metric, value, unit, ...extra }));
}

async function throughput(): Promise<void> {
    const limits: DeliveryLimits = {
        perConversation: TEAMS_DEFAULTS.limits.perConversation,
        perApp: [{ limit: APP_RATE, windowMs: 1_000 }]
    };
    const { connector, store, dispatcher } = await setup(limits);
    const at = Date.now();
    const notifications: Notification[] = [];
    for (let i = 0; i < AGENTS; i++) {
        const episode = episodeOf(i, at);
        notifications.push({ kind: 'nudge', key: `${episode.id}:nudge`, episode, at });
        notifications.push({ kind: 'alert', key: `${episode.id}:alert`, episode, at, reminder: false });
    }
    await enqueue(store, notifications, at, new Map());
    const total = notifications.length;
    const start = Date.now();
    dispatcher.start();
    await connector.waitFor(() => connector.posted().length >= total, 600_000);
    const elapsed = Date.now() - start;
    await dispatcher.stop();
    await connector.stop();
    const keys = notifications.map((n) =>
        n.kind === 'nudge' ? `a:p${n.episode.userId.slice(1)}` : channelOf(Number(n.episode.userId.slice(1)) % CHANNELS)
    );
    const min = minimumMs(keys, limits);
    const ratio = min / elapsed;
    emit('delivery_time_all', elapsed, 'ms', {
        deliveries: total,
        agents: AGENTS,
        channels: CHANNELS,
        appRatePerS: APP_RATE,
        minimumAllowedMs: min
    });
    emit('rate_vs_allowed', Number(ratio.toFixed(3)), 'ratio', { target: 0.9, pass: ratio >= 0.9 });
}

async function latency(): Promise<void> {
    const { connector, store, dispatcher } = await setup(TEAMS_DEFAULTS.limits);
    dispatcher.start();
    const count = 500;
    const dueAt = new Map<string, number>();
    const version = new Map<string, number>();
    for (let i = 0; i < count; i++) {
        const at = Date.now();
        const episode = episodeOf(i, at);
        dueAt.set(`a:p${i}`, at);
        await enqueue(store, [{ kind: 'nudge', key: `${episode.id}:nudge`, episode, at }], at, version);
        dispatcher.kick();
        await new Promise((r) => setTimeout(r, 25));
    }
    await connector.waitFor(() => connector.posted().length >= count, 120_000);
    await dispatcher.stop();
    await connector.stop();
    const arrivals = connector.posted().map((r) => r.receivedAt - dueAt.get(r.conversationId!)!);
    arrivals.sort((a, b) => a - b);
    const p = (q: number) => arrivals[Math.min(arrivals.length - 1, Math.floor(q * arrivals.length))];
    emit('due_to_post_p99', p(0.99), 'ms', {
        p50: p(0.5),
        max: arrivals.at(-1),
        deliveries: count,
        target: 250,
        pass: p(0.99) <= 250
    });
}

void (async () => {
    await throughput();
    await latency();
})();
