import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NodeProcess } from '../support/NodeProcess';

const ROOT = join(__dirname, '..', '..');

describe('start-up with an invalid configuration', () => {
    it('exits 1 with one JSON line listing every problem (nothing else printed)', async () => {
        const bot = new NodeProcess({
            label: 'bad-config',
            cwd: ROOT,
            args: ['--import', 'tsx', 'src/index.ts'],
            env: { PATH: process.env.PATH ?? '', ADHERENCE_MODE: 'production', PORT: 'x' }
        });
        const exit = await bot.exited;
        assert.equal(exit.code, 1);
        assert.deepEqual(
            bot.lines.filter((l) => !l.json).map((l) => l.text),
            [],
            'every line is JSON'
        );
        const line = bot.lines.find((l) => l.json?.msg !== undefined)?.json as Record<string, unknown>;
        assert.match(String(line.msg), /^Invalid configuration \(\d+ problems\)$/);
        assert.equal(line.level, 50);
        const problems = line.problems as string[];
        assert.ok(problems.some((p) => p.startsWith('PORT')));
        assert.ok(problems.some((p) => p.startsWith('BOT_ID')));
    });
});
