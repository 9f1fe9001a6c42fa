import { openSharedStore } from '../src/adapters/store/createAgentStateStore';
import { parseStoreConfig } from '../src/adapters/store/storeConfig';
import { runReportCli } from '../src/analytics/reportCli';
import { systemClock } from '../src/kit/systemClock';

/** `npm run report -- --days 7 [--unit X] [--team T] [--json]`: entry point; the logic is in `runReportCli`. */
runReportCli(process.argv.slice(2), process.env, {
    openStore: (env) => openSharedStore(parseStoreConfig(env)),
    clock: systemClock,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`)
}).then(
    (code) => {
        process.exitCode = code;
    },
    (err: unknown) => {
        process.stderr.write(`report failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
    }
);
