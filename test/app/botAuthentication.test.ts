import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { MemoryBotStore } from '../../src/adapters/teams/MemoryBotStore';
import { BotTokenIssuer } from '../support/botTokenIssuer';
import { capturingLogger } from '../support/capturingLogger';
import { FakeBotConnector } from '../support/fakeBotConnector';
import { FakeClock } from '../support/FakeClock';
import { BOT, TENANT, personalConversation, personalMessage } from '../support/activities';

const APP_ID = '00000000-0000-4000-8000-0000000000aa';
const PASSWORD = 'not-a-real-password';
const USER = { id: '29:known', name: 'Kim Known', aadObjectId: 'aad-known' };

/**
 * Production-mode authentication of `POST /api/messages` with the real botbuilder validation against a local token
 * issuer (BOT_OPENID_METADATA_URL): every forged or missing token is a 401 whatever the body, before the body is
 * looked at, and nothing is logged at error level.
 */
describe('bot endpoint authentication (BOT_ID set)', () => {
    const issuer = new BotTokenIssuer();
    const connector = new FakeBotConnector();
    const logger = capturingLogger();
    const clock = new FakeClock();
    const botStore = new MemoryBotStore(clock);
    let app: App;

    before(async () => {
        await issuer.start();
        await connector.start();
        await botStore.saveUser({ teamsUserId: USER.id, genesysUserId: 'g-known', aadObjectId: USER.aadObjectId });
        app = await createApp(
            loadConfig({
                ADHERENCE_MODE: 'test',
                PORT: '0',
                HOST: '127.0.0.1',
                BOT_ID: APP_ID,
                BOT_PASSWORD: PASSWORD,
                BOT_OPENID_METADATA_URL: issuer.metadataUrl
            }),
            { clock, logger, botStore }
        );
    });
    after(async () => {
        await app.close();
        await connector.stop();
        await issuer.stop();
    });

    const post = async (body: string, authorization?: string) => {
        const res = await fetch(`${app.url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
            body
        });
        return { status: res.status, text: await res.text() };
    };

    const message = () => personalMessage(connector.url, USER, 'help');
    const good = () => issuer.claims(APP_ID, connector.url);
    const now = Math.floor(Date.now() / 1000);
    const forged: Array<[string, string | undefined]> = [
        ['no token', undefined],
        ['empty bearer', 'Bearer '],
        ['garbage', 'Bearer abc.def.ghi'],
        ['not bearer', `Basic ${Buffer.from('a:b').toString('base64')}`],
        ['alg none', `Bearer ${BotTokenIssuer.unsigned(good(), issuer.kid)}`],
        ['HS256 with the bot password', `Bearer ${BotTokenIssuer.hs256(good(), PASSWORD, issuer.kid)}`],
        ['self-signed RS256 (published kid)', `Bearer ${BotTokenIssuer.selfSigned(good(), issuer.kid)}`],
        ['self-signed RS256 (own kid)', `Bearer ${BotTokenIssuer.selfSigned(good(), 'attacker-key')}`],
        ['expired', `Bearer ${issuer.sign({ ...good(), nbf: now - 7_200, exp: now - 3_600 })}`],
        ['another audience', `Bearer ${issuer.sign({ ...good(), aud: 'another-bot' })}`]
    ];

    it('answers 401 to every forged or missing token, whatever the body, and runs no bot logic', async () => {
        const bodies = ['{"type":5}', '{"text":"hi"}', 'garbage', '{}', '[]', JSON.stringify(message())];
        for (const [label, authorization] of forged) {
            for (const body of bodies) {
                const res = await post(body, authorization);
                assert.equal(res.status, 401, `${label} with ${body.slice(0, 20)}: ${res.text}`);
                assert.deepEqual(JSON.parse(res.text), { error: 'unauthorized' });
            }
        }
        // A genuine token issued for another service URL does not authenticate an activity naming this one.
        const elsewhere = `Bearer ${issuer.sign({ ...good(), serviceurl: 'https://attacker.invalid/' })}`;
        assert.equal((await post(JSON.stringify(message()), elsewhere)).status, 401);
        assert.equal(await botStore.getPersonal(USER.id), undefined, 'nothing was stored');
        assert.deepEqual(logger.at('error'), [], 'no error-level line');
        assert.ok(logger.at('warn').some((l) => l.msg === 'bot request refused: not authenticated'));
    });

    it('with a genuine token: a malformed activity is a 400 naming the field, a good one runs the turn', async () => {
        const token = `Bearer ${issuer.sign(good())}`;
        const bad = await post('{"type":5}', token);
        assert.equal(bad.status, 400);
        assert.match(bad.text, /type: Expected string, received number/);
        const notJson = await post('garbage', token);
        assert.equal(notJson.status, 400);

        const update = {
            ...message(),
            type: 'conversationUpdate',
            text: undefined,
            membersAdded: [BOT],
            conversation: { ...personalConversation(USER), tenantId: TENANT }
        };
        const ok = await post(JSON.stringify(update), token);
        assert.equal(ok.status, 200, ok.text);
        assert.equal((await botStore.getPersonal(USER.id))?.reference.serviceUrl, connector.url, 'the turn ran');
        assert.deepEqual(logger.at('error'), [], 'no error-level line');
    });
});
