import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

/** The pure folders may not read the wall clock, timers or randomness, nor import I/O libraries (HOUSE-STYLE 2.5 rule 2). */
describe('ESLint pure-core rules', () => {
    const eslint = new ESLint();
    const lint = async (filePath: string, code: string) => {
        const [result] = await eslint.lintText(code, { filePath });
        return result.messages.map((m) => m.ruleId);
    };

    it('refuses Date, timers, Math.random and I/O imports under src/domain and src/engine', async () => {
        const offending = [
            'export const t = Date.now();',
            'export const d = new Date();',
            'setTimeout(() => undefined, 1);',
            'export const r = Math.random();',
            "import { Redis } from 'ioredis';\nexport const R = Redis;"
        ];
        for (const folder of [
            'src/domain/adherence/x.ts',
            'src/engine/x.ts',
            'src/analytics/x.ts',
            'src/sync/pipeline/x.ts'
        ]) {
            for (const code of offending) {
                const rules = await lint(folder, code);
                assert.ok(
                    rules.some(
                        (r) =>
                            r === 'no-restricted-globals' ||
                            r === 'no-restricted-properties' ||
                            r === 'no-restricted-imports'
                    ),
                    `${folder}: ${code} -> ${rules.join(',')}`
                );
            }
        }
    });

    it('allows the same code at the edges (adapters)', async () => {
        assert.deepEqual(await lint('src/adapters/x.ts', 'export const t = Date.now();'), []);
    });
});
