import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** `npm run doctor` as an operator runs it: the script, in its own process, with only `env`. */
function doctor(args: string[], env: Record<string, string>) {
    return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
        timeout: 60_000
    });
}

describe('scripts/doctor.ts', () => {
    it('prints the table, exits 1 when something blocks production, and prints JSON with --json', () => {
        const env = { ADHERENCE_MODE: 'production', GENESYS_CLIENT_SECRET: 'cli-secret-never-printed' };
        const table = doctor([], env);
        assert.equal(table.status, 1);
        assert.match(table.stdout, /^Adherence Drift Bot doctor/);
        assert.match(table.stdout, /✗ Configuration parses\s+BOT_ID and BOT_PASSWORD are required in production/);
        assert.match(table.stdout, /1 check blocks production\./);
        const json = doctor(['--json'], env);
        assert.equal(json.status, 1);
        const report = JSON.parse(json.stdout) as { ok: boolean; checks: Array<{ id: string; status: string }> };
        assert.deepEqual([report.ok, report.checks.map((c) => [c.id, c.status])], [false, [['config', 'fail']]]);
        assert.equal((table.stdout + json.stdout).includes('cli-secret-never-printed'), false);
    });

    it('exits 2 on an unknown option', () => {
        const r = doctor(['--verbose'], {});
        assert.equal(r.status, 2);
        assert.match(r.stderr, /usage: npm run doctor \[-- --json\]/);
    });
});
