import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

/** src/kit depends on nothing but the Clock/Random ports: no package, no other room, no timers of its own. */
describe('ESLint kit rules', () => {
    const eslint = new ESLint();
    const lint = async (code: string) => {
        const [result] = await eslint.lintText(code, { filePath: 'src/kit/x.ts' });
        return result.messages.map((m) => m.ruleId);
    };

    it('refuses packages, other rooms, timers, Date.now and Math.random in src/kit', async () => {
        const offending = [
            "import axios from 'axios';\nexport const a = axios;",
            "import { setMaxListeners } from 'node:events';\nexport const s = setMaxListeners;",
            "import { isSyncError } from '../sync/SyncError';\nexport const i = isSyncError;",
            "import { formatIsoUtc } from '../domain/isoInstant';\nexport const f = formatIsoUtc;",
            "import { x } from './nested/x';\nexport const y = x;",
            'setTimeout(() => undefined, 1);',
            'export const t = Date.now();',
            'export const r = Math.random();'
        ];
        for (const code of offending) {
            const rules = await lint(code);
            assert.ok(
                rules.some((r) => r?.startsWith('no-restricted-')),
                `${code} -> ${rules.join(',') || 'allowed'}`
            );
        }
    });

    it('allows the Clock port, sibling kit modules and Date.parse', async () => {
        assert.deepEqual(
            await lint(
                "import type { Clock } from '../domain/clock';\nimport { abortReason } from './abort';\n" +
                    'export const f = (c: Clock): number => c.now() + Date.parse("x");\nexport const a = abortReason;'
            ),
            []
        );
    });

    it('lets only src/kit/systemClock.ts use the wall clock and timers, still with no package import', async () => {
        const lintAt = async (filePath: string, code: string) =>
            (await eslint.lintText(code, { filePath }))[0].messages.map((m) => m.ruleId);
        const clockCode = 'export const t = Date.now();\nsetTimeout(() => undefined, 1);';
        assert.deepEqual(await lintAt('src/kit/systemClock.ts', clockCode), []);
        assert.ok((await lintAt('src/kit/otherClock.ts', clockCode)).includes('no-restricted-globals'));
        assert.ok(
            (await lintAt('src/kit/systemClock.ts', "import axios from 'axios';\nexport const a = axios;")).includes(
                'no-restricted-imports'
            )
        );
    });
});
