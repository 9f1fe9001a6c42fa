import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

/** Import directions: app/ is imported only by index.ts and the sandbox; the emulator only by domain and kit. */
describe('ESLint import directions', () => {
    const eslint = new ESLint();
    const lint = async (filePath: string, code: string) => {
        const [result] = await eslint.lintText(code, { filePath });
        return result.messages.map((m) => m.ruleId);
    };
    const importingApp = "import { createLogger } from '../app/logger';\nexport const l = createLogger;";

    it('refuses src/app everywhere in src but index.ts, the sandbox and app itself', async () => {
        for (const file of ['src/adapters/x.ts', 'src/sync/x.ts', 'src/cards/x.ts', 'src/emulator/x.ts']) {
            assert.ok((await lint(file, importingApp)).includes('no-restricted-imports'), file);
        }
        assert.ok(
            (
                await lint(
                    'src/adapters/teams/x.ts',
                    "import { createApp } from '../../app/createApp';\nexport const c = createApp;"
                )
            ).includes('no-restricted-imports')
        );
        assert.deepEqual(await lint('src/sandbox/x.ts', importingApp), []);
        assert.deepEqual(
            await lint('src/app/x.ts', "import { createLogger } from './logger';\nexport const l = createLogger;"),
            []
        );
        assert.deepEqual(
            await lint('src/index.ts', "import { loadConfig } from './app/config';\nexport const l = loadConfig;"),
            []
        );
    });

    it('lets the emulator import the domain and the kit, never the product rooms', async () => {
        for (const room of [
            'adapters/genesys/GenesysClient',
            'sync/SyncHttp',
            'engine/ports',
            'sandbox/startSandbox'
        ]) {
            const code = `import * as m from '../${room}';\nexport const x = m;`;
            assert.ok((await lint('src/emulator/x.ts', code)).includes('no-restricted-imports'), room);
        }
        assert.deepEqual(
            await lint(
                'src/emulator/x.ts',
                "import type { Clock } from '../domain/clock';\nimport { equalJitterMs } from '../kit/backoff';\n" +
                    'export const f = (c: Clock): number => c.now() + equalJitterMs.length;'
            ),
            []
        );
    });

    it('keeps the adapters free to import the engine, analytics and cards', async () => {
        assert.deepEqual(
            await lint(
                'src/adapters/x.ts',
                "import type { AgentStateStore } from '../engine/ports';\nimport { renderNudgeCard } from '../cards/renderCard';\n" +
                    'export const f = (s: AgentStateStore): unknown => [s, renderNudgeCard];'
            ),
            []
        );
    });
});
