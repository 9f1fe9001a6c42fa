import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { parseSandboxConfig } from '../../src/sandbox/sandboxConfig';
import { startSandbox, type Sandbox } from '../../src/sandbox/startSandbox';
import { cleanup as cleanPrefix, redisUrl as REDIS_URL, uniquePrefix } from '../support/redis';

// The real client end to end: Debian Chromium drives the Microsoft 365 Agents Playground, which talks to the bot
// started by the sandbox orchestrator, which watches the Genesys emulator. Thresholds are seconds (scripted drift),
// so the whole path takes seconds. Screenshots of each step go to artifacts/screenshots/.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'artifacts', 'screenshots');
const STEP_MS = 30_000;

describe('Agents Playground against the sandbox (Chromium)', () => {
    const prefix = uniquePrefix('browser');
    const userDataDir = mkdtempSync(path.join(tmpdir(), 'adherence-chromium-'));
    let sandbox: Sandbox;
    let browser: BrowserContext;
    let page: Page;

    before(async () => {
        assert.ok(
            existsSync(CHROMIUM),
            `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`
        );
        mkdirSync(SHOTS, { recursive: true });
        const config = parseSandboxConfig({
            SANDBOX_BOT_PORT: '0',
            SANDBOX_EMULATOR_PORT: '0',
            SANDBOX_PLAYGROUND_PORT: '0',
            SANDBOX_AGENTS_PER_UNIT: '6',
            SANDBOX_SIMULATE: 'false',
            SANDBOX_NUDGE_AFTER_S: '2',
            SANDBOX_ALERT_AFTER_S: '4',
            SANDBOX_EXCEPTION_AFTER_S: '600',
            SANDBOX_SCENARIO_DELAY_S: '1',
            SANDBOX_SCENARIO_RETURN_S: '0',
            SANDBOX_SCENARIO_REPEAT_S: '0',
            SANDBOX_REPUBLISH_AFTER_S: '0',
            SANDBOX_LOG_FILE: 'artifacts/browser/bot.log'
        });
        sandbox = await startSandbox(config, { env: { REDIS_URL, REDIS_KEY_PREFIX: prefix } });
        // A fresh user-data-dir per run: no cookies, storage or cached state from earlier runs.
        browser = await chromium.launchPersistentContext(userDataDir, {
            executablePath: CHROMIUM,
            viewport: { width: 1280, height: 1000 },
            args: [
                '--headless',
                '--no-sandbox',
                '--disable-gpu',
                '--disable-quic',
                '--no-first-run',
                '--disable-background-networking',
                '--disable-component-update',
                '--disable-sync'
            ]
        });
        page = browser.pages()[0] ?? (await browser.newPage());
        page.setDefaultTimeout(STEP_MS);
    });

    after(async () => {
        await browser?.close();
        await sandbox?.close();
        await cleanPrefix(prefix);
        rmSync(userDataDir, { recursive: true, force: true });
    });

    const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

    /** The newest rendered Adaptive Card containing `text`. */
    const card = (text: string | RegExp): Locator => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();

    async function send(text: string): Promise<void> {
        const editor = page.locator('[data-lexical-editor="true"]').last();
        await editor.click();
        await page.keyboard.type(text);
        await page.keyboard.press('Enter');
    }

    async function openChat(name: 'Personal Chat' | 'General'): Promise<void> {
        await page.getByText(name, { exact: true }).first().click();
    }

    it('maps the Playground user, answers status, nudges privately, takes an explanation, alerts the channel with the explanations, updates the card on Acknowledge and Approve, and reports', async () => {
        try {
            await scenario();
        } catch (error) {
            await shot('failure').catch(() => undefined);
            throw error;
        }
    });

    async function scenario(): Promise<void> {
        const { persona } = sandbox;
        assert.ok(sandbox.urls.playground, 'Playground started');
        await page.goto(sandbox.urls.playground!);

        // 1. The install greeting, then `status` answered with the status card.
        await card(/Hi! I will let you know privately/).waitFor();
        await send('status');
        await card('Your adherence').waitFor();
        await shot('1-status');
        const user = await sandbox.app.botStore.userByGenesysId(persona.agentId);
        assert.equal(user?.name, 'Alex Wilber', 'the Playground user is mapped to the persona agent');

        // 2. The scripted drift: a private nudge in the personal chat; Explain sends a reason with a note, privately.
        const nudge = card('A quick heads-up');
        await nudge.waitFor();
        await assert.doesNotReject(nudge.getByRole('button', { name: "I'm on it" }).waitFor());
        await nudge.scrollIntoViewIfNeeded();
        await shot('2-nudge');
        await nudge.getByRole('button', { name: 'Explain' }).click();
        await nudge.getByRole('textbox').first().fill('Customer call ran over');
        await nudge.scrollIntoViewIfNeeded();
        await shot('2-explain');
        await nudge.screenshot({ path: path.join(SHOTS, 'nudge-explain.png') });
        await nudge.getByRole('button', { name: 'Send' }).click();
        const sent = card('Thanks, your explanation was sent');
        await sent.waitFor();
        assert.match(await sent.innerText(), /Still with a customer/);
        assert.equal(await sent.getByRole('button', { name: 'Explain' }).count(), 0);
        await sent.scrollIntoViewIfNeeded();
        await shot('2-explained');
        await sent.screenshot({ path: path.join(SHOTS, 'nudge-explained.png') });

        // 3. The unit's alerts in Contact Center > General: the teammate explained from their nudge too (scripted);
        // your own alert shows your explanation (updated in place once it is recorded in Genesys).
        await openChat('General');
        const teammate = [...sandbox.emulator.control.center.agents.values()].find(
            (a) => a.id !== persona.agentId && a.managementUnitId === persona.unitId && a.systemPresence === 'Away'
        );
        assert.ok(teammate, 'a teammate drifted with the persona');
        const alert = card(`${teammate.name} is out of adherence`);
        await alert.waitFor();
        await alert.getByText('System or tool problem — “Softphone froze” (back in 5 min)').waitFor();
        await alert.getByText('Recorded in Genesys', { exact: true }).waitFor();
        const own = card(`${persona.agentName} is out of adherence`);
        await own.getByText(/Still with a customer — “Customer call ran over”/).waitFor();
        await alert.scrollIntoViewIfNeeded();
        await shot('3-alert');
        await alert.screenshot({ path: path.join(SHOTS, 'alert-card.png') });

        // 4. Acknowledge: the card is replaced in place, naming who acknowledged, without the button.
        await alert.getByRole('button', { name: 'Acknowledge' }).click();
        const acknowledged = card(/Acknowledged by Alex Wilber/);
        await acknowledged.waitFor();
        assert.match(await acknowledged.innerText(), new RegExp(`${teammate.name} is out of adherence`));
        assert.equal(await acknowledged.getByRole('button', { name: 'Acknowledge' }).count(), 0);
        const record = sandbox.app.engine.agent(teammate.id);
        assert.ok(
            record && record.state.status !== 'adherent' && record.state.ack,
            'the engine recorded the acknowledgement'
        );
        await acknowledged.scrollIntoViewIfNeeded();
        await shot('4-acknowledged');

        // 5. Approve the teammate's explanation: the card says so, Genesys records it and reports the agent
        // Explained, which ends the episode (the card closes); the agent is told privately.
        await acknowledged.getByRole('button', { name: 'Approve explanation' }).click();
        const approved = card(`${teammate.name}: explanation approved`);
        await approved.getByText(/Explanation approved by Alex Wilber/).waitFor();
        await approved.getByText(/Closed as explained after \d+ min/).waitFor();
        assert.equal(await approved.getByRole('button').count(), 0, 'no more actions on an approved explanation');
        assert.equal(sandbox.app.engine.agent(teammate.id)?.state.status, 'adherent', 'the episode ended');
        const written = [...sandbox.emulator.control.explanations.values()].find((e) => e.agent.id === teammate.id);
        assert.equal(written?.status, 'Approved', 'Genesys has the decision');
        await approved.scrollIntoViewIfNeeded();
        await shot('5-approved');
        await approved.screenshot({ path: path.join(SHOTS, 'alert-approved.png') });

        // 6. `report` in the personal chat (Alex is a configured supervisor).
        await openChat('Personal Chat');
        await send('report');
        const report = card(/Drift report/i);
        await report.waitFor();
        await report.scrollIntoViewIfNeeded();
        await shot('6-report');
    }
});
