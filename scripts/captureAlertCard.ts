/**
 * Regenerate docs/images/alert-card.png: start the sandbox (scripted drift, alert after 2 min so the card shows real
 * minutes), open the Agents Playground in Debian's Chromium, and screenshot the teammate's alert card.
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
    const out = path.resolve(__dirname, '..', 'docs', 'images', 'alert-card.png');
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
        await alert.waitFor();
        await page.waitForTimeout(500);
        mkdirSync(path.dirname(out), { recursive: true });
        await alert.screenshot({ path: out });
        console.log(`wrote ${out}`);
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
