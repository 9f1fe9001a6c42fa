/**
 * Runs every benchmark (`bench/*.bench.ts`) one after the other, each in its own Node process with `--expose-gc`,
 * and passes their JSON lines through. `npm run bench -- engine` runs only the files whose name contains "engine".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2];
const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
    .sort();
let failed = 0;
for (const file of files) {
    process.stderr.write(`# ${file}\n`);
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, file)], {
        stdio: 'inherit'
    });
    if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
