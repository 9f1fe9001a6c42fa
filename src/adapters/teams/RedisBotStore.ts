import Redis from 'ioredis';
import { isCluster, type RedisClient } from '../redis/createRedisClient';
import type { ShiftHours, Subscription } from '../../domain/shiftHours';
import {
    groupSubscriptions,
    type BotStore,
    type EscalationCard,
    type StoredAlert,
    type StoredConversation,
    type TeamsUser
} from './BotStore';

/** How long an alert card id and a "delivered" marker are kept. @default 7 days */
const RETAIN_MS = 7 * 24 * 3_600_000;

/**
 * Key schema of the bot data, in one place (all under the client's `keyPrefix`). The two user maps change together in
 * one MULTI, so they share the hash tag `{user}` (one Redis Cluster slot).
 */
export const botKeys = {
    personal: 'bot:ref:personal',
    conversations: 'bot:ref:conversation',
    usersByGenesys: 'bot:{user}:genesys',
    usersByTeams: 'bot:{user}:teams',
    subscriptions: 'bot:sub',
    /** Subscriptions with hours: field `JSON [unit, conversationId]` → JSON hours. */
    subscriptionHours: 'bot:sub:hours',
    /** Escalation subscriptions: field `JSON [unit, level]` → conversation id. */
    escalations: 'bot:sub:escalation',
    escalationCards: (episodeId: string) => `bot:alert:${episodeId}:escalations`,
    reported: 'bot:reported',
    names: 'bot:name',
    alert: (episodeId: string) => `bot:alert:${episodeId}`,
    delivery: (key: string) => `bot:delivery:${key}`
} as const;

