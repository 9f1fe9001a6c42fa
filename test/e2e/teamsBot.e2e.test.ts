/* eslint-disable @typescript-eslint/no-explicit-any -- JSON payloads on the wire are untyped here */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import type { Observation } from '../../src/domain/adherence/types';
import { createLogger } from '../../src/app/logger';
import { silentLogger } from '../../src/kit/Logger';
import { FakeClock } from '../support/FakeClock';
import { FakeBotConnector } from '../support/fakeBotConnector';
import {
    actionExecute,
    channelConversation,
    channelMessage,
    installChannel,
    installPersonal,
    postActivity,
    type TestUser
} from '../support/activities';
import { cleanup as cleanPrefix, redisUrl as REDIS_URL, uniquePrefix } from '../support/redis';

// End to end through HTTP: createApp with an empty BOT_ID, the real botbuilder adapter, real Redis and the fake
// Bot Connector as serviceUrl. The Genesys emulator is not on this branch yet, so adherence is fed with engine.observe.

const MIN = 60_000;
const AGENT: TestUser = { id: '29:agent-1', name: 'Ada Agent', aadObjectId: 'aad-agent-1' };
const SUP: TestUser = { id: '29:sup-1', name: 'Sam Supervisor', aadObjectId: 'aad-sup-1' };
const OTHER: TestUser = { id: '29:other-1', name: 'Olly Other', aadObjectId: 'aad-other-1' };
const CHANNEL = '19:channel-mu1@thread.tacv2';

interface Harness {
    app: App;
    clock: FakeClock;
    connector: FakeBotConnector;
    prefix: string;
}

async function startHarness(
    name: string,
    extraEnv: Record<string, string> = {},
    prefix = uniquePrefix(name),
    connector?: FakeBotConnector,
    clock?: FakeClock
): Promise<Harness> {
    const conn = connector ?? new FakeBotConnector();
    if (!connector) {
        await conn.start();
        conn.members.set(AGENT.id, { ...AGENT, email: 'ada@contoso.com', userPrincipalName: 'ada@contoso.com' });
        conn.members.set(SUP.id, { ...SUP, email: 'sam@contoso.com', userPrincipalName: 'sam@contoso.com' });
        conn.members.set(OTHER.id, { ...OTHER, email: 'olly@contoso.com', userPrincipalName: 'olly@contoso.com' });
    }
    const config = loadConfig({
        ADHERENCE_MODE: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        TEAMS_USER_MAP: 'ada@contoso.com=g-agent-1,sam@contoso.com=g-sup-1,olly@contoso.com=g-other-1',
        TEAMS_SUPERVISORS: 'aad-sup-1:mu-1',
        TEAMS_CHANNEL_MEMBERS_SUPERVISE: 'false',
        TEAMS_DELIVERY_BACKOFF_MS: '1000',
        ...extraEnv
    });
    const fakeClock = clock ?? new FakeClock();
    const app = await createApp(config, {
        clock: fakeClock,
        random: () => 0.5,
        logger: process.env.E2E_LOG ? createLogger({ level: 'debug' }) : silentLogger()
    });
    return { app, clock: fakeClock, connector: conn, prefix };
}

function drift(clock: FakeClock, extra: Partial<Observation> = {}): Observation {
    return {
        userId: 'g-agent-1',
        managementUnitId: 'mu-1',
        teamId: 'team-a',
        teamName: 'Team A',
        adherenceState: 'OutOfAdherence',
        impact: 'Negative',
        scheduledCategory: 'Break',
        actualCategory: 'OnQueueWork',
        changedAt: clock.now(),
        ...extra
    };
}

/** Advance the fake clock, then let the engine commit and the dispatcher send. */
async function advance(h: Harness, ms: number): Promise<void> {
    const step = 1_000;
    for (let done = 0; done < ms; done += step) {
        h.clock.advance(Math.min(step, ms - done));
        await h.app.engine.idle();
        await h.app.dispatcher.idle();
    }
}

async function settle(h: Harness): Promise<void> {
    for (let i = 0; i < 3; i++) {
        await h.app.engine.idle();
        h.app.dispatcher.kick();
        await h.app.dispatcher.idle();
    }
}

