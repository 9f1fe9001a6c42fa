/**
 * Regenerate docs/images/nudge-explain.png, alert-card.png and alert-approved.png: start the sandbox (scripted drift,
 * alert after 2 min so the card shows real minutes), open the Agents Playground in Debian's Chromium, explain from the
 * nudge, screenshot the teammate's alert card (with the teammate's scripted explanation), approve it, screenshot again.
 *
 *   npx tsx scripts/captureAlertCard.ts        (about 2.5 minutes; needs /usr/bin/chromium or CHROMIUM_PATH)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { parseSandboxConfig } from '../src/sandbox/sandboxConfig';
import { startSandbox } from '../src/sandbox/startSandbox';

async function main(): Promise<void> {
    const images = path.resolve(__dirname, '..', 'docs', 'images');
    const out = path.join(images, 'alert-card.png');
    const config = parseSandboxConfig({
        SANDBOX_BOT_PORT: '0',
        SANDBOX_EMULATOR_PORT: '0',
        SANDBOX_PLAYGROUND_PORT: '0',
        SANDBOX_SIMULATE: 'false',
        SANDBOX_NUDGE_AFTER_S: '60',
        SANDBOX_ALERT_AFTER_S: '125',
        SANDBOX_EXCEPTION_AFTER_S: '900',
        SANDBOX_SCENARIO_DELAY_S: '0',
        SANDBOX_SCENARIO_RETURN_S: '0',
        SANDBOX_SCENARIO_REPEAT_S: '0',
        SANDBOX_REPUBLISH_AFTER_S: '0',
        SANDBOX_LOG_FILE: 'artifacts/capture/bot.log'
    });
    const sandbox = await startSandbox(config, { onLine: (l) => console.log(l) });
    const userDataDir = mkdtempSync(path.join(tmpdir(), 'adherence-capture-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        viewport: { width: 1280, height: 1000 },
        deviceScaleFactor: 2,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
    });
    try {
        const page = context.pages()[0] ?? (await context.newPage());
        page.setDefaultTimeout(240_000);
        await page.goto(sandbox.urls.playground!);
        await page.locator('.ac-adaptiveCard').first().waitFor();
        const nudge = page.locator('.ac-adaptiveCard').filter({ hasText: 'A quick heads-up' }).last();
        await nudge.getByRole('button', { name: 'Explain' }).click();
        await nudge.getByRole('textbox').first().fill('Customer call ran over');
        await page.waitForTimeout(300);
        mkdirSync(images, { recursive: true });
        await nudge.screenshot({ path: path.join(images, 'nudge-explain.png') });
        await nudge.getByRole('button', { name: 'Send' }).click();
        await page.locator('.ac-adaptiveCard').filter({ hasText: 'Thanks, your explanation was sent' }).waitFor();
        await page.getByText('General', { exact: true }).first().click();
        const teammate = await new Promise<string>((resolve) => {
            const poll = (): void => {
                const t = [...sandbox.emulator.control.center.agents.values()].find(
                    (a) => a.id !== sandbox.persona.agentId && a.systemPresence === 'Away'
                );
                if (t) resolve(t.name);
                else setTimeout(poll, 500);
            };
            poll();
        });
        const alert = page
            .locator('.ac-adaptiveCard')
            .filter({ hasText: `${teammate} is out of adherence` })
            .last();
        await alert.getByText('Recorded in Genesys', { exact: true }).waitFor();
        await page.waitForTimeout(500);
        await alert.screenshot({ path: out });
        await alert.getByRole('button', { name: 'Approve explanation' }).click();
        const approved = page
            .locator('.ac-adaptiveCard')
            .filter({ hasText: `${teammate}: explanation approved` })
            .last();
        await approved.getByText(/Closed as explained/).waitFor();
        await page.waitForTimeout(500);
        await approved.screenshot({ path: path.join(images, 'alert-approved.png') });
        console.log(`wrote ${images}/nudge-explain.png, alert-card.png, alert-approved.png`);
    } finally {
        await context.close();
        await sandbox.close();
        rmSync(userDataDir, { recursive: true, force: true });
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
