import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

/** Size limits a reader can hold, and botbuilder/teams-ai kept in their one room: the rules bite. */
describe('ESLint size and Teams SDK rules', () => {
    const eslint = new ESLint();
    const lint = async (filePath: string, code: string) => {
        const [result] = await eslint.lintText(code, { filePath });
        return result.messages.map((m) => m.ruleId);
    };
    const statements = (n: number) => Array.from({ length: n }, (_, i) => `    total += ${i};`).join('\n');
    const fn = (bodyLines: number) =>
        `export function f(): number {\n    let total = 0;\n${statements(bodyLines)}\n    return total;\n}\n`;

    it('refuses a function over 150 lines and accepts one of 150', async () => {
        assert.ok((await lint('src/engine/x.ts', fn(148))).includes('max-lines-per-function'));
        assert.deepEqual(await lint('src/engine/x.ts', fn(146)), []);
    });

    it('refuses a source file over 400 lines and accepts one of 400', async () => {
        const consts = (n: number) =>
            Array.from({ length: n }, (_, i) => `export const c${i} = ${i};`).join('\n') + '\n';
        assert.ok((await lint('src/kit/x.ts', consts(401))).includes('max-lines'));
        assert.deepEqual(await lint('src/kit/x.ts', consts(400)), []);
    });

    it('keeps botbuilder and teams-ai imports inside src/adapters/teams', async () => {
        for (const pkg of ['botbuilder', '@microsoft/teams-ai', 'botframework-connector']) {
            const code = `import * as m from '${pkg}';\nexport const x = m;`;
            for (const file of ['src/engine/x.ts', 'src/adapters/genesys/x.ts', 'src/app/x.ts', 'src/sync/x.ts']) {
                assert.ok(
                    (await lint(file, code)).includes('@typescript-eslint/no-restricted-imports'),
                    `${pkg} in ${file}`
                );
            }
            assert.deepEqual(await lint('src/adapters/teams/x.ts', code), [], pkg);
        }
    });
});
