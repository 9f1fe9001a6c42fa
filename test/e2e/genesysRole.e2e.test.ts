import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { silentLogger } from '../../src/kit/Logger';
import { startGenesysEmulator, type RunningEmulator } from '../../src/emulator/GenesysEmulator';
import { FakeClock } from '../support/FakeClock';
import { FakeBotConnector } from '../support/fakeBotConnector';
import { QUIET_SOCKET_ENV, genesysEnv } from '../support/genesysEnv';
import { installPersonal, postActivity } from '../support/activities';
import { cleanup as cleanPrefix, redisUrl as REDIS_URL, uniquePrefix } from '../support/redis';

// The issue-14 organisation: an OAuth role that may read real-time adherence but not schedules. Genesys refuses the
// schedule topic; the bot must still stream adherence from one subscription and nudge on time.

const MIN = 60_000;

async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setImmediate(r));
    }
}

describe('Genesys with a role that may not read schedules, end to end', () => {
    const clock = new FakeClock();
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

    before(async () => {
        emulator = await startGenesysEmulator({
            clock,
            units: 1,
            agentsPerUnit: 5,
            simulate: false,
            rateLimitPerMinute: 0,
            heartbeatIntervalMs: 24 * 3_600_000
        });
        emulator.control.revokePermissions('wfm:schedule:view', 'wfm:publishedSchedule:view');
        const a = [...emulator.control.center.agents.values()].find(
            (x) => x.adherence.adherenceState === 'InAdherence' && x.adherence.scheduledCategory === 'OnQueueWork'
        )!;
        agent = { id: a.id, email: a.email };
        connector = new FakeBotConnector();
        await connector.start();
        connector.members.set(teamsAgent.id, { ...teamsAgent, email: agent.email, userPrincipalName: agent.email });
        app = await createApp(
            loadConfig({
                ADHERENCE_MODE: 'test',
                PORT: '0',
                HOST: '127.0.0.1',
                REDIS_URL,
                REDIS_KEY_PREFIX: prefix,
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
