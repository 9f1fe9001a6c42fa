import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import calculateSlot from 'cluster-key-slot';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { silentLogger } from '../../src/kit/Logger';
import { change, logEntry, nudge } from '../adapters/storeContract';
import { uniquePrefix } from '../support/redis';
import { useRedisCluster } from '../support/redisCluster';
import { INGEST_TOKEN } from '../sync/support';

// The whole app with REDIS_URL naming a real three-master Redis Cluster: the configuration path, the one client
// factory, every part on it (agent store, bot data, sync queue), readiness. Real clock; no Genesys (not needed here).

describe('the app on a real three-master Redis Cluster (REDIS_URL=redis+cluster://…)', () => {
    const cluster = useRedisCluster();
    // The app's hooks in a suite of their own: its `after` (closing the app) runs before the cluster stops.
    describe('one app instance', () => {
        const prefix = uniquePrefix('e2e-cluster');
        const dir = mkdtempSync(join(tmpdir(), 'adb-cluster-app-'));
        let app: App;

        before(async () => {
            const codes = join(dir, 'codes.json');
            writeFileSync(codes, JSON.stringify({ BREAK: { targetCode: 'BRK' } }));
            const config = loadConfig({
                ADHERENCE_MODE: 'test',
                PORT: '0',
                HOST: '127.0.0.1',
                REDIS_URL: cluster().url,
                REDIS_KEY_PREFIX: prefix,
                SYNC_INGEST_TOKEN: INGEST_TOKEN,
                SYNC_TARGET: 'span',
                // Nothing listens there: the worker keeps the events pending (this test looks at the queue, not sends).
                SYNC_SPAN_URL: 'http://127.0.0.1:1/spans',
                SYNC_REASON_CODES_FILE: codes
            });
            assert.equal(config.store.kind === 'redis' && config.store.cluster?.nodes.length, 3);
            app = await createApp(config, { logger: silentLogger() });
        });

        after(async () => {
            await app?.close();
            rmSync(dir, { recursive: true, force: true });
        });

        it('is ready, and keeps agent state, bot data and the sync queue on the cluster, each in its hash slots', async () => {
            const ready = await axios.get(`${app.url}/readyz`, { validateStatus: () => true });
            assert.equal(ready.status, 200, JSON.stringify(ready.data));

            const t = Date.now();
            const ids = Array.from({ length: 32 }, (_, i) => `cluster-agent-${i}`);
            const committed = await app.agentStore.commit(
                ids.map((id) => change(id, 0, { dueAt: t, log: [logEntry(id, t)], outbox: [nudge(id, `${id}:n`, t)] }))
            );
            assert.ok(committed.every((r) => r.ok));
            assert.equal((await app.agentStore.dueOutbox(t, 100)).length, 32);
            await app.agentStore.setExclusion('Meeting', true);
            assert.deepEqual((await app.agentStore.getExclusions()).excluded, ['Meeting']);

            await app.botStore.saveUser({ teamsUserId: '29:a', genesysUserId: 'g1' });
            await app.botStore.saveUser({ teamsUserId: '29:a', genesysUserId: 'g2' });
            assert.equal(await app.botStore.userByGenesysId('g1'), undefined);
            assert.equal((await app.botStore.userByTeamsId('29:a'))?.genesysUserId, 'g2');

            const posted = await axios.post(
                `${app.url}/api/sync/events`,
                [{ agentId: 'ext-agent-1', state: 'Break', reasonCode: 'BREAK', startTime: new Date(t).toISOString() }],
                { headers: { Authorization: `Bearer ${INGEST_TOKEN}` }, validateStatus: () => true }
            );
            assert.equal(posted.status, 202, JSON.stringify(posted.data));
            assert.equal(posted.data.accepted, 1);

            const keys = await cluster().keysUnder(prefix);
            for (const part of ['{s', 'bot:{user}:', 'sync:{p']) {
                assert.ok(
                    keys.some((k) => k.startsWith(`${prefix}${part}`)),
                    `${part} keys on the cluster`
                );
            }
            const slotsOfUserMaps = new Set(keys.filter((k) => k.includes('bot:{user}:')).map((k) => calculateSlot(k)));
            assert.equal(slotsOfUserMaps.size, 1, 'the two user maps share one slot');
        });
    });
});
