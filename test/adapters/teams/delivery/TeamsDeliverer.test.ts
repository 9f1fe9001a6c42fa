import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActionSigner } from '../../../../src/adapters/teams/ActionSigner';
import { BotService } from '../../../../src/adapters/teams/BotService';
import { DisplayNames } from '../../../../src/adapters/teams/DisplayNames';
import { NotificationCards } from '../../../../src/adapters/teams/NotificationCards';
import type { DirectoryPort, EngineActions } from '../../../../src/adapters/teams/ports';
import type { ConversationRef } from '../../../../src/adapters/teams/BotStore';
import { MemoryBotStore } from '../../../../src/adapters/teams/MemoryBotStore';
import { TeamsDeliverer, type ConversationSender } from '../../../../src/adapters/teams/delivery/TeamsDeliverer';
import { MemoryAgentStateStore } from '../../../../src/adapters/memory/MemoryAgentStateStore';
import type { AdaptiveCardJson } from '../../../../src/cards/renderCard';
import { deliveryErrorFromStatus, type DeliveryError } from '../../../../src/adapters/teams/delivery/DeliveryError';
import { OutboxDispatcher } from '../../../../src/adapters/teams/delivery/OutboxDispatcher';
import type { AgentRecord, Episode, Notification } from '../../../../src/domain/adherence/types';
import { FakeClock } from '../../../support/FakeClock';

const MIN = 60_000;

function episode(userId: string, startedAt: number, unit = 'mu'): Episode {
    return { id: `${userId}@1`, userId, managementUnitId: unit, startedAt, impact: 'Negative' };
}

const alertOf = (e: Episode, at: number): Notification => ({
    kind: 'alert',
    key: `${e.id}:alert`,
    episode: e,
    at,
    reminder: false
});

const exceptionOf = (e: Episode, at: number): Notification => ({
    kind: 'alert-update',
    key: `${e.id}:exception`,
    episode: e,
    at,
    change: 'exception'
});

/** Records card posts and updates by card title; fails the next sends as scripted. */
class RecordingSender implements ConversationSender {
    readonly calls: string[] = [];
    readonly cards: AdaptiveCardJson[] = [];
    readonly failures: DeliveryError[] = [];
    private next = 1;
    async send(_ref: ConversationRef, card: AdaptiveCardJson): Promise<string> {
        const failure = this.failures.shift();
        if (failure) throw failure;
        const id = `act-${this.next++}`;
        this.calls.push(`POST ${id} ${title(card)}`);
        return id;
    }
    async update(_ref: ConversationRef, activityId: string, card: AdaptiveCardJson): Promise<void> {
        this.calls.push(`PUT ${activityId} ${title(card)}`);
        this.cards.push(card);
    }
}

function title(card: AdaptiveCardJson): string {
    return String((card as unknown as { body: Array<{ text?: string }> }).body[0].text);
}

async function setup(options: { directory?: DirectoryPort; maxAttempts?: number } = {}) {
    const clock = new FakeClock();
    const store = new MemoryAgentStateStore();
    const bots = new MemoryBotStore(clock);
    await bots.subscribe('mu', '19:chan');
    await bots.saveConversation('19:chan', {
        kind: 'channel',
        savedAt: clock.now(),
        reference: { channelId: 'msteams', serviceUrl: 'http://connector', conversation: { id: '19:chan' } }
    });
    const sender = new RecordingSender();
    const cards = new NotificationCards({
        names: new DisplayNames({ store: bots, directory: options.directory }),
        signer: ActionSigner.random(),
        clock,
        timeZone: 'UTC'
    });
    const dropped: string[] = [];
    const dispatcher = new OutboxDispatcher({
        store,
        deliverer: new TeamsDeliverer(bots, sender, cards),
        clock,
        random: () => 0.5,
        claims: bots,
        maxAttempts: options.maxAttempts ?? 8,
        metrics: { dropped: (r) => dropped.push(r) }
    });
    /** Commit notifications to the outbox, one agent record each, due at `notBefore`. */
    const enqueue = async (notifications: Notification[]) => {
        const byUser = new Map<string, Notification[]>();
        for (const n of notifications) byUser.set(n.episode.userId, [...(byUser.get(n.episode.userId) ?? []), n]);
        const results = await store.commit(
            [...byUser].map(([userId, outbox]) => ({
                userId,
                expectedVersion: 0,
                record: {
                    userId,
                    version: 1,
                    lastChangeAt: clock.now(),
                    managementUnitId: 'mu',
                    state: { status: 'adherent' as const }
                },
                dueAt: null,
                log: [],
                outbox
            }))
        );
        assert.ok(results.every((r) => r.ok));
    };
    const run = async (ms: number, step = 50) => {
        for (let t = 0; t < ms; t += step) {
            clock.advance(step);
            await dispatcher.idle();
        }
    };
    return { clock, store, bots, sender, dispatcher, dropped, enqueue, run };
}