const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v == 'done' then return 'done' end
if v and v ~= ARGV[1] then return 'busy' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'claimed'`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/** {@link BotStore} on Redis: shared by every instance; survives restarts. */
export class RedisBotStore implements BotStore {
    constructor(
        private readonly redis: RedisClient,
        private readonly ownsClient = false
    ) {}

    /** Connects with `lazyConnect`; every key lives under `keyPrefix` (e.g. `adherence:prod:`). */
    static connect(url: string, keyPrefix: string): RedisBotStore {
        return new RedisBotStore(new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 3 }), true);
    }

    /**
     * Moves the user maps from their names before the `{user}` hash tag (`bot:user:genesys`, `bot:user:teams`) to the
     * current ones, where only the old ones exist. Only a single server can hold the old names: a Redis Cluster was
     * refused then (and RENAME across slots is refused there).
     */
    async migrateLegacyKeys(): Promise<void> {
        if (isCluster(this.redis)) return;
        for (const [legacy, current] of [
            ['bot:user:genesys', botKeys.usersByGenesys],
            ['bot:user:teams', botKeys.usersByTeams]
        ]) {
            if ((await this.redis.exists(legacy)) === 1) await this.redis.renamenx(legacy, current);
        }
    }

    async savePersonal(teamsUserId: string, c: StoredConversation): Promise<void> {
        await this.redis.hset(botKeys.personal, teamsUserId, JSON.stringify(c));
    }
    async getPersonal(teamsUserId: string): Promise<StoredConversation | undefined> {
        return parse(await this.redis.hget(botKeys.personal, teamsUserId));
    }
    async dropPersonal(teamsUserId: string): Promise<void> {
        await this.redis.hdel(botKeys.personal, teamsUserId);
    }
    async saveConversation(id: string, c: StoredConversation): Promise<void> {
        await this.redis.hset(botKeys.conversations, id, JSON.stringify(c));
    }
    async getConversation(id: string): Promise<StoredConversation | undefined> {
        return parse(await this.redis.hget(botKeys.conversations, id));
    }
    async dropConversation(id: string): Promise<void> {
        await this.redis.hdel(botKeys.conversations, id);
    }
    async saveUser(user: TeamsUser): Promise<void> {
        const previous = await this.userByTeamsId(user.teamsUserId);
        const tx = this.redis.multi();
        if (previous && previous.genesysUserId !== user.genesysUserId)
            tx.hdel(botKeys.usersByGenesys, previous.genesysUserId);
        tx.hset(botKeys.usersByGenesys, user.genesysUserId, JSON.stringify(user));
        tx.hset(botKeys.usersByTeams, user.teamsUserId, JSON.stringify(user));
        await tx.exec();
    }
    async userByGenesysId(id: string): Promise<TeamsUser | undefined> {
        return parse(await this.redis.hget(botKeys.usersByGenesys, id));
    }
    async userByTeamsId(id: string): Promise<TeamsUser | undefined> {
        return parse(await this.redis.hget(botKeys.usersByTeams, id));
    }
    async subscribe(unit: string, conversationId: string, hours?: ShiftHours): Promise<void> {
        const field = JSON.stringify([unit, conversationId]);
        if (hours === undefined) {
            await this.redis.hset(botKeys.subscriptions, unit, conversationId);
            await this.redis.hdel(botKeys.subscriptionHours, field);
            return;
        }
        await this.redis.hset(botKeys.subscriptionHours, field, JSON.stringify(hours));
        if ((await this.redis.hget(botKeys.subscriptions, unit)) === conversationId)
            await this.redis.hdel(botKeys.subscriptions, unit);
    }
    async unsubscribe(conversationId: string): Promise<string[]> {
        const anyTime = await this.redis.hgetall(botKeys.subscriptions);
        const units = Object.entries(anyTime)
            .filter(([, c]) => c === conversationId)
            .map(([u]) => u);
        if (units.length > 0) await this.redis.hdel(botKeys.subscriptions, ...units);
        const timed = (await this.hoursEntries()).filter(([, s]) => s.conversationId === conversationId);
        if (timed.length > 0)
            await this.redis.hdel(
                botKeys.subscriptionHours,
                ...timed.map(([u]) => JSON.stringify([u, conversationId]))
            );
        const escalations = Object.entries(await this.redis.hgetall(botKeys.escalations)).filter(
            ([, c]) => c === conversationId
        );
        if (escalations.length > 0) await this.redis.hdel(botKeys.escalations, ...escalations.map(([f]) => f));
        const escalated = escalations.map(([f]) => (JSON.parse(f) as [string, number])[0]);
        return [...new Set([...units, ...timed.map(([u]) => u), ...escalated])].sort();
    }
    async subscriptionOf(unit: string): Promise<string | undefined> {
        return (await this.redis.hget(botKeys.subscriptions, unit)) ?? undefined;
    }
    async subscriptionsOf(unit: string): Promise<Subscription[]> {
        const anyTime = await this.redis.hget(botKeys.subscriptions, unit);
        const pairs: Array<[string, Subscription]> = (await this.hoursEntries()).filter(([u]) => u === unit);
        if (anyTime !== null) pairs.push([unit, { conversationId: anyTime }]);
        return groupSubscriptions(pairs).get(unit) ?? [];
    }
    async allSubscriptions(): Promise<Map<string, Subscription[]>> {
        const anyTime = await this.redis.hgetall(botKeys.subscriptions);
        const pairs: Array<[string, Subscription]> = Object.entries(anyTime).map(([u, c]) => [
            u,
            { conversationId: c }
        ]);
        return groupSubscriptions([...pairs, ...(await this.hoursEntries())]);
    }
    async unitsOf(conversationId: string): Promise<string[]> {
        const units = new Set<string>();
        for (const [u, subs] of await this.allSubscriptions())
            if (subs.some((s) => s.conversationId === conversationId)) units.add(u);
        for (const [u, byLevel] of await this.allEscalations())
            if ([...byLevel.values()].includes(conversationId)) units.add(u);
        return [...units].sort();
    }
    async subscribeEscalation(unit: string, conversationId: string, level: number): Promise<void> {
        await this.redis.hset(botKeys.escalations, JSON.stringify([unit, level]), conversationId);
    }
    async allEscalations(): Promise<Map<string, Map<number, string>>> {
        const out = new Map<string, Map<number, string>>();
        for (const [field, conversationId] of Object.entries(await this.redis.hgetall(botKeys.escalations))) {
            const [unit, level] = JSON.parse(field) as [string, number];
            let byLevel = out.get(unit);
            if (!byLevel) out.set(unit, (byLevel = new Map()));
            byLevel.set(level, conversationId);
        }
        return out;
    }
    async addEscalationCard(episodeId: string, card: EscalationCard): Promise<void> {
        const key = botKeys.escalationCards(episodeId);
        await this.redis.multi().rpush(key, JSON.stringify(card)).pexpire(key, RETAIN_MS).exec();
    }
    async escalationCards(episodeId: string): Promise<EscalationCard[]> {
        return (await this.redis.lrange(botKeys.escalationCards(episodeId), 0, -1)).map(
            (raw) => JSON.parse(raw) as EscalationCard
        );
    }
    private async hoursEntries(): Promise<Array<[string, Subscription]>> {
        const raw = await this.redis.hgetall(botKeys.subscriptionHours);
        return Object.entries(raw).map(([field, hours]) => {
            const [unit, conversationId] = JSON.parse(field) as [string, string];
            return [unit, { conversationId, hours: JSON.parse(hours) as ShiftHours }];
        });
    }
    async saveAlert(episodeId: string, alert: StoredAlert): Promise<void> {
        await this.redis.set(botKeys.alert(episodeId), JSON.stringify(alert), 'PX', RETAIN_MS);
    }
    async getAlert(episodeId: string): Promise<StoredAlert | undefined> {
        return parse(await this.redis.get(botKeys.alert(episodeId)));
    }
    async saveName(id: string, name: string): Promise<void> {
        await this.redis.hset(botKeys.names, id, name);
    }
    async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
        const found = new Map<string, string>();
        if (ids.length === 0) return found;
        const values = await this.redis.hmget(botKeys.names, ...ids);
        ids.forEach((id, i) => {
            const name = values[i];
            if (name !== null && name !== undefined) found.set(id, name);
        });
        return found;
    }
    async reportOnce(marker: string): Promise<boolean> {
        return (await this.redis.sadd(botKeys.reported, marker)) === 1;
    }
    async clearReported(marker: string): Promise<void> {
        await this.redis.srem(botKeys.reported, marker);
    }
    async claimDelivery(key: string, owner: string, leaseMs: number): Promise<'claimed' | 'busy' | 'done'> {
        const r = (await this.redis.eval(CLAIM, 1, botKeys.delivery(key), owner, String(leaseMs))) as string;
        return r as 'claimed' | 'busy' | 'done';
    }
    async completeDelivery(key: string): Promise<void> {
        await this.redis.set(botKeys.delivery(key), 'done', 'PX', RETAIN_MS);
    }
    async releaseDelivery(key: string, owner: string): Promise<void> {
        await this.redis.eval(RELEASE, 1, botKeys.delivery(key), owner);
    }
    /** Ping (for /readyz). */
    async ping(): Promise<boolean> {
        return (await this.redis.ping()) === 'PONG';
    }
    async close(): Promise<void> {
        if (this.ownsClient) this.redis.disconnect();
    }
}

function parse<T>(raw: string | null): T | undefined {
    return raw === null ? undefined : (JSON.parse(raw) as T);
}
