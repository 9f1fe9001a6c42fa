import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { STORE_DEFAULTS } from '../../src/adapters/store/storeConfig';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { silentLogger } from '../../src/kit/Logger';
import { FakeClock } from '../support/FakeClock';
import { connectRedis, keysUnder, redisUrl } from '../support/redis';

// A blank REDIS_KEY_PREFIX is unset, like every blank variable: every part falls back to the one default prefix. It
// used to mean "no prefix" to the agent store and `adb:` to the bot store and the sync queue, which then lived under
// different prefixes on the same Redis.

const TOKEN = 'prefix-test-ingest-token-0123';

describe('createApp on Redis with REDIS_KEY_PREFIX set but empty', () => {
    const clock = new FakeClock();
    const id = `prefix-test-${randomUUID()}`;
    const teamsUserId = `29:${id}`;
    /** Where a blank prefix puts the keys, and where the agent store put them before (no prefix: shard tags at the top). */
    const roots = [STORE_DEFAULTS.keyPrefix, '{'];
    const existing = new Set<string>();
    let admin: Redis;
    let app: App;

    before(async () => {
        admin = connectRedis();
        await admin.connect();
        for (const root of roots) for (const key of await keysUnder(admin, root)) existing.add(key);
        const codes = join(mkdtempSync(join(tmpdir(), 'adb-prefix-')), 'codes.json');
        writeFileSync(codes, JSON.stringify({ BREAK: { presenceDefinitionId: 'p-break', targetCode: 'BREAK' } }));
        const config = loadConfig({
            ADHERENCE_MODE: 'test',
            PORT: '0',
            HOST: '127.0.0.1',
            REDIS_URL: redisUrl,
            REDIS_KEY_PREFIX: '',
            SYNC_INGEST_TOKEN: TOKEN,
            SYNC_TARGET: 'span',
            SYNC_SPAN_URL: 'http://127.0.0.1:9/spans',
            SYNC_REASON_CODES_FILE: codes
        });
        app = await createApp(config, { clock, logger: silentLogger() });
    });

    after(async () => {
        await app?.close();
        // Only what this test wrote: new keys, and its own fields of keys that were there before.
        for (const root of roots) {
            for (const key of await keysUnder(admin, root)) {
                if (!existing.has(key)) await admin.del(key);
                else if ((await admin.type(key)) === 'hash') await admin.hdel(key, id, teamsUserId);
            }
        }
        admin.disconnect();
    });

    it('writes the agent store, the bot store and the sync queue under the same default prefix', async () => {
        const prefix = STORE_DEFAULTS.keyPrefix;
        const committed = await app.agentStore.commit([
            {
                userId: id,
                expectedVersion: 0,
                record: {
                    userId: id,
                    version: 1,
                    lastChangeAt: clock.now(),
                    managementUnitId: 'mu-1',
                    state: { status: 'adherent' }
                },
                dueAt: null,
                log: [],
                outbox: []
            }
        ]);
        assert.ok(committed.every((r) => r.ok));
        await app.botStore.savePersonal(teamsUserId, {
            kind: 'personal',
            reference: { conversation: { id: `a:${id}` }, channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/' },
            savedAt: clock.now()
        });
        const res = await fetch(`${app.url}/api/sync/events`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', connection: 'close' },
            body: JSON.stringify([
                {
                    agentId: id,
                    state: 'Break',
                    reasonCode: 'NO-SUCH-CODE',
                    startTime: new Date(clock.now()).toISOString()
                }
            ])
        });
        assert.equal(res.status, 202);
        assert.equal(((await res.json()) as { rejected: number }).rejected, 1);

        const keys = await keysUnder(admin, prefix);
        const records = keys.filter((k) => /^adb:\{s\d+\}:rec$/.test(k));
        const holding = await Promise.all(records.map(async (k) => (await admin.hexists(k, id)) === 1));
        assert.ok(holding.includes(true), `the agent record is under ${prefix}`);
        assert.equal(
            await admin.hexists(`${prefix}bot:ref:personal`, teamsUserId),
            1,
            `the bot data is under ${prefix}`
        );
        const dead = await admin.lrange(`${prefix}sync:dead`, 0, -1);
        assert.ok(
            dead.some((letter) => letter.includes(id)),
            `the sync queue is under ${prefix}`
        );
    });
});
