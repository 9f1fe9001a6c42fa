import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { hostname } from 'node:os';
import { createApp, syncConsumerName, type App } from '../../src/app/createApp';
import { silentLogger } from '../../src/kit/Logger';
import { FakeClock } from '../support/FakeClock';
import { FakeBotConnector } from '../support/fakeBotConnector';
import { actionExecute, personalConversation, personalMessage, postActivity } from '../support/activities';

const USER = { id: '29:u1', name: 'Una User', aadObjectId: 'aad-u1' };

async function get(url: string): Promise<{ status: number; text: string }> {
    const res = await fetch(url, { headers: { connection: 'close' } });
    return { status: res.status, text: await res.text() };
}

describe('createApp in test mode (no credentials, memory stores)', () => {
    let app: App;
    let connector: FakeBotConnector;
    before(async () => {
        connector = new FakeBotConnector();
        await connector.start();
        app = await createApp(loadConfig({ ADHERENCE_MODE: 'test', PORT: '0', HOST: '127.0.0.1' }), {
            clock: new FakeClock(),
            logger: silentLogger()
        });
    });
    after(async () => {
        await app.close();
        await connector.stop();
    });

    it('serves health, readiness and Prometheus metrics', async () => {
        assert.deepEqual(JSON.parse((await get(`${app.url}/healthz`)).text), { status: 'ok' });
        const ready = await get(`${app.url}/readyz`);
        assert.equal(ready.status, 200);
        assert.deepEqual(JSON.parse(ready.text).checks, { store: true });
        const metrics = await get(`${app.url}/metrics`);
        assert.match(metrics.text, /# TYPE teams_notifications_sent_total counter/);
        assert.match(metrics.text, /adherence_events_in_total/);
        assert.match(metrics.text, /\nadherence_engine_queued_events 0\n/);
        assert.match(metrics.text, /\nadherence_engine_folded_total 0\n/);
    });

    it('answers unknown text with the help card, never silence', async () => {
        const res = await postActivity(app.url, personalMessage(connector.url, USER, 'what is this'));
        assert.equal(res.status, 200);
        const reply = connector.posted(personalConversation(USER).id).at(-1)!;
        const card = JSON.stringify(reply.body.attachments[0].content);
        assert.match(card, /didn't understand/);
        assert.match(card, /subscribe <unit>/);
    });

    it('answers an Action.Execute with an unknown or unsigned verb with a visible message instead of 501', async () => {
        const res = await postActivity(
            app.url,
            actionExecute(connector.url, USER, personalConversation(USER), 'doSomethingElse', { foo: 1 })
        );
        assert.equal(res.status, 200);
        assert.equal(res.body.statusCode, 200);
        assert.match(String(res.body.value), /could not be verified/);
    });

    it('refuses an activity with fields of the wrong type with a 400 naming them, before any handler runs', async () => {
        const good = personalMessage(connector.url, USER, 'help');
        const cases: Array<[string, object]> = [
            ['text', { ...good, text: 42 }],
            ['conversation.id', { ...good, conversation: { ...good.conversation, id: 5 } }],
            ['from.id', { ...good, from: { ...good.from, id: 7 } }],
            ['serviceUrl', { ...good, serviceUrl: 'not a url' }],
            ['type', { type: 5 }]
        ];
        const before = connector.requests.length;
        for (const [field, activity] of cases) {
            const res = await postActivity(app.url, activity);
            assert.equal(res.status, 400, field);
            assert.match(res.body.error, new RegExp(`^not a valid activity \\(.*${field.replace('.', '\\.')}: `));
        }
        assert.equal(connector.requests.length, before, 'no handler ran (no reply, no roster look-up)');
    });

    it('answers without internals when the turn fails and so does the error reply (connector unreachable)', async () => {
        const res = await postActivity(app.url, personalMessage('http://127.0.0.1:1/', USER, 'help'));
        assert.ok(res.status < 500, `status ${res.status}`);
        assert.doesNotMatch(JSON.stringify(res.body ?? ''), /ECONNREFUSED|127\.0\.0\.1|Error/);
    });

    it('tells a user without a Genesys mapping how to get one on status', async () => {
        await postActivity(app.url, personalMessage(connector.url, USER, 'status'));
        const reply = connector.posted(personalConversation(USER).id).at(-1)!;
        assert.match(JSON.stringify(reply.body), /don't know your Genesys user/);
    });
});

describe('createApp delivery metrics', () => {
    it('counts a unit whose alerts have no subscribed channel (teams_no_alert_channel_total), once', async () => {
        const clock = new FakeClock();
        const app = await createApp(loadConfig({ ADHERENCE_MODE: 'test', PORT: '0', HOST: '127.0.0.1' }), {
            clock,
            random: () => 0.5,
            logger: silentLogger()
        });
        try {
            for (const userId of ['g-1', 'g-2']) {
                app.engine.observe([
                    {
                        userId,
                        managementUnitId: 'mu-nochannel',
                        adherenceState: 'OutOfAdherence',
                        impact: 'Negative',
                        scheduledCategory: 'Break',
                        actualCategory: 'OnQueueWork',
                        changedAt: clock.now()
                    }
                ]);
            }
            for (let i = 0; i < 12 * 60; i++) {
                clock.advance(1_000);
                await app.engine.idle();
                await app.dispatcher.idle();
            }
            const metrics = (await get(`${app.url}/metrics`)).text;
            assert.match(metrics, /^teams_no_alert_channel_total 1$/m);
        } finally {
            await app.close();
        }
    });
});

describe('createApp with bot credentials', () => {
    let app: App;
    before(async () => {
        app = await createApp(
            loadConfig({
                ADHERENCE_MODE: 'test',
                PORT: '0',
                HOST: '127.0.0.1',
                BOT_ID: '00000000-0000-0000-0000-000000000001',
                BOT_PASSWORD: 'not-a-real-password'
            }),
            { clock: new FakeClock(), logger: silentLogger() }
        );
    });
    after(async () => app.close());

    it('rejects an unsigned request (no Bot Framework token) and runs no bot logic', async () => {
        const res = await postActivity(app.url, personalMessage('http://127.0.0.1:9/', USER, 'help'));
        assert.equal(res.status, 401);
        const forged = await postActivity(app.url, personalMessage('http://127.0.0.1:9/', USER, 'help'), {
            authorization: 'Bearer abc.def.ghi'
        });
        assert.equal(forged.status, 401);
        assert.equal(await app.botStore.getPersonal(USER.id), undefined, 'nothing was stored');
    });
});

describe('syncConsumerName', () => {
    it('is the same across restarts of the same host (so a restart re-reads its own pending entries), INSTANCE_ID wins', () => {
        assert.equal(syncConsumerName(undefined), hostname());
        assert.equal(syncConsumerName(undefined, 'bot-host-1'), 'bot-host-1');
        assert.equal(syncConsumerName('bot-a', 'bot-host-1'), 'bot-a');
    });
});
