/* eslint-disable @typescript-eslint/no-explicit-any -- JSON payloads on the wire are untyped here */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActionSigner } from '../../../src/adapters/teams/ActionSigner';
import { BotService } from '../../../src/adapters/teams/BotService';
import type { EngineActions } from '../../../src/adapters/teams/ports';
import { MemoryBotStore } from '../../../src/adapters/teams/MemoryBotStore';
import { createTeamsBot, type TeamsBot } from '../../../src/adapters/teams/bot';
import { defaultPolicy } from '../../../src/engine/engineConfig';
import { silentLogger } from '../../../src/kit/Logger';
import { FakeBotConnector } from '../../support/fakeBotConnector';
import { FakeClock } from '../../support/FakeClock';
import { BOT, TENANT, type TestUser } from '../../support/activities';

const AGENT: TestUser = { id: '29:agent', name: 'Alex Agent', aadObjectId: 'aad-agent' };

/** Hand one activity to the bot as botbuilder's `process` gets it from restify; returns the HTTP answer. */
async function post(bot: TeamsBot, activity: object): Promise<{ status: number; body: unknown }> {
    let status = 0;
    let body: unknown;
    const res: any = {
        status(code: number) {
            status = code;
            return res;
        },
        send(b: unknown) {
            body = b;
            return res;
        },
        end() {
            return res;
        },
        header() {
            return res;
        }
    };
    await bot.process({ body: activity, headers: {} }, res);
    return { status, body };
}

describe('Teams bot message routing', () => {
    const connector = new FakeBotConnector();
    let bot: TeamsBot;
    let signer: ActionSigner;
    let store: MemoryBotStore;
    let serviceUrl = '';
    let seq = 0;
    const personalMessage = (extra: object) => ({
        id: `in-${++seq}`,
        type: 'message',
        channelId: 'msteams',
        serviceUrl,
        from: { id: AGENT.id, name: AGENT.name, aadObjectId: AGENT.aadObjectId },
        recipient: BOT,
        conversation: { id: 'a:personal-agent', conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
        ...extra
    });
    const replies = () => connector.delivered('reply').map((r) => JSON.stringify(r.body?.attachments?.[0]?.content));

    before(async () => {
        serviceUrl = await connector.start();
        const clock = new FakeClock();
        store = new MemoryBotStore(clock);
        await store.saveUser({ teamsUserId: AGENT.id, genesysUserId: 'g-agent', aadObjectId: AGENT.aadObjectId });
        signer = new ActionSigner('bot-test-secret-0123456789abcdef0123');
        const engine = {
            agent: () => undefined,
            getPolicy: () => defaultPolicy(),
            openEpisodes: () => []
        } as unknown as EngineActions;
        const service = new BotService({
            engine,
            store,
            signer,
            clock,
            supervisors: new Map(),
            channelMembersSupervise: true,
            userOverrides: new Map(),
            timeZone: 'UTC'
        });
        const logger = silentLogger();
        bot = createTeamsBot({
            credentials: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
            service,
            store,
            clock,
            logger
        });
    });
    after(() => connector.stop());

    /** The signed data of the nudge card's "Show my adherence" button for g-agent's episode. */
    const myStatusData = () => ({
        verb: 'myStatus',
        userId: 'g-agent',
        episodeId: 'g-agent@1',
        sig: signer.sign('myStatus', 'g-agent', 'g-agent@1')
    });

    it('routes an Action.Submit fallback (data in value, no text) to the card action', async () => {
        const value = myStatusData();
        const before = replies().length;
        assert.equal((await post(bot, personalMessage({ value }))).status, 200);
        const answer = replies().slice(before);
        assert.equal(answer.length, 1, 'one reply');
        assert.match(answer[0], /Your adherence/);
    });

    it('answers "Show my adherence" (Action.Execute) with a message and posts the status as a new card', async () => {
        const data = myStatusData();
        const before = replies().length;
        const res = await post(
            bot,
            personalMessage({
                type: 'invoke',
                name: 'adaptiveCard/action',
                replyToId: 'nudge-activity',
                value: { action: { type: 'Action.Execute', verb: 'myStatus', data } }
            })
        );
        assert.equal(res.status, 200);
        const body = res.body as { type?: string };
        assert.equal(body.type, 'application/vnd.microsoft.activity.message', 'the nudge card is not replaced');
        const answer = replies().slice(before);
        assert.equal(answer.length, 1, 'the status went out as its own message');
        assert.match(answer[0], /Your adherence/);
        assert.equal(connector.delivered('update').length, 0, 'nothing was updated in place');
    });

    it('clears the "no personal chat" marker of an already mapped agent when their personal chat is stored', async () => {
        assert.equal(await store.reportOnce('no-personal:g-agent'), true);
        assert.equal((await post(bot, personalMessage({ text: 'help' }))).status, 200);
        assert.equal(await store.reportOnce('no-personal:g-agent'), true, 'reported again next time it is missing');
    });

    it('answers a text-less message with the help card instead of silence', async () => {
        const before = replies().length;
        assert.equal((await post(bot, personalMessage({ attachments: [] }))).status, 200);
        const answer = replies().slice(before);
        assert.equal(answer.length, 1, 'one reply');
        assert.match(answer[0], /report \[days\]/);
    });
});
