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
    postActivity
} from '../support/activities';
import { uniquePrefix } from '../support/redis';

// The loop end to end: nudge → Explain (Teams) → Genesys explanation (emulator, job) → alert card shows it →
// Approve (Teams) → PATCH (emulator) → Explained event → episode resolved; on real Redis and real botbuilder.

const MIN = 60_000;
const CHANNEL = '19:explain-unit@thread.tacv2';
const SUP = { id: '29:sup-x', name: 'Sam Supervisor', aadObjectId: 'aad-sup-x' };

interface CardNode {
    type?: string;
    verb?: string;
    data?: Record<string, unknown>;
    card?: CardNode;
    actions?: CardNode[];
}

/** The data of the card's Action.Execute with `verb` (in show-cards too). */
function actionData(card: CardNode, verb: string): Record<string, unknown> {
    const stack: CardNode[] = [card];
    while (stack.length > 0) {
        const n = stack.pop()!;
        if (n.type === 'Action.Execute' && n.verb === verb) return { ...n.data };
        stack.push(...(n.actions ?? []), ...(n.card ? [n.card] : []));
    }
    throw new Error(`no ${verb} action on the card`);
}

describe('the explanation loop and interaction holds, end to end against the Genesys emulator', () => {
    const prefix = uniquePrefix('e2e-explain');
    let rig: GenesysTeamsRig;
    let clock: FakeClock;
    let emulator: RunningEmulator;
    let connector: FakeBotConnector;
    let app: App;
    let agents: Array<{
        id: string;
        name: string;
        email: string;
        teams: { id: string; name: string; aadObjectId: string };
    }>;

    const step = (ms: number): Promise<void> => rig.advance(ms);
    const personalCards = (teamsId: string) =>
        connector.posted(`a:personal-${teamsId}`).map((r) => r.body.attachments[0].content);

    const nudgeOf = async (teamsId: string): Promise<CardNode> => {
        const isNudge = (c: unknown) => JSON.stringify(c).includes('"verb":"explain"');
        await connector.waitFor(() => personalCards(teamsId).some(isNudge));
        return personalCards(teamsId).find(isNudge);
    };

    before(async () => {
        let unitId = '';
        rig = await startGenesysTeamsRig({
            prefix,
            agentsPerUnit: 10,
            prepare: (emu, conn) => {
                const center = emu.control.center;
                unitId = center.units[0].id;
                agents = [...center.agents.values()]
                    .filter(
                        (a) =>
                            a.adherence.adherenceState === 'InAdherence' &&
                            a.adherence.scheduledCategory === 'OnQueueWork'
                    )
                    .slice(0, 3)
                    .map((a, i) => ({
                        id: a.id,
                        name: a.name,
                        email: a.email,
                        teams: { id: `29:agent-x${i}`, name: a.name, aadObjectId: `aad-agent-x${i}` }
                    }));
                for (const a of agents)
                    conn.members.set(a.teams.id, { ...a.teams, email: a.email, userPrincipalName: a.email });
                conn.members.set(SUP.id, { ...SUP, email: 'sam@contoso.com' });
            },
            env: () => ({ TEAMS_SUPERVISORS: `aad-sup-x:${unitId}` })
        });
        ({ clock, emulator, connector, app } = rig);
        assert.equal(agents.length, 3);
        for (const a of agents) await postActivity(app.url, installPersonal(connector.url, a.teams));
        await postActivity(app.url, installChannel(connector.url, SUP, CHANNEL));
        await postActivity(app.url, channelMessage(connector.url, SUP, CHANNEL, `subscribe ${unitId}`));
    });
    after(() => rig.close());

    it('holds the nudge while the agent is on an interaction (routingStatus INTERACTING) and sends it when it ends', async () => {
        const agent = agents[2];
        emulator.control.setInteracting(agent.id, true);
        emulator.control.setPresence(agent.id, 'Away');
        await until(() => app.engine.agent(agent.id)?.state.status === 'drifting', 'episode opened');
        await step(7 * MIN);
        const nudged = () => personalCards(agent.teams.id).some((c) => JSON.stringify(c).includes('A quick heads-up'));
        assert.equal(nudged(), false, 'no nudge during the interaction');
        const log = await app.agentStore.readLog({ fromAt: 0, toAt: clock.now() + 1 });
        assert.ok(log.some((e) => e.userId === agent.id && e.type === 'suppressed' && e.reason === 'on-interaction'));
        emulator.control.setInteracting(agent.id, false);
        await until(() => {
            const s = app.engine.agent(agent.id)?.state;
            return s?.status === 'drifting' && s.pending?.held === undefined;
        }, 'the interaction ended');
        for (let i = 0; i < 30 && !nudged(); i++) await step(1_000);
        assert.ok(nudged(), 'nudged once the interaction ended');
        emulator.control.setPresence(agent.id, 'OnQueue');
    });

    it('explain from the nudge → recorded in Genesys → shown on the alert → Approve → Explained, episode ended', async () => {
        const agent = agents[0];
        emulator.control.setPresence(agent.id, 'Away');
        await until(() => app.engine.agent(agent.id)?.state.status === 'drifting', 'episode opened');
        await step(6 * MIN);
        const nudge = await nudgeOf(agent.teams.id);
        const explained = await postActivity(
            app.url,
            actionExecute(connector.url, agent.teams, personalConversation(agent.teams), 'explain', {
                ...actionData(nudge, 'explain'),
                reason: 'Still with a customer',
                note: 'escalation',
                backIn: '5'
            })
        );
        assert.match(JSON.stringify(explained.body.value), /Thanks, your explanation was sent/);
        await step(1_000);
        const recorded = () => {
            const s = app.engine.agent(agent.id)?.state;
            return s?.status === 'drifting' && s.explanation?.genesys.status === 'recorded';
        };
        await until(recorded, 'explanation recorded in Genesys');
        const [stored] = [...emulator.control.explanations.values()];
        assert.deepEqual(
            [stored.agent.id, stored.type, stored.status, stored.notes],
            [agent.id, 'Late', 'Pending', 'Still with a customer: escalation (back in 5 min)']
        );

        await step(4 * MIN);
        await connector.waitFor(() => connector.posted(CHANNEL).length === 1);
        const alert = connector.posted(CHANNEL)[0].body.attachments[0].content;
        const alertText = JSON.stringify(alert);
        assert.match(alertText, /Still with a customer — “escalation” \(back in 5 min\)/);
        assert.match(alertText, /Recorded in Genesys/);

        const approved = await postActivity(
            app.url,
            actionExecute(
                connector.url,
                SUP,
                channelConversation(CHANNEL),
                'approveExplanation',
                actionData(alert, 'approveExplanation')
            )
        );
        assert.match(JSON.stringify(approved.body.value), /explanation approved/);
        assert.match(JSON.stringify(approved.body.value), /Explanation approved by Sam Supervisor/);
        await step(1_000);
        await until(() => stored.status === 'Approved', 'decision written to Genesys');
        await until(() => app.engine.agent(agent.id)?.state.status === 'adherent', 'Explained ends the episode');
        await step(1_000);
        await connector.waitFor(() =>
            personalCards(agent.teams.id).some((c) => JSON.stringify(c).includes('Sam Supervisor approved'))
        );
        await connector.waitFor(() =>
            connector.delivered('update').some((u) => JSON.stringify(u.body).includes('Closed as explained after'))
        );
        const log = await app.agentStore.readLog({ fromAt: 0, toAt: clock.now() + 1 });
        const mine = log.filter((e) => e.userId === agent.id).map((e) => e.type);
        assert.deepEqual(mine, [
            'start',
            'nudge',
            'explained',
            'explanation-recorded',
            'alert',
            'explanation-decided',
            'resolve'
        ]);
        await step(10 * MIN);
        assert.equal(
            connector.posted(CHANNEL).length,
            1,
            'nothing more for this episode: no formal exception, no re-alert'
        );
    });

    it('without the permission: the agent is told plainly, the supervisor card still shows the explanation', async () => {
        const agent = agents[1];
        emulator.control.revokePermissions('wfm:adherenceExplanation:add');
        try {
            emulator.control.setPresence(agent.id, 'Away');
            await until(() => app.engine.agent(agent.id)?.state.status === 'drifting', 'episode opened');
            await step(6 * MIN);
            const nudge = await nudgeOf(agent.teams.id);
            await postActivity(
                app.url,
                actionExecute(connector.url, agent.teams, personalConversation(agent.teams), 'explain', {
                    ...actionData(nudge, 'explain'),
                    reason: 'System or tool problem'
                })
            );
            await step(1_000);
            await connector.waitFor(() =>
                personalCards(agent.teams.id).some((c) => JSON.stringify(c).includes("wasn't recorded in Genesys"))
            );
            const note = JSON.stringify(personalCards(agent.teams.id).at(-1));
            assert.match(note, /not allowed to add adherence explanations/);
            assert.match(note, /Your supervisor can still see it on the alert/);
            await step(4 * MIN);
            await connector.waitFor(() => connector.posted(CHANNEL).length === 2);
            const alert = JSON.stringify(connector.posted(CHANNEL)[1].body.attachments[0].content);
            assert.match(alert, /System or tool problem/);
            assert.match(alert, /Not recorded in Genesys/);
            assert.match(alert, /approveExplanation/);
        } finally {
            emulator.control.setPermissions(undefined);
        }
    });
});
