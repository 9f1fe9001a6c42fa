import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import type { BotStore, StoredConversation } from '../../../src/adapters/teams/BotStore';
import { MemoryBotStore } from '../../../src/adapters/teams/MemoryBotStore';
import { RedisBotStore } from '../../../src/adapters/teams/RedisBotStore';
import { createRedisClient, type RedisClient } from '../../../src/adapters/redis/createRedisClient';
import { parseStoreConfig, type RedisStoreConfig } from '../../../src/adapters/store/storeConfig';
import { FakeClock } from '../../support/FakeClock';
import { useRedisCluster } from '../../support/redisCluster';
import { cleanup as cleanPrefix, redisUrl as REDIS_URL, uniquePrefix } from '../../support/redis';

const conv = (id: string, kind: StoredConversation['kind'] = 'personal'): StoredConversation => ({
    kind,
    savedAt: 1,
    reference: { channelId: 'msteams', serviceUrl: 'http://x/', conversation: { id } }
});

/** One contract, two implementations. */
function contract(name: string, make: () => Promise<{ store: BotStore; clock: FakeClock }>): void {
    describe(`${name} BotStore`, () => {
        it('stores, reads and drops conversation references', async () => {
            const { store } = await make();
            await store.savePersonal('29:a', conv('a:1'));
            await store.saveConversation('19:c', conv('19:c', 'channel'));
            assert.equal((await store.getPersonal('29:a'))?.reference.conversation.id, 'a:1');
            assert.equal((await store.getConversation('19:c'))?.kind, 'channel');
            await store.dropPersonal('29:a');
            await store.dropConversation('19:c');
            assert.equal(await store.getPersonal('29:a'), undefined);
            assert.equal(await store.getConversation('19:c'), undefined);
        });

        it('maps Teams users to Genesys users both ways and forgets a stale mapping', async () => {
            const { store } = await make();
            await store.saveUser({ teamsUserId: '29:a', genesysUserId: 'g1', name: 'Ann' });
            assert.equal((await store.userByGenesysId('g1'))?.teamsUserId, '29:a');
            await store.saveUser({ teamsUserId: '29:a', genesysUserId: 'g2' });
            assert.equal(await store.userByGenesysId('g1'), undefined);
            assert.equal((await store.userByTeamsId('29:a'))?.genesysUserId, 'g2');
        });

        it('routes one conversation per unit and unsubscribes a conversation from all its units', async () => {
            const { store } = await make();
            await store.subscribe('mu1', '19:c');
            await store.subscribe('mu2', '19:c');
            await store.subscribe('mu3', '19:d');
            assert.deepEqual(await store.unitsOf('19:c'), ['mu1', 'mu2']);
            assert.deepEqual(await store.unsubscribe('19:c'), ['mu1', 'mu2']);
            assert.equal(await store.subscriptionOf('mu1'), undefined);
            assert.equal(await store.subscriptionOf('mu3'), '19:d');
        });

        it('keeps subscriptions with hours next to the one without, one per conversation and unit', async () => {
            const { store } = await make();
            const day = { from: 360, to: 840, days: [1, 2, 3, 4, 5] };
            const eve = { from: 840, to: 1320, days: [0, 1, 2, 3, 4, 5, 6] };
            await store.subscribe('mu1', '19:all');
            await store.subscribe('mu1', '19:eve', eve);
            await store.subscribe('mu1', '19:day', day);
            await store.subscribe('mu2', '19:day', eve);
            assert.deepEqual(await store.subscriptionsOf('mu1'), [
                { conversationId: '19:all' },
                { conversationId: '19:day', hours: day },
                { conversationId: '19:eve', hours: eve }
            ]);
            assert.equal(await store.subscriptionOf('mu1'), '19:all');
            assert.deepEqual(await store.unitsOf('19:day'), ['mu1', 'mu2']);
            // Subscribing again replaces the conversation's hours, or drops them; with hours it leaves "any time".
            await store.subscribe('mu1', '19:day', eve);
            await store.subscribe('mu1', '19:eve');
            await store.subscribe('mu1', '19:all', day);
            assert.deepEqual(await store.subscriptionsOf('mu1'), [
                { conversationId: '19:eve' },
                { conversationId: '19:all', hours: day },
                { conversationId: '19:day', hours: eve }
            ]);
            assert.deepEqual([...(await store.allSubscriptions()).keys()].sort(), ['mu1', 'mu2']);
            assert.deepEqual(await store.unsubscribe('19:day'), ['mu1', 'mu2']);
            assert.deepEqual(await store.subscriptionsOf('mu2'), []);
            assert.deepEqual(
                (await store.subscriptionsOf('mu1')).map((s) => s.conversationId),
                ['19:eve', '19:all']
            );
        });

        it('keeps escalation channels per unit and level, and the escalation cards of an episode', async () => {
            const { store } = await make();
            await store.subscribeEscalation('mu1', '19:leads', 1);
            await store.subscribeEscalation('mu1', '19:managers', 2);
            await store.subscribeEscalation('mu1', '19:leads2', 1);
            assert.deepEqual([...(await store.allEscalations()).get('mu1')!].sort(), [
                [1, '19:leads2'],
                [2, '19:managers']
            ]);
            assert.deepEqual(await store.unitsOf('19:managers'), ['mu1']);
            assert.deepEqual(await store.unsubscribe('19:managers'), ['mu1']);
            assert.deepEqual([...(await store.allEscalations()).get('mu1')!], [[1, '19:leads2']]);
            await store.addEscalationCard('e1', { conversationId: '19:leads2', activityId: 'act-9', level: 1 });
            await store.addEscalationCard('e1', { conversationId: '19:managers', activityId: 'act-10', level: 2 });
            assert.deepEqual(
                (await store.escalationCards('e1')).map((c) => c.activityId),
                ['act-9', 'act-10']
            );
            assert.deepEqual(await store.escalationCards('e2'), []);
        });

        it('keeps alert card ids and reports a marker once', async () => {
            const { store } = await make();
            const episode = {
                id: 'e1',
                userId: 'g1',
                managementUnitId: 'mu1',
                startedAt: 1,
                impact: 'Negative' as const
            };
            await store.saveAlert('e1', {
                conversationId: '19:c',
                activityId: 'act-1',
                episode,
                facts: { acknowledgedBy: 'x' }
            });
            assert.equal((await store.getAlert('e1'))?.facts.acknowledgedBy, 'x');
            assert.equal(await store.reportOnce('no-personal:g1'), true);
            assert.equal(await store.reportOnce('no-personal:g1'), false);
            await store.clearReported('no-personal:g1');
            assert.equal(await store.reportOnce('no-personal:g1'), true);
        });

        it('remembers display names by id and answers only the known ones', async () => {
            const { store } = await make();
            assert.deepEqual(await store.namesOf([]), new Map());
            await store.saveName('aad-sup', 'Sam Supervisor');
            await store.saveName('29:x', 'Xavier');
            await store.saveName('aad-sup', 'Sam S.');
            assert.deepEqual(
                await store.namesOf(['aad-sup', 'nobody', '29:x']),
                new Map([
                    ['aad-sup', 'Sam S.'],
                    ['29:x', 'Xavier']
                ])
            );
        });

        it('claims a delivery for one owner at a time and remembers it as done', async () => {
            const { store } = await make();
            assert.equal(await store.claimDelivery('k', 'a', 60_000), 'claimed');
            assert.equal(await store.claimDelivery('k', 'b', 60_000), 'busy');
            assert.equal(await store.claimDelivery('k', 'a', 60_000), 'claimed', 're-entrant for its owner');
            await store.releaseDelivery('k', 'b');
            assert.equal(await store.claimDelivery('k', 'b', 60_000), 'busy', 'only the owner releases');
            await store.releaseDelivery('k', 'a');
            assert.equal(await store.claimDelivery('k', 'b', 60_000), 'claimed');
            await store.completeDelivery('k');
            assert.equal(await store.claimDelivery('k', 'c', 60_000), 'done');
        });
    });
}

