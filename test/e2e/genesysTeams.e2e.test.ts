import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { silentLogger } from '../../src/kit/Logger';
import { startGenesysEmulator, type RunningEmulator } from '../../src/emulator/GenesysEmulator';
import { FakeClock } from '../support/FakeClock';
import { FakeBotConnector } from '../support/fakeBotConnector';
import { QUIET_SOCKET_ENV, genesysEnv } from '../support/genesysEnv';
import {
    actionExecute,
    channelConversation,
    channelMessage,
    installChannel,
    installPersonal,
    personalConversation,
    personalMessage,
    postActivity
} from '../support/activities';
import { ActionSigner } from '../../src/adapters/teams/ActionSigner';
import { cleanup as cleanPrefix, redisUrl as REDIS_URL, uniquePrefix } from '../support/redis';

// The whole product path: Genesys emulator (real REST + WebSocket) -> stream -> engine -> durable outbox (real Redis)
// -> dispatcher -> real botbuilder -> fake Bot Connector; card actions come back over HTTP.

const MIN = 60_000;
const CHANNEL = '19:genesys-unit@thread.tacv2';
const SUP = { id: '29:sup-g', name: 'Sam Supervisor', aadObjectId: 'aad-sup-g' };
const SIGNING_SECRET = 'e2e-genesys-signing-secret-0123456789abcdef';

async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
    }
}

describe('Genesys emulator to Teams, end to end', () => {
    const clock = new FakeClock();
    const prefix = uniquePrefix('e2e-genesys');
    let emulator: RunningEmulator;
    let connector: FakeBotConnector;
    let app: App;
    let agent: { id: string; name: string; email: string };
    let unit: { id: string; name: string };
    const teamsAgent = { id: '29:agent-g', name: 'Agent G', aadObjectId: 'aad-agent-g' };

    before(async () => {
        emulator = await startGenesysEmulator({
            clock,
            units: 1,
            agentsPerUnit: 5,
            simulate: false,
            rateLimitPerMinute: 0,
            heartbeatIntervalMs: 24 * 3_600_000
        });
        const center = emulator.control.center;
        unit = { id: center.units[0].id, name: center.units[0].name };
        const a = [...center.agents.values()].find(
            (x) => x.adherence.adherenceState === 'InAdherence' && x.adherence.scheduledCategory === 'OnQueueWork'
        )!;
        agent = { id: a.id, name: a.name, email: a.email };
        connector = new FakeBotConnector();
        await connector.start();
        connector.members.set(teamsAgent.id, { ...teamsAgent, email: agent.email, userPrincipalName: agent.email });
        connector.members.set(SUP.id, { ...SUP, email: 'sam@contoso.com' });
        app = await createApp(
            loadConfig({
                ADHERENCE_MODE: 'test',
                PORT: '0',
                HOST: '127.0.0.1',
                REDIS_URL,
                REDIS_KEY_PREFIX: prefix,
                TEAMS_SUPERVISORS: `aad-sup-g:${unit.id}`,
                ACTION_SIGNING_SECRET: SIGNING_SECRET,
                ...genesysEnv(emulator),
                ...QUIET_SOCKET_ENV
            }),
            { clock, random: () => 0.5, logger: silentLogger() }
        );
        await until(() => app.stream?.status().connected === true, 'stream connected');
        await until(() => app.engine.trackedAgents === 5, 'first snapshot applied');
    });
    after(async () => {
        await app.close();
        await emulator.close();
        await connector.stop();
        await cleanPrefix(prefix);
    });

    it('maps the agent by e-mail through the Genesys directory, subscribes by unit name, nudges and alerts on time, and acknowledges', async () => {
        await postActivity(app.url, installPersonal(connector.url, teamsAgent));
        assert.equal(
            (await app.botStore.userByTeamsId(teamsAgent.id))?.genesysUserId,
            agent.id,
            'Teams user mapped by e-mail'
        );
        await postActivity(app.url, installChannel(connector.url, SUP, CHANNEL));
        await postActivity(app.url, channelMessage(connector.url, SUP, CHANNEL, `subscribe ${unit.name}`));
        assert.equal(await app.botStore.subscriptionOf(unit.id), CHANNEL, 'unit resolved by name');
        const ready = await fetch(`${app.url}/readyz`, { headers: { connection: 'close' } });
        assert.equal(ready.status, 200);
        assert.equal(((await ready.json()) as { checks: Record<string, boolean> }).checks.genesys, true);

        emulator.control.setPresence(agent.id, 'Away');
        const t0 = clock.now();
        await until(
            () => app.engine.agent(agent.id)?.state.status === 'drifting',
            'episode opened from the live event'
        );
        const step = async (to: number): Promise<void> => {
            while (clock.now() < to) {
                clock.advance(Math.min(1_000, to - clock.now()));
                await app.engine.idle();
                await app.dispatcher.idle();
            }
        };
        await step(t0 + 6 * MIN);
        const personal = `a:personal-${teamsAgent.id}`;
        await connector.waitFor(() =>
            connector.posted(personal).some((r) => JSON.stringify(r.body).includes('ackNudge'))
        );
        await step(t0 + 10 * MIN);
        await connector.waitFor(() => connector.posted(CHANNEL).length > 0);
        const alert = connector.posted(CHANNEL)[0].body.attachments[0].content;
        assert.match(JSON.stringify(alert), new RegExp(agent.name));
        const ack = JSON.parse(JSON.stringify(alert.actions[0].data));
        const res = await postActivity(
            app.url,
            actionExecute(connector.url, SUP, channelConversation(CHANNEL), 'acknowledge', ack)
        );
        assert.match(JSON.stringify(res.body.value), /Acknowledged by Sam Supervisor/);

        emulator.control.setPresence(agent.id, 'OnQueue');
        await until(() => app.engine.agent(agent.id)?.state.status === 'adherent', 'back in adherence');
        app.dispatcher.kick();
        await connector.waitFor(() =>
            connector.delivered('update').some((u) => JSON.stringify(u.body).includes('Back in adherence'))
        );
    });

    it('answers a status and a card action while the Genesys user search fails, saying what it could not check', async () => {
        const newcomer = { id: '29:newcomer-g', name: 'New Comer', aadObjectId: 'aad-newcomer-g' };
        connector.members.set(newcomer.id, { ...newcomer, email: 'newcomer@contoso.com' });
        // Every user search answers an error (as Genesys does when overloaded); nothing else fails.
        emulator.control.failNext(1_000, 400, /\/api\/v2\/users\/search/);
        try {
            const personal = personalConversation(newcomer).id;
            const status = await postActivity(app.url, personalMessage(connector.url, newcomer, 'status'));
            assert.equal(status.status, 200);
            const reply = JSON.stringify(connector.posted(personal).at(-1)?.body);
            assert.match(reply, /couldn't reach Genesys to look up your user/);

            const data = {
                verb: 'myStatus',
                userId: agent.id,
                episodeId: `${agent.id}@1`,
                sig: new ActionSigner(SIGNING_SECRET).sign('myStatus', agent.id, `${agent.id}@1`)
            };
            const click = await postActivity(
                app.url,
                actionExecute(connector.url, newcomer, personalConversation(newcomer), 'myStatus', data)
            );
            assert.equal(click.status, 200);
            assert.equal(click.body.statusCode, 200, 'an answer, not a 501');
            assert.match(String(click.body.value), /couldn't reach Genesys to look up your user/);
        } finally {
            emulator.control.failNext(0, 400);
        }
    });
});
