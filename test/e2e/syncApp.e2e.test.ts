import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { silentLogger } from '../../src/kit/Logger';
import { FakeClock } from '../support/FakeClock';
import { cleanup, redisUrl, uniquePrefix } from '../support/redis';
import { drive, INGEST_TOKEN, startPresenceRig, type PresenceRig } from '../sync/support';

// The sync worker inside the real app: HTTP ingest -> durable Redis stream -> worker on the app's shared Genesys
// token -> bulk presence write in the Genesys emulator.

describe('sync worker wired into the app, end to end', () => {
    const clock = new FakeClock();
    const prefix = uniquePrefix('e2e-sync');
    let rig: PresenceRig;
    let app: App;

    before(async () => {
        rig = await startPresenceRig(clock, { agentsPerUnit: 5, simulate: false, rateLimitPerMinute: 0 });
        const dir = mkdtempSync(join(tmpdir(), 'adb-sync-'));
        const codes = join(dir, 'codes.json');
        writeFileSync(
            codes,
            JSON.stringify({ BREAK: { presenceDefinitionId: rig.def('Break'), targetCode: 'BREAK' } })
        );
        const config = loadConfig({
            ADHERENCE_MODE: 'test',
            PORT: '0',
            HOST: '127.0.0.1',
            REDIS_URL: redisUrl,
            REDIS_KEY_PREFIX: prefix,
            GENESYS_API_URL: rig.emulator.url,
            GENESYS_LOGIN_URL: rig.emulator.loginUrl,
            GENESYS_CLIENT_ID: rig.emulator.clientId,
            GENESYS_CLIENT_SECRET: rig.emulator.clientSecret,
            GENESYS_PING_INTERVAL_MS: String(24 * 3_600_000),
            GENESYS_HEARTBEAT_TIMEOUT_MS: String(48 * 3_600_000),
            SYNC_INGEST_TOKEN: INGEST_TOKEN,
            SYNC_PRESENCE_SOURCE_ID: rig.sourceId,
            SYNC_REASON_CODES_FILE: codes
        });
        app = await drive(clock, createApp(config, { clock, random: () => 0.5, logger: silentLogger() }));
    });

    after(async () => {
        await app?.close();
        await rig?.close();
        await cleanup(prefix);
    });

    it('accepts a batch, queues it durably and sets the agents presence in Genesys', async () => {
        const agent = rig.agents[0];
        const post = axios.post(
            `${app.url}/api/sync/events`,
            [
                { agentId: agent, state: 'Break', reasonCode: 'BREAK', startTime: new Date(clock.now()).toISOString() },
                { agentId: agent, state: 'Break', reasonCode: 'LUNCH', startTime: new Date(clock.now()).toISOString() },
                { agentId: 'nobody', state: 'Break', reasonCode: 'BREAK', startTime: '2026-11-23T09:00:00' }
            ],
            { headers: { Authorization: `Bearer ${INGEST_TOKEN}` }, validateStatus: () => true }
        );
        const res = await drive(clock, post);
        assert.equal(res.status, 202);
        const results = res.data.results as Array<{ status: string; reason?: string }>;
        assert.deepEqual(
            results.map((r) => r.status),
            ['accepted', 'rejected', 'rejected']
        );

        const written = new Promise<void>((resolve) => {
            const check = (): void => {
                if (
                    rig.emulator.control.presenceWrites.some(
                        (w) => w.userId === agent && w.presenceDefinitionId === rig.def('Break')
                    )
                )
                    resolve();
                else setImmediate(check);
            };
            check();
        });
        await drive(clock, written);
        const writes = rig.emulator.control.presenceWrites.filter((w) => w.userId === agent);
        assert.equal(writes.length, 1, 'sent once');
        assert.equal(writes[0].sourceId, rig.sourceId);
    });

    it('refuses a request without the ingest token and serves diagnostics with it', async () => {
        const denied = await drive(clock, axios.post(`${app.url}/api/sync/events`, [], { validateStatus: () => true }));
        assert.equal(denied.status, 401);
        const diag = await drive(
            clock,
            axios.get(`${app.url}/api/sync/diagnostics`, { headers: { Authorization: `Bearer ${INGEST_TOKEN}` } })
        );
        assert.equal(diag.status, 200);
        assert.equal(diag.data.status.target, 'presence');
        assert.ok(Array.isArray(diag.data.diagnostics.mismatches));
        assert.equal(diag.data.diagnostics.breakerState, 'closed');
        assert.ok(diag.data.diagnostics.deadLetters.length >= 2, 'the refused items are inspectable');
    });

    it('reads its own body: authentication first, its own size limit and its own errors', async () => {
        const post = (body: string, auth: boolean) =>
            drive(
                clock,
                axios.post(`${app.url}/api/sync/events`, body, {
                    headers: {
                        'Content-Type': 'application/json',
                        ...(auth ? { Authorization: `Bearer ${INGEST_TOKEN}` } : {})
                    },
                    validateStatus: () => true,
                    maxBodyLength: Infinity
                })
            );
        const anonymous = await post('{not json', false);
        assert.equal(anonymous.status, 401, 'an unauthenticated body is never parsed');
        const bad = await post('{not json', true);
        assert.equal(bad.status, 400);
        assert.equal(bad.data.code, 'BAD_JSON');
        // Over the shared parser's 1,000,000 bytes, under SYNC_MAX_BODY_BYTES (1 MiB by default): the route decides.
        const big = await post(`[${' '.repeat(1_020_000)}]`, true);
        assert.notEqual(big.status, 413, JSON.stringify(big.data));
        const tooBig = await post(`[${' '.repeat(1_100_000)}]`, true);
        assert.equal(tooBig.status, 413);
        assert.equal(tooBig.data.code, 'BODY_TOO_LARGE');
    });
});
