import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDoctor, type DoctorOptions } from '../../../src/app/doctor/runDoctor';
import { formatDoctorReport } from '../../../src/app/doctor/formatDoctorReport';
import type { DoctorReport } from '../../../src/app/doctor/doctorTypes';
import { startGenesysEmulator, type RunningEmulator } from '../../../src/emulator/GenesysEmulator';
import { FakeClock } from '../../support/FakeClock';
import { genesysEnv } from '../../support/genesysEnv';
import { cleanup as cleanPrefix, redisUrl as REDIS_URL, uniquePrefix } from '../../support/redis';

const BOT_ID = '00000000-0000-4000-8000-00000000b07';
const BOT_PASSWORD = 'bot-password-never-printed-7f3a';
const SIGNING = 'signing-secret-never-printed-0123456789abcdef';
const INGEST = 'ingest-token-never-printed-0123';

/** A Bot Framework token endpoint (`/{tenant}/oauth2/v2.0/token`) that knows one bot. */
async function startBotLogin(): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer((req, res) => {
        let text = '';
        req.on('data', (c: Buffer) => (text += c.toString()));
        req.on('end', () => {
            const form = new URLSearchParams(text);
            const known =
                req.url === '/botframework.com/oauth2/v2.0/token' &&
                form.get('client_id') === BOT_ID &&
                form.get('client_secret') === BOT_PASSWORD &&
                form.get('scope') === 'https://api.botframework.com/.default';
            res.writeHead(known ? 200 : 401, { 'Content-Type': 'application/json' });
            res.end(
                JSON.stringify(known ? { access_token: 'bf-token', expires_in: 3599 } : { error: 'invalid_client' })
            );
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve()))
    };
}