async function install(h: Harness): Promise<void> {
    const url = h.connector.url;
    assert.equal((await postActivity(h.app.url, installPersonal(url, AGENT))).status, 200);
    assert.equal((await postActivity(h.app.url, installChannel(url, SUP, CHANNEL))).status, 200);
    const sub = await postActivity(h.app.url, channelMessage(url, SUP, CHANNEL, 'subscribe mu-1'));
    assert.equal(sub.status, 200);
    await h.connector.waitFor(() =>
        h.connector.delivered('reply').some((r) => JSON.stringify(r.body).includes('Subscribed'))
    );
}

function cardOf(req: { body: any }): any {
    return req.body?.attachments?.[0]?.content;
}

function actionData(card: any, verb: string): Record<string, unknown> {
    const found: any[] = [];
    const walk = (node: any): void => {
        if (!node || typeof node !== 'object') return;
        if (node.type === 'Action.Execute' && node.verb === verb) found.push(node);
        for (const v of Object.values(node)) walk(v);
    };
    walk(card);
    assert.ok(found.length > 0, `card has an Action.Execute with verb ${verb}`);
    return found[0].data;
}

async function stopHarness(h: Harness): Promise<void> {
    await h.app.close();
    await h.connector.stop();
    await cleanPrefix(h.prefix);
}