describe('TeamsDeliverer alert updates', () => {
    it('applies an update committed together with its alert (same read) to the card once it is posted', async () => {
        const t = await setup();
        const e = episode('g-a', t.clock.now() - 16 * MIN);
        await t.enqueue([alertOf(e, t.clock.now()), exceptionOf(e, t.clock.now())]);
        t.dispatcher.start();
        await t.run(2_000);
        await t.dispatcher.stop();
        assert.deepEqual(t.sender.calls, [
            'POST act-1 g-a is out of adherence',
            'PUT act-1 g-a: formal adherence exception'
        ]);
        assert.deepEqual(t.dropped, []);
        assert.equal((await t.bots.getAlert(e.id))?.facts.exceptionAt, t.clock.now() - 2_000);
    });

    it('keeps the update behind an alert that waits for Retry-After, then applies it', async () => {
        const t = await setup();
        const e = episode('g-a', t.clock.now() - 16 * MIN);
        t.sender.failures.push(deliveryErrorFromStatus(429, '5'));
        await t.enqueue([alertOf(e, t.clock.now()), exceptionOf(e, t.clock.now())]);
        t.dispatcher.start();
        await t.run(3_000);
        assert.deepEqual(t.sender.calls, [], 'the alert waits for Retry-After, the update is still pending');
        await t.run(5_000);
        await t.dispatcher.stop();
        assert.deepEqual(t.sender.calls, [
            'POST act-1 g-a is out of adherence',
            'PUT act-1 g-a: formal adherence exception'
        ]);
        assert.deepEqual(t.dropped, []);
        assert.equal((await t.store.dueOutbox(t.clock.now() + 3_600_000, 10)).length, 0);
    });

    it('sets aside an update whose alert is not queued yet without holding up the channel, and applies it later', async () => {
        const t = await setup();
        const now = t.clock.now();
        const a = episode('g-a', now - 16 * MIN);
        const b = episode('g-b', now - 10 * MIN);
        // g-a's alert is in the outbox for a retry 3 s from now (e.g. after a restart); its update is due now.
        await t.enqueue([alertOf(a, now), exceptionOf(a, now), alertOf(b, now)]);
        await t.store.retryOutbox(`${a.id}:alert`, now + 3_000);
        t.dispatcher.start();
        await t.run(1_000);
        assert.deepEqual(t.sender.calls, ['POST act-1 g-b is out of adherence'], "the channel's other alert went out");
        await t.run(20_000);
        await t.dispatcher.stop();
        assert.deepEqual(t.sender.calls.slice(1), [
            'POST act-2 g-a is out of adherence',
            'PUT act-2 g-a: formal adherence exception'
        ]);
        assert.deepEqual(t.dropped, []);
    });

    it('drops (logged, counted) an update whose alert card never appears, after the retry budget', async () => {
        const t = await setup({ maxAttempts: 3 });
        const e = episode('g-a', t.clock.now() - 16 * MIN);
        await t.enqueue([exceptionOf(e, t.clock.now())]);
        t.dispatcher.start();
        await t.run(30_000, 100);
        await t.dispatcher.stop();
        assert.deepEqual(t.sender.calls, []);
        assert.deepEqual(t.dropped, ['max-attempts']);
        assert.equal((await t.store.dueOutbox(t.clock.now() + 3_600_000, 10)).length, 0);
    });

    it('drops an update at once when the unit has no alert channel (its alert was dropped too)', async () => {
        const t = await setup();
        await t.bots.unsubscribe('19:chan');
        await t.enqueue([exceptionOf(episode('g-a', t.clock.now()), t.clock.now())]);
        t.dispatcher.start();
        await t.run(500);
        await t.dispatcher.stop();
        assert.deepEqual(t.dropped, ['no-alert-card']);
    });
});

