import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActionSigner } from '../../../../src/adapters/teams/ActionSigner';
import type { ConversationRef } from '../../../../src/adapters/teams/BotStore';
import { DisplayNames } from '../../../../src/adapters/teams/DisplayNames';
import { MemoryBotStore } from '../../../../src/adapters/teams/MemoryBotStore';
import { ShiftRouting } from '../../../../src/adapters/teams/ShiftRouting';
import { NotificationCards } from '../../../../src/adapters/teams/NotificationCards';
import { deliveryErrorFromStatus } from '../../../../src/adapters/teams/delivery/DeliveryError';
import { TeamsDeliverer } from '../../../../src/adapters/teams/delivery/TeamsDeliverer';
import type { AdaptiveCardJson } from '../../../../src/cards/renderCard';
import type { Episode, Notification } from '../../../../src/domain/adherence/types';
import { FakeClock } from '../../../support/FakeClock';

const MIN = 60_000;

async function setup(escalateTo?: ReadonlyMap<string, readonly string[]>) {
    const clock = new FakeClock();
    const store = new MemoryBotStore(clock);
    for (const id of ['29:lead-1', '29:lead-2']) {
        await store.savePersonal(id, {
            kind: 'personal',
            savedAt: clock.now(),
            reference: { channelId: 'msteams', serviceUrl: 'http://connector', conversation: { id: `a:${id}` } }
        });
    }
    for (const id of ['19:chan', '19:leads']) {
        await store.saveConversation(id, {
            kind: 'channel',
            savedAt: clock.now(),
            reference: { channelId: 'msteams', serviceUrl: 'http://connector', conversation: { id } }
        });
    }
    await store.subscribe('mu', '19:chan');
    await store.subscribeEscalation('mu', '19:leads', 1);
    const calls: Array<{ verb: string; conversation: string; activityId: string; card: string }> = [];
    let next = 1;
    const failUpdates: Array<Error> = [];
    const failSends: Array<Error | undefined> = [];
    const sender = {
        async send(ref: ConversationRef, card: AdaptiveCardJson): Promise<string> {
            const failure = failSends.shift();
            if (failure) throw failure;
            const activityId = `act-${next++}`;
            calls.push({ verb: 'POST', conversation: ref.conversation.id, activityId, card: JSON.stringify(card) });
            return activityId;
        },
        async update(ref: ConversationRef, activityId: string, card: AdaptiveCardJson): Promise<void> {
            const failure = ref.conversation.id === '19:leads' ? failUpdates.shift() : undefined;
            if (failure) throw failure;
            if (failure) throw failure;
            calls.push({ verb: 'PUT', conversation: ref.conversation.id, activityId, card: JSON.stringify(card) });
        }
    };
    const cards = new NotificationCards({
        names: new DisplayNames({ store }),
        signer: ActionSigner.random(),
        clock,
        timeZone: 'UTC'
    });
    const routing = new ShiftRouting({ store, clock, timeZoneOf: () => 'UTC', refreshMs: 0, escalateTo });
    const deliverer = new TeamsDeliverer(store, sender, cards, {}, undefined, routing);
    const deliver = async (n: Notification) => {
        const route = await deliverer.route(n);
        if ('conversationKey' in route) await deliverer.send(n, route.conversationKey);
        return route;
    };
    const episode: Episode = {
        id: 'g-1@1',
        userId: 'g-1',
        managementUnitId: 'mu',
        startedAt: clock.now() - 15 * MIN,
        impact: 'Negative'
    };
    return { clock, store, calls, deliver, episode, failUpdates, failSends };
}