describe('Teams bot end to end (HTTP, real botbuilder, real Redis, fake connector)', () => {
    let h: Harness;
    before(async () => {
        h = await startHarness('e2e-main');
        await install(h);
    });
    after(async () => stopHarness(h));

    it('nudges privately at 6 min, alerts the subscribed channel at 10, and updates the card on acknowledge and return', async () => {
        const personalId = `a:personal-${AGENT.id}`;
        h.app.engine.observe([drift(h.clock)]);
        await settle(h);
        await advance(h, 6 * MIN - 1_000);
        assert.equal(
            h.connector.posted(personalId).filter((r) => JSON.stringify(r.body).includes('ackNudge')).length,
            0,
            'no nudge before 6 min'
        );
        await advance(h, 1_000);
        const nudges = h.connector.posted(personalId).filter((r) => JSON.stringify(r.body).includes('ackNudge'));
        assert.equal(nudges.length, 1, 'one nudge at 6 min');
        const nudge = cardOf(nudges[0]);
        assert.equal(nudge.version, '1.5');
        assert.ok(actionData(nudge, 'ackNudge'));
        assert.ok(actionData(nudge, 'myStatus'));
        assert.match(JSON.stringify(nudge), /Break/);

        await advance(h, 4 * MIN);
        const alerts = h.connector
            .posted(CHANNEL)
            .filter((r) => JSON.stringify(cardOf(r) ?? {}).includes('out of adherence'));
        assert.equal(alerts.length, 1, 'one alert card in the channel at 10 min');
        const alert = cardOf(alerts[0]);
        assert.match(JSON.stringify(alert), /Ada Agent/);
        const ack = actionData(alert, 'acknowledge');
        assert.ok(actionData(alert, 'snooze'));
        assert.ok(actionData(alert, 'approveOvertime'));

        const res = await postActivity(
            h.app.url,
            actionExecute(h.connector.url, SUP, channelConversation(CHANNEL), 'acknowledge', ack)
        );
        assert.equal(res.status, 200);
        assert.equal(res.body.statusCode, 200);
        assert.match(JSON.stringify(res.body.value), /Acknowledged by Sam Supervisor/);
        await settle(h);
        const updates = h.connector.delivered('update').filter((r) => r.conversationId === CHANNEL);
        assert.ok(
            updates.some((u) => JSON.stringify(u.body).includes('Acknowledged by')),
            'card updated in place after acknowledge'
        );
        const alertActivityId = updates[0].activityId;

        h.app.engine.observe([drift(h.clock, { adherenceState: 'InAdherence', changedAt: h.clock.now() })]);
        await settle(h);
        const last = h.connector
            .delivered('update')
            .filter((r) => r.activityId === alertActivityId)
            .at(-1)!;
        assert.match(JSON.stringify(last.body), /Back in adherence after 10 min/);
    });

    it('refuses a forged action (edited episode id) visibly and changes nothing', async () => {
        h.app.engine.observe([drift(h.clock)]);
        await settle(h);
        await advance(h, 10 * MIN);
        const alert = cardOf(h.connector.posted(CHANNEL).at(-1)!);
        const data = actionData(alert, 'acknowledge');
        const before = h.app.engine.agent('g-agent-1')!;
        const forged = { ...data, episodeId: 'g-agent-1@forged' };
        const res = await postActivity(
            h.app.url,
            actionExecute(h.connector.url, SUP, channelConversation(CHANNEL), 'acknowledge', forged)
        );
        assert.equal(res.status, 200);
        assert.match(String(res.body.value), /could not be verified/);
        const otherAgent = { ...data, userId: 'g-other-1' };
        const res2 = await postActivity(
            h.app.url,
            actionExecute(h.connector.url, SUP, channelConversation(CHANNEL), 'acknowledge', otherAgent)
        );
        assert.match(String(res2.body.value), /could not be verified/);
        const verbSwap = await postActivity(
            h.app.url,
            actionExecute(h.connector.url, SUP, channelConversation(CHANNEL), 'approveOvertime', {
                ...data,
                until: String(h.clock.now() + 30 * MIN)
            })
        );
        assert.match(String(verbSwap.body.value), /could not be verified/);
        await settle(h);
        assert.deepEqual(h.app.engine.agent('g-agent-1'), before, 'engine state unchanged');
        const metrics = await (await fetch(`${h.app.url}/metrics`, { headers: { connection: 'close' } })).text();
        assert.match(metrics, /teams_action_refusals_total\{reason="forged"\} 3/);

        // Not a supervisor of the unit: refused even with a valid signature.
        const notSup = await postActivity(
            h.app.url,
            actionExecute(h.connector.url, OTHER, channelConversation(CHANNEL), 'acknowledge', data)
        );
        assert.match(String(notSup.body.value), /Only a supervisor/);
        // The agent cannot act on their own alert.
        const self = await postActivity(
            h.app.url,
            actionExecute(h.connector.url, AGENT, channelConversation(CHANNEL), 'approveOvertime', {
                ...actionData(alert, 'approveOvertime'),
                until: String(h.clock.now() + 30 * MIN)
            })
        );
        assert.match(String(self.body.value), /your own/);
        assert.deepEqual(h.app.engine.agent('g-agent-1'), before, 'still unchanged');
        h.app.engine.observe([drift(h.clock, { adherenceState: 'InAdherence', changedAt: h.clock.now() })]);
        await settle(h);
    });

    it('snooze defers alerts and shows on the card; approved overtime suppresses the next nudge', async () => {
        h.app.engine.observe([drift(h.clock)]);
        await settle(h);
        await advance(h, 10 * MIN);
        const alert = cardOf(h.connector.posted(CHANNEL).at(-1)!);
        const snooze = actionData(alert, 'snooze');
        const res = await postActivity(
            h.app.url,
            actionExecute(h.connector.url, SUP, channelConversation(CHANNEL), 'snooze', snooze)
        );
        assert.match(JSON.stringify(res.body.value), /Snoozed by Sam Supervisor until/);
        assert.ok(h.app.engine.agent('g-agent-1')!.snooze, 'snooze recorded in the engine');

        const approve = actionData(alert, 'approveOvertime');
        const until = h.clock.now() + 60 * MIN;
        const res2 = await postActivity(
            h.app.url,
            actionExecute(h.connector.url, SUP, channelConversation(CHANNEL), 'approveOvertime', {
                ...approve,
                until: String(until)
            })
        );
        assert.match(JSON.stringify(res2.body.value), /Approved overtime by Sam Supervisor/);
        await settle(h);
        h.app.engine.observe([drift(h.clock, { adherenceState: 'InAdherence', changedAt: h.clock.now() })]);
        await settle(h);

        const sentBefore = h.connector.posted().length;
        h.app.engine.observe([drift(h.clock)]);
        await settle(h);
        await advance(h, 11 * MIN);
        const newCards = h.connector
            .posted()
            .slice(sentBefore)
            .filter((r) => cardOf(r));
        assert.equal(newCards.length, 0, 'no nudge and no alert while approved overtime covers the agent');
        h.app.engine.observe([drift(h.clock, { adherenceState: 'InAdherence', changedAt: h.clock.now() })]);
        await settle(h);
    });
});

