/**
 * Sandbox benchmark, three figures over RUNS (default 3) full starts of the sandbox (emulator + bot + Agents
 * Playground child process), in-memory store, scripted drift only:
 *
 * 1. startup_ms: `startSandbox()` until every component answers. Target ≤ 15000 ms (the "try it in 3 minutes" budget
 *    leaves most of the time for the scenario).
 * 2. nudge_lateness_ms: the nudge's due time (drift + nudge threshold) until the bot has delivered it to the
 *    Playground's connector (real HTTP). Target ≤ 1500 ms.
 * 3. shutdown_ms: `close()` until every component has stopped, Playground child included. Target ≤ 6000 ms.
 *
 * Run: npx tsx bench/sandbox.bench.ts
 */
import { silentLogger } from '../src/kit/Logger';
import { PLAYGROUND } from '../src/sandbox/playgroundIdentity';
import { parseSandboxConfig } from '../src/sandbox/sandboxConfig';
import { startSandbox } from '../src/sandbox/startSandbox';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NUDGE_S = 1;

function emit(metric: string, value: number, unit: string, target: number, extra: Record<string, unknown> = {}): void {
    console.log(
        JSON.stringify({
            bench: 'sandbox',
            metric,
            value: Math.round(value),
            unit,
            target,
            pass: value <= target,
            ...extra
        })
    );
}

async function nudgesSent(registry: { getSingleMetric(name: string): unknown }): Promise<number> {
    const metric = registry.getSingleMetric('teams_notifications_sent_total') as
        { get(): Promise<{ values: Array<{ labels: Record<string, string>; value: number }> }> } | undefined;
    const values = (await metric?.get())?.values ?? [];
    return values.filter((v) => v.labels.kind === 'nudge').reduce((s, v) => s + v.value, 0);
}

async function main(): Promise<void> {
    const startups: number[] = [];
    const lateness: number[] = [];
    const shutdowns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
        const config = parseSandboxConfig({
            SANDBOX_BOT_PORT: '0',
            SANDBOX_EMULATOR_PORT: '0',
            SANDBOX_PLAYGROUND_PORT: '0',
            SANDBOX_SIMULATE: 'false',
            SANDBOX_NUDGE_AFTER_S: String(NUDGE_S),
            SANDBOX_ALERT_AFTER_S: '60',
            SANDBOX_EXCEPTION_AFTER_S: '120',
            SANDBOX_SCENARIO_DELAY_S: '0',
            SANDBOX_SCENARIO_REPEAT_S: '0',
            SANDBOX_REPUBLISH_AFTER_S: '0'
        });
        let driftAt = 0;
        const t0 = performance.now();
        const sandbox = await startSandbox(config, {
            logger: silentLogger(),
            onLine: (line) => {
                if (line.includes('scripted drift')) driftAt = Date.now();
            }
        });
        startups.push(performance.now() - t0);

        // What the Playground posts when its page loads: the personal-chat install of Alex Wilber.
        const u = PLAYGROUND.user;
        await fetch(`${sandbox.app.url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', connection: 'close' },
            body: JSON.stringify({
                type: 'installationUpdate',
                action: 'add',
                id: `bench-${run}`,
                channelId: 'msteams',
                serviceUrl: sandbox.playground!.serviceUrl,
                from: { id: u.id, name: u.name, aadObjectId: u.aadObjectId },
                recipient: PLAYGROUND.bot,
                conversation: {
                    conversationType: 'personal',
                    tenantId: PLAYGROUND.tenantId,
                    id: PLAYGROUND.personalChatId
                },
                channelData: { tenant: { id: PLAYGROUND.tenantId } }
            })
        }).then((r) => r.arrayBuffer());
        const deadline = Date.now() + 30_000;
        while ((await nudgesSent(sandbox.app.metrics.registry)) < 1) {
            if (Date.now() > deadline) throw new Error('no nudge delivered within 30 s');
            await new Promise((r) => setTimeout(r, 5));
        }
        lateness.push(Date.now() - (driftAt + NUDGE_S * 1000));

        const t1 = performance.now();
        await sandbox.close();
        shutdowns.push(performance.now() - t1);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    emit('startup_ms', median(startups), 'ms', 15_000, { max: Math.round(Math.max(...startups)), runs: RUNS });
    emit('nudge_lateness_ms', median(lateness), 'ms', 1_500, { max: Math.round(Math.max(...lateness)), runs: RUNS });
    emit('shutdown_ms', median(shutdowns), 'ms', 6_000, { max: Math.round(Math.max(...shutdowns)), runs: RUNS });
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
