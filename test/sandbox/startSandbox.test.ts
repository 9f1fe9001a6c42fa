import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { silentLogger } from '../../src/kit/Logger';
import { PLAYGROUND } from '../../src/sandbox/playgroundIdentity';
import { parseSandboxConfig } from '../../src/sandbox/sandboxConfig';
import { choosePort, startSandbox, type Sandbox } from '../../src/sandbox/startSandbox';
import { FakeBotConnector } from '../support/fakeBotConnector';
import { installPersonal, personalMessage, postActivity } from '../support/activities';
import { FakeClock } from '../support/FakeClock';

// The orchestrator without the Playground: emulator + bot on the in-memory store, the Playground's user played by
// posting the activities the Playground posts, the Bot Connector faked. Time is a FakeClock; real I/O is awaited.

const ALEX = { id: PLAYGROUND.user.id, name: PLAYGROUND.user.name, aadObjectId: PLAYGROUND.user.aadObjectId };

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await cond())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setImmediate(r));
    }
}

function listening(url: string): Promise<boolean> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve) => {
        const socket = net.connect(Number(port), hostname);
        socket.once('connect', () => {
            socket.destroy();
            resolve(true);
        });
        socket.once('error', () => resolve(false));
    });
}

describe('startSandbox (no Playground)', () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    let connector: FakeBotConnector;
    let sandbox: Sandbox;

    before(async () => {
        connector = new FakeBotConnector();
        await connector.start();
        connector.members.set(ALEX.id, {
            ...ALEX,
            email: PLAYGROUND.user.email,
            userPrincipalName: PLAYGROUND.user.email
        });
        const config = parseSandboxConfig({
            SANDBOX_BOT_PORT: '0',
            SANDBOX_EMULATOR_PORT: '0',
            SANDBOX_PLAYGROUND: 'false',
            SANDBOX_AGENTS_PER_UNIT: '5',
            SANDBOX_SIMULATE: 'false',
            SANDBOX_NUDGE_AFTER_S: '6',
            SANDBOX_ALERT_AFTER_S: '10',
            SANDBOX_EXCEPTION_AFTER_S: '15',
            SANDBOX_SCENARIO_DELAY_S: '2',
            SANDBOX_REPUBLISH_AFTER_S: '0'
        });
        sandbox = await startSandbox(config, { clock, logger: silentLogger(), env: {}, onLine: (l) => lines.push(l) });
    });

    after(async () => {
        await sandbox?.close();
        await connector.stop();
    });

    it('prints one line per component with its URL and who the Playground user is', () => {
        assert.ok(lines.some((l) => l.startsWith('Genesys Cloud emulator') && l.includes(sandbox.urls.emulator)));
        assert.ok(lines.some((l) => l.startsWith('Adherence bot') && l.includes(sandbox.urls.bot)));
        assert.ok(lines.some((l) => l.startsWith('Agents Playground') && l.includes('off')));
        assert.ok(
            lines.some(
                (l) =>
                    l.includes(`Alex Wilber = agent ${sandbox.persona.agentName}`) &&
                    l.includes(`supervisor of ${sandbox.persona.unitName}`)
            )
        );
    });

    it('serves health and is ready once the Genesys stream is connected', async () => {
        const base = sandbox.urls.bot.replace('/api/messages', '');
        assert.equal((await fetch(`${base}/healthz`, { headers: { connection: 'close' } })).status, 200);
        await until(
            async () => (await fetch(`${base}/readyz`, { headers: { connection: 'close' } })).status === 200,
            'readyz'
        );
    });

    it('maps the Playground user to the persona agent, starts the scripted drift when they arrive, and nudges them privately', async () => {
        const { persona, app, emulator, scenario } = sandbox;
        await until(() => app.stream?.status().connected ?? false, 'Genesys stream connected');
        await postActivity(app.url, installPersonal(connector.url, ALEX));
        assert.equal((await app.botStore.userByTeamsId(ALEX.id))?.genesysUserId, persona.agentId);

        clock.advance(500);
        await until(() => scenario.hasStarted, 'scenario noticed the user');
        assert.ok(lines.some((l) => l.includes('Alex Wilber opened the chat')));
        clock.advance(2_000);
        assert.equal(emulator.control.center.agents.get(persona.agentId)!.systemPresence, 'Away');
        await until(
            () => app.engine.agent(persona.agentId)?.state.status === 'drifting',
            'episode opened from the live event'
        );

        const sentBefore = connector.posted().length;
        for (let i = 0; i < 7; i++) clock.advance(1_000);
        await until(() => connector.posted().length > sentBefore, 'nudge delivered');
        const nudge = connector.posted().at(-1)!;
        assert.equal(nudge.conversationId, `a:personal-${ALEX.id}`);
        assert.match(JSON.stringify(nudge.body.attachments[0].content), /A quick heads-up/);
    });

    it('lets the Playground user run supervisor commands for their unit (report)', async () => {
        const before = connector.posted().length;
        await postActivity(sandbox.app.url, personalMessage(connector.url, ALEX, 'report 1'));
        await until(() => connector.posted().length > before, 'report reply');
        const reply = JSON.stringify(connector.posted().at(-1)!.body);
        assert.doesNotMatch(reply, /Only a supervisor/);
        assert.match(reply, /Drift report|drift/i);
    });

    it('stops every component on close and frees their ports', async () => {
        await sandbox.close();
        assert.equal(await listening(sandbox.urls.bot), false);
        assert.equal(await listening(sandbox.urls.emulator), false);
    });
});

describe('choosePort', () => {
    it('returns the preferred port when free, and another free port when it is taken', async () => {
        const { port: free } = await choosePort(0, '127.0.0.1');
        assert.deepEqual(await choosePort(free, '127.0.0.1'), { port: free, busy: false });
        const blocker = net.createServer();
        await new Promise<void>((r) => blocker.listen(free, '127.0.0.1', r));
        try {
            const other = await choosePort(free, '127.0.0.1');
            assert.equal(other.busy, true);
            assert.notEqual(other.port, free);
        } finally {
            await new Promise((r) => blocker.close(r));
        }
    });
});