contract('Memory', async () => {
    const clock = new FakeClock();
    return { store: new MemoryBotStore(clock), clock };
});

const prefixes: string[] = [];
const clients: Redis[] = [];
contract('Redis', async () => {
    const prefix = uniquePrefix('botstore');
    prefixes.push(prefix);
    const redis = new Redis(REDIS_URL, { keyPrefix: prefix, lazyConnect: true });
    await redis.connect();
    clients.push(redis);
    return { store: new RedisBotStore(redis), clock: new FakeClock() };
});

after(async () => {
    for (const c of clients) c.disconnect();
    for (const p of prefixes) await cleanPrefix(p);
});

describe('RedisBotStore on a real three-master Redis Cluster', () => {
    const cluster = useRedisCluster();
    const clusterClients: RedisClient[] = [];
    after(() => clusterClients.forEach((c) => c.disconnect()));
    contract('Redis Cluster', async () => {
        const config = parseStoreConfig({ REDIS_URL: cluster().url }) as RedisStoreConfig;
        const redis = createRedisClient(config, { keyPrefix: uniquePrefix('botstore') });
        clusterClients.push(redis);
        return { store: new RedisBotStore(redis), clock: new FakeClock() };
    });
});

describe('RedisBotStore keeps the user maps of a store written before the {user} hash tag', () => {
    it('moves bot:user:genesys and bot:user:teams to their tagged names, once, keeping newer data', async () => {
        const prefix = uniquePrefix('botstore-legacy');
        const redis = new Redis(REDIS_URL, { keyPrefix: prefix, lazyConnect: true });
        try {
            const user = { teamsUserId: '29:a', genesysUserId: 'g1', name: 'Ann' };
            await redis.hset('bot:user:genesys', 'g1', JSON.stringify(user));
            await redis.hset('bot:user:teams', '29:a', JSON.stringify(user));
            const store = new RedisBotStore(redis);
            await store.migrateLegacyKeys();
            assert.equal((await store.userByGenesysId('g1'))?.teamsUserId, '29:a');
            assert.equal((await store.userByTeamsId('29:a'))?.genesysUserId, 'g1');
            assert.equal(await redis.exists('bot:user:genesys', 'bot:user:teams'), 0);
            await store.saveUser({ teamsUserId: '29:b', genesysUserId: 'g2' });
            await redis.hset('bot:user:genesys', 'stale', '{}');
            await store.migrateLegacyKeys();
            assert.equal((await store.userByGenesysId('g2'))?.teamsUserId, '29:b', 'the current map is kept');
        } finally {
            redis.disconnect();
            await cleanPrefix(prefix);
        }
    });
});

describe('RedisBotStore survives a restart', () => {
    it('reads what another client wrote under the same prefix', async () => {
        const prefix = uniquePrefix('botstore-restart');
        const a = RedisBotStore.connect(REDIS_URL, prefix);
        await a.savePersonal('29:a', conv('a:1'));
        await a.close();
        const b = RedisBotStore.connect(REDIS_URL, prefix);
        try {
            assert.equal((await b.getPersonal('29:a'))?.reference.conversation.id, 'a:1');
        } finally {
            await b.close();
            await cleanPrefix(prefix);
        }
    });
});
