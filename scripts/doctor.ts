/**
 * `npm run doctor [-- --json]`: checks the environment before going live (see src/app/doctor/runDoctor.ts) and prints
 * a table (or the JSON report). Exits 0 only when nothing blocks production, 1 otherwise, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { formatDoctorReport } from '../src/app/doctor/formatDoctorReport';
import { runDoctor } from '../src/app/doctor/runDoctor';

async function main(): Promise<number> {
    let json = false;
    try {
        json = parseArgs({ options: { json: { type: 'boolean', default: false } }, strict: true }).values.json ?? false;
    } catch (error) {
        process.stderr.write(`${(error as Error).message}\nusage: npm run doctor [-- --json]\n`);
        return 2;
    }
    const report = await runDoctor(process.env);
    process.stdout.write((json ? JSON.stringify(report, null, 2) : formatDoctorReport(report)) + '\n');
    return report.ok ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        process.stderr.write(`doctor failed: ${(error as Error).message}\n`);
        process.exit(1);
    }
);
