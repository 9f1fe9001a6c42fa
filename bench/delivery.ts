/**
 * Shared parts of the delivery benchmarks (teams, fleet): the real Teams deliverer (botbuilder sender, cards), the
 * stored references of agents and channels, notifications committed to an outbox, and the least time Teams' limits
 * allow for a set of sends.
 */
import { ActionSigner } from '../src/adapters/teams/ActionSigner';
import { BotService } from '../src/adapters/teams/BotService';
import type { BotStore } from '../src/adapters/teams/BotStore';
import { DisplayNames } from '../src/adapters/teams/DisplayNames';
import { NotificationCards } from '../src/adapters/teams/NotificationCards';
import type { EngineActions } from '../src/adapters/teams/ports';
import { TeamsDeliverer } from '../src/adapters/teams/delivery/TeamsDeliverer';
import type { DeliveryLimits } from '../src/adapters/teams/delivery/ports';
import { createTeamsBot } from '../src/adapters/teams/bot';
import type { Notification } from '../src/domain/adherence/types';
import type { AgentStateStore, StateChange } from '../src/engine/ports';
import { silentLogger } from '../src/kit/Logger';
import { SlidingWindowLimiter } from '../src/kit/SlidingWindowLimiter';
import { systemClock } from '../src/kit/systemClock';

const unusedEngine = new Proxy(
    {},
    {
        get: () => () => {
            throw new Error('not used by delivery');
        }
    }
) as EngineActions;

/** A deliverer as the app builds it (its own botbuilder adapter), on `botStore`, test mode (no Bot Framework auth). */
export function benchDeliverer(botStore: BotStore): TeamsDeliverer {
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
    return new TeamsDeliverer(botStore, bot.sender, cards, {}, logger);
}

/** Agent `g<i>` ↔ Teams user `29:u<i>` with the personal chat `a:p<i>`; unit `mu<c>` → channel `19:ch<c>@thread.tacv2`. */
export async function seedReferences(
    botStore: BotStore,
    serviceUrl: string,
    agents: number,
    channels: number
): Promise<void> {
    for (let i = 0; i < agents; i++) {
        await botStore.saveUser({ teamsUserId: `29:u${i}`, genesysUserId: `g${i}` });
        await botStore.savePersonal(`29:u${i}`, {
            kind: 'personal',
            savedAt: 0,
            reference: {
                channelId: 'msteams',
                serviceUrl,
                conversation: { id: `a:p${i}`, conversationType: 'personal' },
                bot: { id: '28:bot' }
            }
        });
    }
    for (let c = 0; c < channels; c++) {
        const id = channelOf(c);
        await botStore.saveConversation(id, {
            kind: 'channel',
            savedAt: 0,
            reference: {
                channelId: 'msteams',
                serviceUrl,
                conversation: { id, conversationType: 'channel' },
                bot: { id: '28:bot' }
            }
        });
        await botStore.subscribe(`mu${c}`, id);
    }
}

export function channelOf(c: number): string {
    return `19:ch${c}@thread.tacv2`;
}

/** The episode of agent `g<i>` (unit `mu<i % channels>`) that started drifting before `at`. */
export function episodeOf(i: number, at: number, channels: number) {
    return {
        id: `g${i}@${at}`,
        userId: `g${i}`,
        managementUnitId: `mu${i % channels}`,
        startedAt: at - 600_000,
        impact: 'Negative' as const,
        scheduledCategory: 'Break' as const,
        actualCategory: 'OnQueueWork' as const
    };
}

/** Commits `notifications` to the store's outbox as the engine does (one change per agent, batches of 500). */
export async function enqueue(
    store: AgentStateStore,
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
    for (let i = 0; i < changes.length; i += 500) {
        const results = await store.commit(changes.slice(i, i + 500));
        if (results.some((r) => !r.ok)) throw new Error('bench: an outbox commit was refused');
    }
}

/** Minimum time the limits allow for these conversation keys, all due at 0 (greedy replay, no I/O). */
export function minimumMs(keys: string[], limits: DeliveryLimits): number {
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
