import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActionSigner } from '../../../../src/adapters/teams/ActionSigner';
import { BotService } from '../../../../src/adapters/teams/BotService';
import { createTeamsBot, type TeamsBot } from '../../../../src/adapters/teams/bot';
import type { ConversationRef } from '../../../../src/adapters/teams/BotStore';
import { isDeliveryError } from '../../../../src/adapters/teams/delivery/DeliveryError';
import { MemoryBotStore } from '../../../../src/adapters/teams/MemoryBotStore';
import type { EngineActions } from '../../../../src/adapters/teams/ports';
import { silentLogger } from '../../../../src/kit/Logger';
import { FakeBotConnector } from '../../../support/fakeBotConnector';
import { FakeClock } from '../../../support/FakeClock';

const CARD = { type: 'AdaptiveCard' as const, version: '1.5', body: [] };

describe('proactive sender', () => {
    const connector = new FakeBotConnector();
    // Far behind the wall clock: botbuilder's own client (which reads Retry-After against the wall clock) sees the
    // date as past and does not sleep; the outbox must read it against this clock.
    const clock = new FakeClock(Date.UTC(2020, 0, 6, 9, 0, 0));
    let bot: TeamsBot;
    let reference: ConversationRef;

    before(async () => {
        const serviceUrl = await connector.start();
        reference = { channelId: 'msteams', serviceUrl, conversation: { id: 'a:chat-1' } };
        const store = new MemoryBotStore(clock);
        const service = new BotService({
            engine: {} as EngineActions,
            store,
            signer: ActionSigner.random(),
            clock,
            supervisors: new Map(),
            channelMembersSupervise: true,
            userOverrides: new Map(),
            timeZone: 'UTC'
        });
        bot = createTeamsBot({
            credentials: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
            service,
            store,
            clock,
            logger: silentLogger()
        });
    });
    after(() => connector.stop());

    it('posts a card and returns the new activity id', async () => {
        const id = await bot.sender.send(reference, CARD);
        assert.match(id, /^act-/);
        assert.equal(connector.posted('a:chat-1').length, 1);
    });

    it('hands a 429 to the outbox at once: botbuilder’s client does not retry it behind the rate gate', async () => {
        connector.script('post', [{ status: 429, headers: { 'retry-after': '1' } }], 'a:chat-3');
        await assert.rejects(bot.sender.send({ ...reference, conversation: { id: 'a:chat-3' } }, CARD), (error) => {
            assert.ok(isDeliveryError(error));
            assert.equal(error.code, 'TEAMS_THROTTLED');
            assert.equal(error.retryAfterMs, 1_000);
            return true;
        });
        assert.equal(connector.requests.filter((r) => r.conversationId === 'a:chat-3').length, 1, 'one request');
    });

    it('reads a Retry-After date against the injected clock', async () => {
        const retryAt = new Date(clock.now() + 30_000).toUTCString();
        connector.script(
            'post',
            Array.from({ length: 10 }, () => ({ status: 429, headers: { 'retry-after': retryAt } })),
            'a:chat-2'
        );
        await assert.rejects(
            bot.sender.send({ ...reference, conversation: { id: 'a:chat-2' } }, CARD),
            (error: unknown) => {
                assert.ok(isDeliveryError(error));
                assert.equal(error.code, 'TEAMS_THROTTLED');
                assert.equal(error.retryAfterMs, 30_000);
                return true;
            }
        );
    });
});
