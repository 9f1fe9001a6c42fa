import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { App } from '../../src/app/createApp';
import type { RunningEmulator } from '../../src/emulator/GenesysEmulator';
import type { FakeClock } from '../support/FakeClock';
import type { FakeBotConnector } from '../support/fakeBotConnector';
import { startGenesysTeamsRig, until, type GenesysTeamsRig } from '../support/genesysTeamsRig';
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
import { uniquePrefix } from '../support/redis';

// The whole product path: Genesys emulator (real REST + WebSocket) -> stream -> engine -> durable outbox (real Redis)
// -> dispatcher -> real botbuilder -> fake Bot Connector; card actions come back over HTTP.

const MIN = 60_000;
const CHANNEL = '19:genesys-unit@thread.tacv2';
const SUP = { id: '29:sup-g', name: 'Sam Supervisor', aadObjectId: 'aad-sup-g' };
const SIGNING_SECRET = 'e2e-genesys-signing-secret-0123456789abcdef';

describe('Genesys emulator to Teams, end to end', () => {
    const prefix = uniquePrefix('e2e-genesys');
    let emulator: RunningEmulator;
    let connector: FakeBotConnector;
    let app: App;
    let agent: { id: string; name: string; email: string };
    let unit: { id: string; name: string };
    const teamsAgent = { id: '29:agent-g', name: 'Agent G', aadObjectId: 'aad-agent-g' };

    let rig: GenesysTeamsRig;
    let clock: FakeClock;
    before(async () => {
        rig = await startGenesysTeamsRig({
            prefix,
            agentsPerUnit: 5,
            prepare: (emu, conn) => {
                const center = emu.control.center;
                unit = { id: center.units[0].id, name: center.units[0].name };
                const a = [...center.agents.values()].find(
                    (x) =>
                        x.adherence.adherenceState === 'InAdherence' && x.adherence.scheduledCategory === 'OnQueueWork'
                )!;
                agent = { id: a.id, name: a.name, email: a.email };
                conn.members.set(teamsAgent.id, { ...teamsAgent, email: agent.email, userPrincipalName: agent.email });
                conn.members.set(SUP.id, { ...SUP, email: 'sam@contoso.com' });
            },
            env: () => ({ TEAMS_SUPERVISORS: `aad-sup-g:${unit.id}`, ACTION_SIGNING_SECRET: SIGNING_SECRET })
        });
        ({ clock, emulator, connector, app } = rig);
    });
    after(() => rig.close());

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
