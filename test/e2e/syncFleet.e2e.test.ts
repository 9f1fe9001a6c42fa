import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import Redis from 'ioredis';
import { TokenManager } from '../../src/adapters/genesys/tokenManager';
import { startGenesysEmulator, type RunningEmulator } from '../../src/emulator/GenesysEmulator';
import { createSystemClock } from '../../src/kit/systemClock';
import { syncPartitionKeys } from '../../src/sync/SyncPartitions';
import { eventually } from '../support/eventually';
import { genesysEnv } from '../support/genesysEnv';
import { botProcess } from '../support/Fleet';
import type { NodeProcess } from '../support/NodeProcess';
import { cleanup, redisUrl, uniquePrefix } from '../support/redis';
import { INGEST_TOKEN } from '../sync/support';

// Two real bot processes with the sync worker on one Redis and the Genesys emulator: interleaved ingest bursts for the
// same agents through both, one process killed with SIGKILL while it has entries in flight. Each agent's presence
// writes must reach Genesys in source order, and nothing accepted may be lost.

/** One state per round, each agent's states all different: a write names the round it came from. */
const STATES = ['Available', 'Away', 'Busy', 'Idle', 'Meal', 'Training', 'Meeting', 'Break'] as const;
const KILL_AFTER_ROUND = 3;
const PARTITIONS = 16;