describe('Teams delivery end to end: throttling and restarts', () => {
    it('retries a connector 429 (no Retry-After) and delivers the nudge exactly once', async () => {
        const h = await startHarness('e2e-429');
        try {
            await install(h);
            const personalId = `a:personal-${AGENT.id}`;
            h.connector.script('post', [{ status: 429 }, { status: 429 }], personalId);
            h.app.engine.observe([drift(h.clock)]);
            await settle(h);
            await advance(h, 6 * MIN);
            await advance(h, 10_000);
            const attempts = h.connector.requests.filter(
                (r) =>
                    (r.kind === 'send' || r.kind === 'reply') &&
                    r.conversationId === personalId &&
                    r.body?.attachments?.[0]?.content?.body?.[0]?.text !== undefined &&
                    JSON.stringify(r.body).includes('ackNudge')
            );
            assert.deepEqual(
                attempts.map((r) => r.status),
                [429, 429, 200]
            );
            assert.equal(
                h.connector.posted(personalId).filter((r) => JSON.stringify(r.body).includes('ackNudge')).length,
                1
            );
            const metrics = await (await fetch(`${h.app.url}/metrics`, { headers: { connection: 'close' } })).text();
            assert.match(metrics, /teams_throttled_total 2/);
        } finally {
            await stopHarness(h);
        }
    });

    it('drops the personal reference on a 403 (app uninstalled) and reports the missing chat once, without retrying', async () => {
        const h = await startHarness('e2e-403');
        try {
            await install(h);
            const personalId = `a:personal-${AGENT.id}`;
            h.connector.script('post', [{ status: 403 }], personalId);
            h.app.engine.observe([drift(h.clock)]);
            await settle(h);
            await advance(h, 6 * MIN + 5_000);
            assert.equal(await h.app.botStore.getPersonal(AGENT.id), undefined, 'reference dropped');
            assert.equal((await h.app.agentStore.dueOutbox(h.clock.now(), 10)).length, 0, 'not retried');
            // Two more episodes: each nudge finds no personal chat; reported once only.
            for (let i = 0; i < 2; i++) {
                h.app.engine.observe([drift(h.clock, { adherenceState: 'InAdherence', changedAt: h.clock.now() })]);
                await settle(h);
                h.app.engine.observe([drift(h.clock)]);
                await settle(h);
                await advance(h, 6 * MIN + 1_000);
            }
            const attempts = h.connector.requests.filter(
                (r) => r.conversationId === personalId && String(JSON.stringify(r.body)).includes('ackNudge')
            );
            assert.equal(attempts.length, 1, 'only the refused attempt reached Teams');
            const metrics = await (await fetch(`${h.app.url}/metrics`, { headers: { connection: 'close' } })).text();
            assert.match(metrics, /teams_references_dropped_total\{kind="personal"\} 1/);
            assert.match(metrics, /teams_no_personal_conversation_total 1/);
        } finally {
            await stopHarness(h);
        }
    });

    it('a restart between the outbox write and the send delivers once', async () => {
        const prefix = uniquePrefix('e2e-restart');
        const clock = new FakeClock();
        const first = await startHarness('e2e-restart', {}, prefix, undefined, clock);
        await install(first);
        // Stop delivery before the nudge is due: the engine writes it to the durable outbox, nobody sends it.
        await first.app.dispatcher.stop();
        first.app.engine.observe([drift(clock)]);
        await settle(first);
        await advance(first, 6 * MIN);
        const due = await first.app.agentStore.dueOutbox(clock.now(), 10);
        assert.equal(due.length, 1, 'the nudge waits in the outbox');
        await first.app.close();

        const second = await startHarness('e2e-restart', {}, prefix, first.connector, clock);
        try {
            await settle(second);
            const personalId = `a:personal-${AGENT.id}`;
            await second.connector.waitFor(() =>
                second.connector.posted(personalId).some((r) => JSON.stringify(r.body).includes('ackNudge'))
            );
            await advance(second, 5_000);
            assert.equal(
                second.connector.posted(personalId).filter((r) => JSON.stringify(r.body).includes('ackNudge')).length,
                1
            );
            assert.equal((await second.app.agentStore.dueOutbox(clock.now(), 10)).length, 0);
        } finally {
            await stopHarness(second);
        }
    });
});
