import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { App } from '../../src/app/createApp';
import type { RunningEmulator } from '../../src/emulator/GenesysEmulator';
import type { FakeClock } from '../support/FakeClock';
import type { FakeBotConnector } from '../support/fakeBotConnector';
import { installPersonal, postActivity } from '../support/activities';
import { startGenesysTeamsRig, until, type GenesysTeamsRig } from '../support/genesysTeamsRig';
import { uniquePrefix } from '../support/redis';

// The issue-14 organisation: an OAuth role that may read real-time adherence but not schedules. Genesys refuses the
// schedule topic; the bot must still stream adherence from one subscription and nudge on time.

const MIN = 60_000;

describe('Genesys with a role that may not read schedules, end to end', () => {
    const prefix = uniquePrefix('e2e-genesys-role');
    let emulator: RunningEmulator;
    let connector: FakeBotConnector;
    let app: App;
    let agent: { id: string; email: string };
    const teamsAgent = { id: '29:agent-r', name: 'Agent R', aadObjectId: 'aad-agent-r' };
    const subscriptionCalls = () =>
        emulator.control.requests.filter((r) =>
            /^\/api\/v2\/notifications\/channels\/[^/]+\/subscriptions$/.test(r.path)
        );

    let rig: GenesysTeamsRig;
    let clock: FakeClock;
    before(async () => {
        rig = await startGenesysTeamsRig({
            prefix,
            agentsPerUnit: 5,
            prepare: (emu, conn) => {
                emu.control.revokePermissions('wfm:schedule:view', 'wfm:publishedSchedule:view');
                const a = [...emu.control.center.agents.values()].find(
                    (x) =>
                        x.adherence.adherenceState === 'InAdherence' && x.adherence.scheduledCategory === 'OnQueueWork'
                )!;
                agent = { id: a.id, email: a.email };
                conn.members.set(teamsAgent.id, { ...teamsAgent, email: agent.email, userPrincipalName: agent.email });
            }
        });
        ({ clock, emulator, connector, app } = rig);
    });
    after(() => rig.close());

    it('subscribes once, streams adherence, reports the refused schedule topic, and nudges a drifting agent on time', async () => {
        assert.deepEqual(
            subscriptionCalls().map((r) => [r.method, r.status]),
            [['POST', 200]],
            'one subscription request, answered per topic'
        );
        const ready = await fetch(`${app.url}/readyz`, { headers: { connection: 'close' } });
        assert.equal(ready.status, 200);
        const body = (await ready.json()) as {
            details: { genesys: { rejectedTopics: Array<{ topic: string; missingPermissions: string[] }> } };
        };
        assert.deepEqual(
            body.details.genesys.rejectedTopics.map((t) => [
                t.topic.split('.').slice(-2).join('.'),
                t.missingPermissions
            ]),
            [['agentschedules.changed', ['wfm:publishedSchedule:view', 'wfm:schedule:view']]]
        );
        const metrics = await (await fetch(`${app.url}/metrics`, { headers: { connection: 'close' } })).text();
        assert.match(metrics, /genesys_topics_refused\{kind="schedules"\} 1/);

        await postActivity(app.url, installPersonal(connector.url, teamsAgent));
        emulator.control.setPresence(agent.id, 'Away');
        const t0 = clock.now();
        await until(
            () => app.engine.agent(agent.id)?.state.status === 'drifting',
            'episode opened from the live event'
        );
        const personal = `a:personal-${teamsAgent.id}`;
        const nudged = () => connector.posted(personal).some((r) => JSON.stringify(r.body).includes('ackNudge'));
        const step = async (to: number): Promise<void> => {
            while (clock.now() < to) {
                clock.advance(Math.min(1_000, to - clock.now()));
                await app.engine.idle();
                await app.dispatcher.idle();
            }
        };
        await step(t0 + 6 * MIN - 1_000);
        assert.equal(nudged(), false, 'not before 6 minutes');
        await step(t0 + 6 * MIN);
        await connector.waitFor(nudged);
        assert.equal(subscriptionCalls().length, 1, 'never subscribed again');
    });
});
