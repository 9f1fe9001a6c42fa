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
import { ActionSigner } from '../src/adapters/teams/ActionSigner';
import { BotService } from '../src/adapters/teams/BotService';
import { DisplayNames } from '../src/adapters/teams/DisplayNames';
import { NotificationCards } from '../src/adapters/teams/NotificationCards';
import type { EngineActions } from '../src/adapters/teams/ports';
import { MemoryBotStore } from '../src/adapters/teams/MemoryBotStore';
import { TeamsDeliverer } from '../src/adapters/teams/delivery/TeamsDeliverer';
import { createTeamsBot } from '../src/adapters/teams/bot';
import { silentLogger } from '../src/kit/Logger';
import { systemClock } from '../src/kit/systemClock';
import type { Notification } from '../src/domain/adherence/types';
import { OutboxDispatcher } from '../src/adapters/teams/delivery/OutboxDispatcher';
import type { DeliveryLimits } from '../src/adapters/teams/delivery/ports';
import { TEAMS_DEFAULTS } from '../src/adapters/teams/teamsConfig';
import { SlidingWindowLimiter } from '../src/kit/SlidingWindowLimiter';
import type { StateChange } from '../src/engine/ports';
import { FakeBotConnector } from '../test/support/fakeBotConnector';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 5_000);
const CHANNELS = 250;
const APP_RATE = Number(process.env.BENCH_APP_RATE ?? 250);

const unusedEngine = new Proxy(
    {},
    {
        get: () => () => {
            throw new Error('not used by delivery');
        }
    }
) as EngineActions;

async function setup(limits: DeliveryLimits) {
    const connector = new FakeBotConnector();
    await connector.start();
    const store = new MemoryAgentStateStore();
    const botStore = new MemoryBotStore(systemClock);
    const logger = silentLogger();
    const signer = ActionSigner.random();
    const cards = new NotificationCards({
        names: new DisplayNames({ store: botStore, logger }),
        signer,
        clock: systemClock,
        timeZone: 'UTC'
    });
    const service = new BotService({
        engine: unusedEngine,
        store: botStore,
        signer,
        clock: systemClock,
        cards,
        supervisors: new Map(),
        channelMembersSupervise: true,
        userOverrides: new Map(),
        timeZone: 'UTC'
    });
    const bot = createTeamsBot({
        credentials: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
        service,
        store: botStore,
        clock: systemClock,
        logger
    });
    const deliverer = new TeamsDeliverer(botStore, bot.sender, cards, {}, logger);
    const dispatcher = new OutboxDispatcher({
        store,
        deliverer,
        clock: systemClock,
        random: Math.random,
        claims: botStore,
        limits,
        logger,
        maxInFlight: 64
    });
    for (let i = 0; i < AGENTS; i++) {
        await botStore.saveUser({ teamsUserId: `29:u${i}`, genesysUserId: `g${i}` });
        await botStore.savePersonal(`29:u${i}`, {
            kind: 'personal',
            savedAt: 0,
            reference: {
                channelId: 'msteams',
                serviceUrl: connector.url,
                conversation: { id: `a:p${i}`, conversationType: 'personal' },
                bot: { id: '28:bot' }
            }
        });
    }
    for (let c = 0; c < CHANNELS; c++) {
        const id = `19:ch${c}@thread.tacv2`;
        await botStore.saveConversation(id, {
            kind: 'channel',
            savedAt: 0,
            reference: {
                channelId: 'msteams',
                serviceUrl: connector.url,
                conversation: { id, conversationType: 'channel' },
                bot: { id: '28:bot' }
            }
        });
        await botStore.subscribe(`mu${c}`, id);
    }
    return { connector, store, dispatcher };
}

function episodeOf(i: number, at: number) {
    return {
        id: `g${i}@${at}`,
        userId: `g${i}`,
        managementUnitId: `mu${i % CHANNELS}`,
        startedAt: at - 600_000,
        impact: 'Negative' as const,
        scheduledCategory: 'Break' as const,
        actualCategory: 'OnQueueWork' as const
    };
}

async function enqueue(
    store: MemoryAgentStateStore,
    notifications: Notification[],
    at: number,
    version: Map<string, number>
): Promise<void> {
    const byAgent = new Map<string, Notification[]>();
    for (const n of notifications) byAgent.set(n.episode.userId, [...(byAgent.get(n.episode.userId) ?? []), n]);
    const changes: StateChange[] = [...byAgent].map(([userId, outbox]) => {
        const v = version.get(userId) ?? 0;
        version.set(userId, v + 1);
        return {
            userId,
            expectedVersion: v,
            record: {
                userId,
                version: v + 1,
                lastChangeAt: at,
                managementUnitId: outbox[0].episode.managementUnitId,
                state: { status: 'adherent' }
            },
            dueAt: null,
            log: [],
            outbox
        };
    });
    await store.commit(changes);
}

/** Minimum time the limits allow for these conversation keys, all due at 0 (greedy replay, no I/O). */
function minimumMs(keys: string[], limits: DeliveryLimits): number {
    const conv = new SlidingWindowLimiter(limits.perConversation);
    const app = new SlidingWindowLimiter(limits.perApp);
    const queues = new Map<string, number>();
    for (const k of keys) queues.set(k, (queues.get(k) ?? 0) + 1);
    let now = 0;
    let left = keys.length;
    let last = 0;
    while (left > 0) {
        let next = Number.POSITIVE_INFINITY;
        for (const [k, n] of queues) {
            if (n === 0) continue;
            const w = Math.max(conv.delayFor(k, now), app.delayFor('app', now));
            if (w === 0) {
                conv.record(k, now);
                app.record('app', now);
                queues.set(k, n - 1);
                left--;
                last = now;
            } else next = Math.min(next, now + w);
        }
        if (left > 0 && Number.isFinite(next)) now = Math.max(now + 1, next);
    }
    return last;
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
        n.kind === 'nudge'
            ? `a:p${n.episode.userId.slice(1)}`
            : `19:ch${Number(n.episode.userId.slice(1)) % CHANNELS}@thread.tacv2`
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