describe('escalation delivery', () => {
    it("posts the alert card, marked escalated, in the unit's escalation channel; every later change updates both cards", async () => {
        const { clock, calls, deliver, episode } = await setup();
        const at = clock.now();
        await deliver({ kind: 'alert', key: 'k1', episode, at: at - 5 * MIN, reminder: false });
        assert.deepEqual(await deliver({ kind: 'escalation', key: 'k2', episode, at, level: 1 }), {
            conversationKey: '19:leads'
        });
        await deliver({ kind: 'alert-update', key: 'k3', episode, at, change: 'escalated', level: 1 });
        const escalationCard = calls.find((c) => c.verb === 'POST' && c.conversation === '19:leads')!;
        assert.match(escalationCard.card, /Escalated at 09:00 UTC: nobody had acted on it/);
        assert.match(escalationCard.card, /"verb":"acknowledge"/, 'the escalated card can be acted on');
        calls.length = 0;
        await deliver({ kind: 'alert-update', key: 'k4', episode, at: at + MIN, change: 'acknowledged', by: 'sup-1' });
        assert.deepEqual(
            calls.map((c) => `${c.verb} ${c.conversation} ${c.activityId}`),
            ['PUT 19:chan act-1', 'PUT 19:leads act-2']
        );
        for (const c of calls) {
            assert.match(c.card, /Acknowledged by a supervisor at 09:01 UTC/);
            assert.doesNotMatch(c.card, /nobody had acted on it/, 'escalation line gone once somebody acted');
        }
    });

    it('retries a throttled escalation card update with the alert card, and leaves a refused one as it is', async () => {
        const { clock, calls, deliver, episode, failUpdates } = await setup();
        const at = clock.now();
        await deliver({ kind: 'alert', key: 'k1', episode, at: at - 5 * MIN, reminder: false });
        await deliver({ kind: 'escalation', key: 'k2', episode, at, level: 1 });
        failUpdates.push(deliveryErrorFromStatus(429, null, at));
        const ack: Notification = { kind: 'alert-update', key: 'k3', episode, at, change: 'acknowledged', by: 's' };
        await assert.rejects(deliver(ack), (e: { code?: string }) => e.code === 'TEAMS_THROTTLED');
        failUpdates.push(deliveryErrorFromStatus(403, null, at));
        calls.length = 0;
        await deliver(ack);
        assert.deepEqual(
            calls.map((c) => `${c.verb} ${c.conversation}`),
            ['PUT 19:chan']
        );
    });

    it('drops an escalation of a level nobody is subscribed to, reported once', async () => {
        const { clock, store, deliver, episode } = await setup();
        assert.deepEqual(await deliver({ kind: 'escalation', key: 'k', episode, at: clock.now(), level: 2 }), {
            drop: 'no-escalation-target'
        });
        assert.equal(await store.reportOnce('no-escalation:mu:2'), false, 'already reported');
    });

    it('escalates to the configured people privately when the unit has no escalation channel, each once', async () => {
        const people = new Map([
            ['29:lead-1', ['mu2']],
            ['29:lead-2', ['*']],
            ['29:lead-3', ['mu2']] // never talked to the bot: skipped
        ]);
        const { clock, calls, deliver, failSends } = await setup(people);
        const episode: Episode = {
            id: 'g-2@1',
            userId: 'g-2',
            managementUnitId: 'mu2',
            startedAt: 1,
            impact: 'Negative'
        };
        const at = clock.now();
        const escalation: Notification = { kind: 'escalation', key: 'g-2@1:escalate:1', episode, at, level: 1 };
        failSends.push(undefined, deliveryErrorFromStatus(502, null, at));
        await assert.rejects(deliver(escalation));
        assert.deepEqual(
            calls.map((c) => `${c.verb} ${c.conversation}`),
            ['POST a:29:lead-1']
        );
        const route = await deliver(escalation); // the retry
        assert.deepEqual(route, { conversationKey: 'escalate-to-people:mu2' });
        assert.deepEqual(
            calls.map((c) => `${c.verb} ${c.conversation}`),
            ['POST a:29:lead-1', 'POST a:29:lead-2'],
            'the retry sends only the card not sent yet'
        );
        assert.match(calls[1].card, /nobody had acted on it/);
        assert.deepEqual(await deliver({ ...escalation, key: 'g-2@1:escalate:2', level: 2 }), {
            drop: 'no-escalation-target'
        });
    });
});
