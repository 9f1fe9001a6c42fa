/**
 * Run the Genesys Cloud emulator from the command line (real clock, simulated contact center).
 *
 *   npx tsx scripts/emulator.ts --port 9090 [--units 2] [--agents-per-unit 25] [--seed 1] [--no-simulate]
 *       [--drift-per-hour 0.2] [--late-probability 0.1] [--tick-ms 1000] [--rate-limit 300] [--token-lifetime 86399]
 *       [--heartbeat-ms 30000] [--client-id emulator-client] [--client-secret emulator-secret]
 *
 * Prints the env to point the bot at it, then runs until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startGenesysEmulator } from '../src/emulator/GenesysEmulator';
import { createSystemClock } from '../src/kit/systemClock';

function num(name: string, text: string | undefined, def: number): number {
    if (text === undefined) return def;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) {
        console.error(`--${name} must be a non-negative number (got "${text}")`);
        process.exit(2);
    }
    return n;
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            port: { type: 'string', default: '9090' },
            host: { type: 'string', default: '127.0.0.1' },
            units: { type: 'string' },
            'agents-per-unit': { type: 'string' },
            'teams-per-unit': { type: 'string' },
            seed: { type: 'string' },
            'no-simulate': { type: 'boolean', default: false },
            'drift-per-hour': { type: 'string' },
            'late-probability': { type: 'string' },
            'tick-ms': { type: 'string' },
            'rate-limit': { type: 'string' },
            'token-lifetime': { type: 'string' },
            'heartbeat-ms': { type: 'string' },
            'client-id': { type: 'string' },
            'client-secret': { type: 'string' },
            help: { type: 'boolean', default: false }
        },
        strict: true
    });
    if (values.help) {
        console.log(
            'usage: npx tsx scripts/emulator.ts --port 9090 [--units 2] [--agents-per-unit 25] [--seed 1] [--no-simulate] ...'
        );
        return;
    }
    const emulator = await startGenesysEmulator({
        clock: createSystemClock({ unref: false }),
        port: num('port', values.port, 9090),
        host: values.host,
        units: num('units', values.units, 2),
        agentsPerUnit: num('agents-per-unit', values['agents-per-unit'], 25),
        teamsPerUnit: num('teams-per-unit', values['teams-per-unit'], 2),
        seed: num('seed', values.seed, 1),
        simulate: !values['no-simulate'],
        driftPerAgentPerHour: num('drift-per-hour', values['drift-per-hour'], 0.2),
        lateProbability: num('late-probability', values['late-probability'], 0.1),
        simulationTickMs: num('tick-ms', values['tick-ms'], 1_000),
        rateLimitPerMinute: num('rate-limit', values['rate-limit'], 300),
        tokenLifetimeSec: num('token-lifetime', values['token-lifetime'], 86_399),
        heartbeatIntervalMs: num('heartbeat-ms', values['heartbeat-ms'], 30_000),
        clientId: values['client-id'],
        clientSecret: values['client-secret']
    });
    const units = emulator.control.center.units;
    console.log(`Genesys Cloud emulator listening on ${emulator.url}`);
    console.log(
        `  ${units.length} units, ${emulator.control.center.agents.size} agents: ${units.map((u) => `${u.name}=${u.id}`).join(', ')}`
    );
    console.log('Point the bot at it with:');
    console.log(`  GENESYS_API_URL=${emulator.url}`);
    console.log(`  GENESYS_LOGIN_URL=${emulator.loginUrl}`);
    console.log(`  GENESYS_CLIENT_ID=${emulator.clientId}`);
    console.log('  GENESYS_CLIENT_SECRET=<the --client-secret value; default emulator-secret>');
    const stop = (): void => {
        void emulator.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
