/**
 * `npm run fuzz [-- --runs N --seed S]`: the long hostile-input run (default 10,000 inputs per endpoint) over
 * `POST /api/messages` (with the card-action verbs) and `POST /api/sync/events`, on the real app, real Redis and the
 * fake Bot Connector. Prints one JSON line per figure, like the benchmarks; exits 1 when a promise broke (each broken
 * one is printed too, with the input).
 */
import { parseArgs } from 'node:util';
import { FuzzRig } from '../test/fuzz/fuzzRig';
import { fuzzMessages, fuzzSync, type FuzzReport } from '../test/fuzz/runFuzz';

function print(line: Record<string, unknown>): void {
    process.stdout.write(`${JSON.stringify(line)}\n`);
}

function printReport(report: FuzzReport): void {
    const { endpoint, seed, inputs, statuses, p50Ms, p99Ms, maxMs, violations } = report;
    const base = { bench: 'fuzz', endpoint, seed };
    print({ ...base, metric: 'inputs', value: inputs, unit: 'requests', statuses, violations: violations.length });
    print({ ...base, metric: 'latency_p50', value: Math.round(p50Ms * 10) / 10, unit: 'ms' });
    print({ ...base, metric: 'latency_p99', value: Math.round(p99Ms * 10) / 10, unit: 'ms' });
    print({ ...base, metric: 'latency_max', value: Math.round(maxMs * 10) / 10, unit: 'ms' });
    for (const violation of violations.slice(0, 20))
        print({ ...base, metric: 'violation', value: 1, unit: 'input', violation });
}

/** The heap still in use after a full collection (what a leak would grow), when `--expose-gc` is on. */
function liveHeapMb(): number | undefined {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return undefined;
    gc();
    return process.memoryUsage().heapUsed / 1_048_576;
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' } } });
    const runs = Number(values.runs ?? 10_000);
    const seed = Number(values.seed ?? Date.now() % 2 ** 31);
    const rig = new FuzzRig();
    await rig.start();
    let broken = 0;
    try {
        const rssAtStart = rig.rssMb();
        const heapAtStart = liveHeapMb();
        const started = performance.now();
        for (const run of [fuzzMessages, fuzzSync]) {
            const report = await run(rig, runs, seed);
            printReport(report);
            broken += report.violations.length;
        }
        const errors = rig.logger.counts.error;
        print({ bench: 'fuzz', metric: 'error_log_lines', value: errors, unit: 'lines', seed });
        print({
            bench: 'fuzz',
            metric: 'forged_actions_applied',
            value: rig.victimUnchanged() ? 0 : 1,
            unit: 'actions',
            seed
        });
        print({ bench: 'fuzz', metric: 'rss_growth', value: Math.round(rig.rssMb() - rssAtStart), unit: 'MB', seed });
        const heap = liveHeapMb();
        if (heap !== undefined && heapAtStart !== undefined)
            print({
                bench: 'fuzz',
                metric: 'live_heap_growth',
                value: Math.round(heap - heapAtStart),
                unit: 'MB',
                seed
            });
        print({
            bench: 'fuzz',
            metric: 'duration',
            value: Math.round((performance.now() - started) / 100) / 10,
            unit: 's',
            seed
        });
        broken += errors + (rig.victimUnchanged() ? 0 : 1);
    } finally {
        await rig.stop();
    }
    process.exitCode = broken > 0 ? 1 : 0;
}

void main();