describe('npm run doctor, against the strict Genesys emulator', () => {
    const clock = new FakeClock();
    const prefix = uniquePrefix('doctor');
    const dir = mkdtempSync(path.join(tmpdir(), 'doctor-'));
    let emulator: RunningEmulator;
    let botLogin: Awaited<ReturnType<typeof startBotLogin>>;
    let sourceId: string;
    let mapped: string[];
    let options: DoctorOptions;

    before(async () => {
        emulator = await startGenesysEmulator({ clock, units: 1, agentsPerUnit: 6, rateLimitPerMinute: 0 });
        botLogin = await startBotLogin();
        options = { botLoginUrl: botLogin.url, timeoutMs: 5_000 };
        const token = (await (
            await fetch(`${emulator.loginUrl}/oauth/token`, {
                method: 'POST',
                headers: {
                    Authorization:
                        'Basic ' + Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64')
                },
                body: 'grant_type=client_credentials'
            })
        ).json()) as { access_token: string };
        const source = (await (
            await fetch(`${emulator.url}/api/v2/presence/sources`, {
                method: 'POST',
                headers: { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json' },
                body: JSON.stringify({ name: 'external-wfm' })
            })
        ).json()) as { id: string };
        sourceId = source.id;
        mapped = emulator.control.center.units[0].agentIds.slice(0, 2);
        for (const id of mapped) emulator.control.setPrimarySource(id, sourceId);
        const meal = emulator.control.center.presenceDefinitions.find((d) => d.systemPresence === 'Meal')!.id;
        writeFileSync(path.join(dir, 'codes.json'), JSON.stringify({ MEAL: { presenceDefinitionId: meal } }));
        writeFileSync(path.join(dir, 'agents.json'), JSON.stringify({ 'ext-1': mapped[0], 'ext-2': mapped[1] }));
    });
    after(async () => {
        await emulator.close();
        await botLogin.close();
        await cleanPrefix(prefix);
        rmSync(dir, { recursive: true, force: true });
    });

    /** A production environment the doctor finds healthy, with `change` applied (undefined deletes a variable). */
    const env = (change: Record<string, string | undefined> = {}): Record<string, string> => {
        const base: Record<string, string | undefined> = {
            ADHERENCE_MODE: 'production',
            BOT_ID,
            BOT_PASSWORD,
            ACTION_SIGNING_SECRET: SIGNING,
            REDIS_URL,
            REDIS_KEY_PREFIX: prefix,
            ...genesysEnv(emulator),
            SYNC_INGEST_TOKEN: INGEST,
            SYNC_PRESENCE_SOURCE_ID: sourceId,
            SYNC_REASON_CODES_FILE: path.join(dir, 'codes.json'),
            SYNC_AGENT_MAP_FILE: path.join(dir, 'agents.json'),
            ...change
        };
        return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
    };
    const check = (report: DoctorReport, id: string) => {
        const c = report.checks.find((x) => x.id === id);
        assert.ok(c, `check ${id} in ${JSON.stringify(report.checks.map((x) => x.id))}`);
        return c;
    };
    const printed = (report: DoctorReport) => JSON.stringify(report) + formatDoctorReport(report);

    it('passes every check of a healthy production environment, and prints no secret', async () => {
        const report = await runDoctor(env(), options);
        assert.deepEqual(
            report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status, c.detail]),
            []
        );
        assert.equal(report.ok, true);
        assert.deepEqual(
            report.checks.map((c) => c.id),
            [
                'config',
                'genesys.login',
                'genesys.units',
                'genesys.permission.realtimeAdherence',
                'genesys.permission.unitUsers',
                'genesys.permission.schedules',
                'genesys.permission.activityCodes',
                'genesys.permission.userSearch',
                'genesys.topics',
                'sync.permission.presenceWrite',
                'sync.source',
                'sync.primary',
                'teams.token',
                'redis'
            ]
        );
        assert.match(check(report, 'genesys.login').detail, /lifetime 1440 min/);
        assert.match(formatDoctorReport(report), /✓ Genesys login and token lifetime/);
        assert.match(formatDoctorReport(report), /Nothing blocks production\./);
        for (const secret of [emulator.clientSecret, BOT_PASSWORD, SIGNING, INGEST])
            assert.equal(printed(report).includes(secret), false, 'a secret was printed');
    });

    it('reports a wrong Genesys secret with its fix, and blocks production', async () => {
        const report = await runDoctor(env({ GENESYS_CLIENT_SECRET: 'wrong-secret-value' }), options);
        const login = check(report, 'genesys.login');
        assert.equal(login.status, 'fail');
        assert.match(login.fix ?? '', /GENESYS_CLIENT_ID \/ GENESYS_CLIENT_SECRET/);
        assert.equal(report.ok, false);
        assert.equal(check(report, 'sync').status, 'skip');
        assert.match(formatDoctorReport(report), /✗ Genesys login[^\n]*\n\s+fix: GENESYS_CLIENT_ID/);
        assert.equal(printed(report).includes('wrong-secret-value'), false);
    });

    it('names the missing permission of each feature, failing what stops the bot and warning about the rest', async () => {
        emulator.control.revokePermissions('directory:user:view', 'wfm:publishedSchedule:view', 'wfm:schedule:view');
        try {
            const report = await runDoctor(env(), options);
            const search = check(report, 'genesys.permission.userSearch');
            assert.deepEqual(
                [search.status, search.fix],
                ['fail', "grant directory:user:view to the OAuth client's role"]
            );
            const schedules = check(report, 'genesys.permission.schedules');
            assert.equal(schedules.status, 'warn');
            assert.match(schedules.fix ?? '', /wfm:publishedSchedule:view or wfm:schedule:view/);
            const topics = check(report, 'genesys.topics');
            assert.equal(topics.status, 'warn');
            assert.match(topics.detail, /1 of 2 topics permitted; 0 adherence, 1 schedule topic\(s\) refused/);
            assert.equal(report.ok, false);
        } finally {
            emulator.control.setPermissions(undefined);
        }
    });

    it('reports an unknown management unit with its fix', async () => {
        const report = await runDoctor(env({ GENESYS_MANAGEMENT_UNITS: 'no-such-unit' }), options);
        const units = check(report, 'genesys.units');
        assert.equal(units.status, 'fail');
        assert.match(units.detail, /no-such-unit/);
        assert.match(units.fix ?? '', /GENESYS_MANAGEMENT_UNITS/);
    });

    it('reports sampled agents whose primary presence source is another one, and the fix', async () => {
        emulator.control.setPrimarySource(mapped[1], 'PURECLOUD');
        try {
            const report = await runDoctor(env(), options);
            const primary = check(report, 'sync.primary');
            assert.equal(primary.status, 'fail');
            assert.match(primary.detail, new RegExp(`1 of 2 sampled agents .*${mapped[1]} \\(primary: PURECLOUD\\)`));
            assert.match(primary.fix ?? '', /SYNC_SET_PRIMARY_SOURCE=true/);
            const allowed = await runDoctor(env({ SYNC_SET_PRIMARY_SOURCE: 'true' }), options);
            assert.equal(check(allowed, 'sync.primary').status, 'warn', 'the worker will make it primary');
            assert.equal(
                emulator.control.center.agents.get(mapped[1])!.primarySourceId,
                'PURECLOUD',
                'changed nothing'
            );
        } finally {
            emulator.control.setPrimarySource(mapped[1], sourceId);
        }
    });

    it('reports Redis down, a refused bot secret and an invalid configuration, each with its fix', async () => {
        const report = await runDoctor(
            env({ REDIS_URL: 'redis://:hunter2-redis@127.0.0.1:1', BOT_PASSWORD: 'not-the-bot-password' }),
            options
        );
        const redis = check(report, 'redis');
        assert.equal(redis.status, 'fail');
        assert.match(redis.fix ?? '', /REDIS_URL: redis:\/\/\*\*\*@127\.0\.0\.1:1 must be reachable/);
        const teams = check(report, 'teams.token');
        assert.equal(teams.status, 'fail');
        assert.match(teams.fix ?? '', /BOT_PASSWORD is wrong or expired/);
        assert.equal(/hunter2-redis|not-the-bot-password/.test(printed(report)), false);

        const broken = await runDoctor(env({ GENESYS_CLIENT_ID: undefined, PORT: 'eighty' }), options);
        assert.deepEqual(
            broken.checks.map((c) => [c.id, c.status]),
            [['config', 'fail']]
        );
        assert.match(broken.checks[0].detail, /GENESYS_CLIENT_ID is required/);
        assert.match(broken.checks[0].detail, /PORT/);
        assert.equal(broken.ok, false);
    });
});