describe('TeamsDeliverer with the Genesys directory down', () => {
    it('posts the alert with the agent id instead of losing it', async () => {
        let down = true;
        const t = await setup({
            directory: {
                displayName: async () => {
                    if (down) throw new Error('GENESYS_UNAVAILABLE 503');
                    return 'Alex Agent';
                }
            }
        });
        const e = episode('g-a', t.clock.now() - 10 * MIN);
        await t.enqueue([alertOf(e, t.clock.now()), exceptionOf(e, t.clock.now())]);
        t.dispatcher.start();
        await t.run(1_000);
        down = false;
        await t.run(1_000);
        await t.dispatcher.stop();
        assert.deepEqual(t.sender.calls, [
            'POST act-1 g-a is out of adherence',
            'PUT act-1 g-a: formal adherence exception'
        ]);
        assert.deepEqual(t.dropped, []);
    });

    it('does not post an alert twice when storing its card id fails after the post', async () => {
        const t = await setup();
        const saveAlert = t.bots.saveAlert.bind(t.bots);
        let failures = 2;
        t.bots.saveAlert = async (id, alert) => {
            if (failures-- > 0) throw new Error('redis down');
            return saveAlert(id, alert);
        };
        await t.enqueue([alertOf(episode('g-a', t.clock.now()), t.clock.now())]);
        t.dispatcher.start();
        await t.run(5_000);
        await t.dispatcher.stop();
        assert.deepEqual(t.sender.calls, ['POST act-1 g-a is out of adherence']);
    });
});

describe('TeamsDeliverer supervisor names', () => {
    it('names who acknowledged on a card rendered by another instance (or after a restart)', async () => {
        const t = await setup();
        const now = t.clock.now();
        const e = episode('g-a', now - 12 * MIN);
        const record: AgentRecord = {
            userId: 'g-a',
            version: 2,
            lastChangeAt: now,
            managementUnitId: 'mu',
            state: { status: 'drifting', episode: e, exceptionDueAt: now + 3 * MIN }
        };
        // The instance that handles the click: a different BotService (its own memory) on the same bot store.
        const signer = ActionSigner.random();
        const acting = new BotService({
            engine: {
                agent: () => record,
                acknowledge: async () => ({ ok: true as const, record })
            } as unknown as EngineActions,
            store: t.bots,
            signer,
            clock: t.clock,
            supervisors: new Map([['aad-sup', ['mu']]]),
            channelMembersSupervise: false,
            userOverrides: new Map(),
            timeZone: 'UTC'
        });
        const res = await acting.action(
            {
                teamsUserId: '29:sup',
                aadObjectId: 'aad-sup',
                name: 'Sam Supervisor',
                conversationId: '19:chan',
                kind: 'channel'
            },
            { verb: 'acknowledge', userId: 'g-a', episodeId: e.id, sig: signer.sign('acknowledge', 'g-a', e.id) }
        );
        assert.equal(res.refused, undefined);
        // The engine's update, delivered by this (other) instance.
        await t.enqueue([
            alertOf(e, now),
            { kind: 'alert-update', key: `${e.id}:ack`, episode: e, at: now, change: 'acknowledged', by: 'aad-sup' }
        ]);
        t.dispatcher.start();
        await t.run(2_000);
        await t.dispatcher.stop();
        assert.equal(t.sender.cards.length, 1);
        const text = JSON.stringify(t.sender.cards[0]);
        assert.match(text, /Acknowledged by Sam Supervisor/);
    });
});