describe('sync worker on a fleet of two processes', () => {
    const clock = createSystemClock();
    const prefix = uniquePrefix('syncfleet');
    const dir = mkdtempSync(join(tmpdir(), 'adb-syncfleet-'));
    let emulator: RunningEmulator;
    let sourceId: string;
    const bots: NodeProcess[] = [];
    const urls: string[] = [];

    before(async () => {
        emulator = await startGenesysEmulator({
            clock,
            units: 1,
            agentsPerUnit: 40,
            simulate: false,
            rateLimitPerMinute: 0
        });
        const tokens = new TokenManager({
            loginBaseUrl: emulator.loginUrl,
            clientId: emulator.clientId,
            clientSecret: emulator.clientSecret,
            clock
        });
        const source = await axios.post(
            `${emulator.url}/api/v2/presence/sources`,
            { name: 'external-wfm' },
            { headers: { Authorization: `Bearer ${await tokens.getToken()}` } }
        );
        sourceId = source.data.id as string;
        const defs = emulator.control.center.presenceDefinitions;
        const codes = Object.fromEntries(
            STATES.map((s) => [s.toUpperCase(), { presenceDefinitionId: defs.find((d) => d.systemPresence === s)!.id }])
        );
        writeFileSync(join(dir, 'codes.json'), JSON.stringify(codes));
        for (let i = 0; i < 2; i++) bots.push(spawnBot(i));
        for (const bot of bots) {
            const line = await bot.waitForLog((l) => l.msg === 'sync worker started', 60_000);
            assert.equal(line.knownAgents, 40);
            urls.push(String((await bot.waitForLog((l) => l.msg === 'adherence drift bot listening')).url));
        }
    });

    after(async () => {
        await Promise.all(bots.map((b) => b.stop()));
        await emulator?.close();
        await cleanup(prefix);
        rmSync(dir, { recursive: true, force: true });
    });

    function spawnBot(i: number): NodeProcess {
        return botProcess(`sync-${i}`, {
            INSTANCE_ID: `sync-${i}`,
            REDIS_URL: redisUrl,
            REDIS_KEY_PREFIX: prefix,
            ...genesysEnv(emulator),
            GENESYS_REQUESTS_PER_MINUTE: '100000',
            SYNC_INGEST_TOKEN: INGEST_TOKEN,
            SYNC_PRESENCE_SOURCE_ID: sourceId,
            SYNC_REASON_CODES_FILE: join(dir, 'codes.json'),
            SYNC_REQUESTS_PER_MINUTE: '100000',
            SYNC_PARTITIONS: String(PARTITIONS),
            SYNC_PARTITION_LEASE_MS: '2000'
        });
    }

    /** Entries the consumer `name` has read and not acknowledged, over every partition. */
    async function pendingOf(redis: Redis, name: string): Promise<number> {
        let total = 0;
        for (let p = 0; p < PARTITIONS; p++) {
            const summary = (await redis
                .xpending(syncPartitionKeys(`${prefix}sync:`, p).stream, 'sync')
                .catch(() => [0, null, null, []])) as [number, string | null, string | null, Array<[string, string]>];
            for (const [consumer, count] of summary[3] ?? []) if (consumer === name) total += Number(count);
        }
        return total;
    }

    it('applies each agent’s events in source order across both processes and loses nothing when one is killed', async () => {
        const agents = [...emulator.control.center.agents.keys()];
        const defs = emulator.control.center.presenceDefinitions;
        const roundOf = new Map(STATES.map((s, r) => [defs.find((d) => d.systemPresence === s)!.id, r]));
        const t0 = clock.now() - 3_600_000;
        // Every bulk write takes a while, so a worker has entries in flight when it is killed.
        emulator.control.setLatency(1000);
        const redis = new Redis(redisUrl, { lazyConnect: true });
        await redis.connect();
        const owners = async (): Promise<Set<string>> => {
            const keys = Array.from({ length: PARTITIONS }, (_, p) => syncPartitionKeys(`${prefix}sync:`, p).lease);
            return new Set((await redis.mget(...keys)).map((v) => String(v).split('|')[0]));
        };
        await eventually(
            async () => ((await owners()).size === 2 ? true : undefined),
            'the two processes share the partitions'
        );
        let pendingAtKill = 0;
        try {
            for (let round = 0; round < STATES.length; round++) {
                const alive = round <= KILL_AFTER_ROUND ? round % 2 : 0;
                const res = await axios.post(
                    `${urls[alive]}/api/sync/events`,
                    agents.map((agentId) => ({
                        agentId,
                        state: STATES[round],
                        reasonCode: STATES[round].toUpperCase(),
                        startTime: new Date(t0 + round * 60_000).toISOString()
                    })),
                    { headers: { Authorization: `Bearer ${INGEST_TOKEN}` }, validateStatus: () => true }
                );
                assert.equal(res.status, 202, JSON.stringify(res.data).slice(0, 300));
                assert.equal(res.data.accepted, agents.length);
                if (round === KILL_AFTER_ROUND) {
                    pendingAtKill = await eventually(
                        async () => ((await pendingOf(redis, 'sync-1')) > 0 ? pendingOf(redis, 'sync-1') : undefined),
                        'the second process has entries in flight'
                    );
                    bots[1].kill('SIGKILL');
                    await bots[1].exited;
                }
            }
        } finally {
            redis.disconnect();
        }
        assert.ok(pendingAtKill > 0, 'killed with entries read and not acknowledged');

        const last = STATES.length - 1;
        const writesOf = (agent: string): number[] =>
            emulator.control.presenceWrites
                .filter((w) => w.userId === agent && w.sourceId === sourceId)
                .map((w) => roundOf.get(w.presenceDefinitionId)!);
        await eventually(
            () => (agents.every((a) => writesOf(a).at(-1) === last) ? true : undefined),
            'every agent shows its last state',
            { timeoutMs: 60_000 }
        );
        for (const agent of agents) {
            const rounds = writesOf(agent);
            for (let i = 1; i < rounds.length; i++) {
                assert.ok(rounds[i] >= rounds[i - 1], `${agent}: writes out of source order: ${rounds.join(',')}`);
            }
        }
        const diagnostics = async () =>
            (
                await axios.get(`${urls[0]}/api/sync/diagnostics`, {
                    headers: { Authorization: `Bearer ${INGEST_TOKEN}` }
                })
            ).data.diagnostics as { queueDepth: number; deadLetters: unknown[]; superseded: { total: number } };
        const settled = await eventually(async () => {
            const d = await diagnostics();
            return d.queueDepth === 0 ? d : undefined;
        }, 'everything accepted was sent and acknowledged');
        assert.deepEqual(settled.deadLetters, []);
        assert.equal(settled.superseded.total, 0, 'no event arrived after a newer one of its agent');
    });
});
