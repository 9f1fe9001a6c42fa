import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '../../src/kit/systemClock';
import { startGenesysEmulator, type RunningEmulator } from '../../src/emulator/GenesysEmulator';
import { BotTokenIssuer } from '../support/botTokenIssuer';
import { eventually } from '../support/eventually';
import { NodeProcess } from '../support/NodeProcess';
import { cleanup, redisUrl, uniquePrefix } from '../support/redis';

const ROOT = join(__dirname, '..', '..');

interface LockedPackage {
    dev?: boolean;
    link?: boolean;
}

/**
 * The installed packages `npm prune --omit=dev` keeps: every package of the lockfile not flagged `dev`, hard-linked
 * from the shared `node_modules` (nothing is written there), each without its nested `node_modules`, which are
 * entries of their own. Entries the shared install does not hold (optional platform builds) are skipped.
 */
function linkProductionModules(into: string): void {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, LockedPackage>;
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
        if (!path.startsWith('node_modules/') || entry.dev || entry.link) continue;
        const from = join(ROOT, path);
        if (existsSync(from)) linkTree(from, join(into, path));
    }
}

function linkTree(from: string, to: string): void {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
        if (entry.name === 'node_modules') continue;
        if (entry.isDirectory()) linkTree(join(from, entry.name), join(to, entry.name));
        else if (entry.isFile()) linkSync(join(from, entry.name), join(to, entry.name));
    }
}

describe('production start: npm run build, production dependencies only, npm start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adb-prod-'));
    const prefix = uniquePrefix('prod');
    let emulator: RunningEmulator;
    let bot: NodeProcess;
    const issuer = new BotTokenIssuer();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        main: string;
        scripts: Record<string, string>;
    };

    before(async () => {
        // `npm run build` into the copy (same compiler and project file; only the output folder differs).
        const build = pkg.scripts.build.split(' ');
        assert.equal(build[0], 'tsc', 'the build is tsc');
        const tsc = spawnSync(
            process.execPath,
            [require.resolve('typescript/bin/tsc'), ...build.slice(1), '--outDir', join(dir, 'lib')],
            { cwd: ROOT, encoding: 'utf8' }
        );
        assert.equal(tsc.status, 0, `build failed:\n${tsc.stdout}${tsc.stderr}`);
        copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
        linkProductionModules(dir);
        emulator = await startGenesysEmulator({ clock: createSystemClock(), units: 1, agentsPerUnit: 3 });
        await issuer.start();
    });

    after(async () => {
        await bot?.stop();
        await emulator?.close();
        await issuer.stop();
        rmSync(dir, { recursive: true, force: true });
        await cleanup(prefix);
    });

    it('ships no dev dependency', () => {
        for (const name of ['typescript', 'tsx', 'eslint', 'purecloud-platform-client-v2', 'fast-check'])
            assert.ok(!existsSync(join(dir, 'node_modules', name)), `${name} is a dev dependency`);
        assert.ok(existsSync(join(dir, 'node_modules', 'botbuilder')), 'production dependencies are there');
    });

    it('npm start runs the compiled app, which answers /healthz and /readyz in production mode', async () => {
        assert.equal(pkg.scripts.start, `node ${pkg.main}`);
        const [entry] = pkg.scripts.start.split(' ').slice(1);
        bot = new NodeProcess({
            label: 'prod',
            cwd: dir,
            args: [entry],
            env: {
                PATH: process.env.PATH ?? '',
                ADHERENCE_MODE: 'production',
                PORT: '0',
                HOST: '127.0.0.1',
                BOT_ID: '00000000-0000-4000-8000-000000000001',
                BOT_PASSWORD: 'not-a-real-password',
                BOT_OPENID_METADATA_URL: issuer.metadataUrl,
                ACTION_SIGNING_SECRET: 'production-start-test-signing-secret-0123456789',
                REDIS_URL: redisUrl,
                REDIS_KEY_PREFIX: prefix,
                GENESYS_API_URL: emulator.url,
                GENESYS_LOGIN_URL: emulator.loginUrl,
                GENESYS_CLIENT_ID: emulator.clientId,
                GENESYS_CLIENT_SECRET: emulator.clientSecret,
                TEAMS_SUPERVISORS: '29:supervisor'
            }
        });
        const listening = await bot.waitForLog((l) => l.msg === 'adherence drift bot listening');
        const url = String(listening.url);
        const health = await fetch(`${url}/healthz`);
        assert.equal(health.status, 200);
        assert.deepEqual(await health.json(), { status: 'ok' });
        const ready = await eventually(async () => {
            const res = await fetch(`${url}/readyz`);
            return res.status === 200 ? await res.json() : undefined;
        }, '/readyz answers 200');
        assert.deepEqual(ready, { status: 'ready', checks: { store: true, redis: true, genesys: true } });

        // Forged and expired tokens: each a 401, and what botbuilder prints about them comes out as JSON lines.
        const appId = '00000000-0000-4000-8000-000000000001';
        const now = Math.floor(Date.now() / 1000);
        const claims = issuer.claims(appId, 'https://smba.trafficmanager.net/emea/');
        for (const token of [
            undefined,
            'Bearer garbage',
            `Bearer ${BotTokenIssuer.unsigned(claims, issuer.kid)}`,
            `Bearer ${BotTokenIssuer.selfSigned(claims, issuer.kid)}`,
            `Bearer ${issuer.sign({ ...claims, nbf: now - 7_200, exp: now - 3_600 })}`
        ]) {
            const res = await fetch(`${url}/api/messages`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
                body: '{"type":5}'
            });
            assert.equal(res.status, 401);
        }

        const stopped = await bot.stop();
        assert.equal(stopped.code, 0, bot.tail());
        assert.deepEqual(
            bot.lines.filter((l) => !l.json),
            [],
            'every line printed is a JSON log line (no deprecation warning, no stack trace)'
        );
        assert.deepEqual(
            bot.lines.filter((l) => l.json && Number(l.json.level) >= 50),
            [],
            'nothing at error level'
        );
    });
});
