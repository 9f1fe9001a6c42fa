import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import restify from 'restify';
import type Redis from 'ioredis';
import { parseSyncConfig } from '../../src/sync/syncConfig';
import { staticAgentResolver } from '../../src/sync/pipeline/prepareIngest';
import { RedisSyncQueue } from '../../src/sync/RedisSyncQueue';
import { partitionOf, syncPartitionKeys } from '../../src/sync/SyncPartitions';
import { bearerMatches, registerSyncRoutes } from '../../src/sync/registerSyncRoutes';
import { createSyncMetrics } from '../../src/sync/createSyncMetrics';
import { FakeClock } from '../support/FakeClock';
import { cleanup, connectRedis, uniquePrefix } from '../support/redis';
import { Registry } from 'prom-client';

const TOKEN = 'ingest-token-0123456789';
const files: Record<string, string> = {
    codes: JSON.stringify({
        BREAK: { presenceDefinitionId: 'def-break' },
        AVAIL: { presenceDefinitionId: 'def-avail' }
    })
};

describe('registerSyncRoutes', () => {
    let redis: Redis;
    let server: restify.Server;
    let url: string;
    let queue: RedisSyncQueue;
    const prefix = uniquePrefix('syncroutes');
    const registry = new Registry();

    before(async () => {
        redis = connectRedis();
        await redis.connect();
        const config = parseSyncConfig(
            {
                SYNC_INGEST_TOKEN: TOKEN,
                SYNC_PRESENCE_SOURCE_ID: 'src',
                SYNC_REASON_CODES_FILE: 'codes',
                SYNC_MAX_BODY_BYTES: '4096',
                SYNC_MAX_BATCH: '10'
            },
            (p) => files[p]
        );
        queue = new RedisSyncQueue({ redis, keyPrefix: prefix, consumer: 'c' });
        server = restify.createServer();
        registerSyncRoutes(server, {
            config,
            queue,
            resolveAgent: staticAgentResolver(['u1', 'u2']),
            clock: new FakeClock(),
            metrics: createSyncMetrics(registry)
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
        await new Promise<void>((r) => server.close(() => r()));
        await cleanup(prefix, redis);
        redis.disconnect();
    });

    const post = (body: string, headers: Record<string, string> = {}) =>
        fetch(`${url}/api/sync/events`, {
            method: 'POST',
            body,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers }
        });
    const item = (over: Record<string, unknown> = {}) => ({
        agentId: 'u1',
        state: 'Break',
        reasonCode: 'BREAK',
        startTime: '2026-11-23T10:00:00Z',
        ...over
    });

    it('refuses a missing or wrong token with 401 and queues nothing', async () => {
        const depth = await queue.depth();
        assert.equal((await post('[]', { authorization: 'Bearer nope' })).status, 401);
        assert.equal((await fetch(`${url}/api/sync/events`, { method: 'POST', body: '[]' })).status, 401);
        assert.equal((await fetch(`${url}/api/sync/diagnostics`)).status, 401);
        assert.equal(await queue.depth(), depth);
    });

    it('takes the bearer scheme in any case (RFC 7235), and nothing but the token', () => {
        for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR'])
            assert.ok(bearerMatches(`${scheme} ${TOKEN}`, TOKEN), scheme);
        for (const header of [undefined, '', TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer`, `Bearer${TOKEN}`])
            assert.equal(bearerMatches(header, TOKEN), false, String(header));
    });

    it('accepts a lower-case bearer scheme on the routes', async () => {
        const res = await fetch(`${url}/api/sync/diagnostics`, { headers: { authorization: `bearer ${TOKEN}` } });
        assert.equal(res.status, 200);
        const empty = await post('[]', { authorization: `BEARER ${TOKEN}` });
        assert.notEqual(empty.status, 401);
    });

    it('queues accepted items durably before the 202 and lists per-item results', async () => {
        const res = await post(
            JSON.stringify([
                item(),
                item({ agentId: 'ghost' }),
                item({ startTime: '2026-11-23T10:00:00' }),
                item({ reasonCode: 'X' })
            ])
        );
        assert.equal(res.status, 202);
        const body = (await res.json()) as { accepted: number; results: Array<{ status: string; code?: string }> };
        assert.equal(body.accepted, 1);
        assert.deepEqual(
            body.results.map((r) => r.code ?? r.status),
            ['accepted', 'UNKNOWN_AGENT', 'LOCAL_TIME_NOT_ALLOWED', 'UNMAPPED_REASON_CODE']
        );
        // Durable: a separate connection sees it in the stream right after the reply.
        const other = connectRedis();
        await other.connect();
        assert.equal(await other.xlen(syncPartitionKeys(prefix, partitionOf('u1', 16)).stream), 1);
        other.disconnect();
        const dead = await queue.deadLetters();
        assert.deepEqual(dead.map((d) => d.rejection.code).sort(), [
            'LOCAL_TIME_NOT_ALLOWED',
            'UNKNOWN_AGENT',
            'UNMAPPED_REASON_CODE'
        ]);
    });

    it('accepts NDJSON and refuses a broken line alone', async () => {
        const text = [
            JSON.stringify(item({ agentId: 'u2' })),
            '{not json',
            JSON.stringify(item({ reasonCode: 'AVAIL', state: 'Available' }))
        ].join('\n');
        const res = await post(text, { 'content-type': 'application/x-ndjson' });
        assert.equal(res.status, 202);
        const body = (await res.json()) as { results: Array<{ status: string; code?: string }> };
        assert.deepEqual(
            body.results.map((r) => r.code ?? r.status),
            ['accepted', 'INVALID_ITEM', 'accepted']
        );
    });

    it('answers 413 for a body or batch over the limits, 400 for broken JSON', async () => {
        assert.equal((await post(JSON.stringify(Array.from({ length: 11 }, () => item())))).status, 413);
        assert.equal((await post(JSON.stringify([item({ state: 'x'.repeat(5000) })]))).status, 413);
        assert.equal((await post('[{"agentId":')).status, 400);
        assert.equal((await post('{"agentId":"u1"}')).status, 400);
    });

    it('serves diagnostics with the token and counts ingest in metrics', async () => {
        const res = await fetch(`${url}/api/sync/diagnostics`, { headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(res.status, 200);
        const body = (await res.json()) as { diagnostics: { queueDepth: number; deadLetters: unknown[] } };
        assert.ok(body.diagnostics.queueDepth >= 3);
        assert.ok(body.diagnostics.deadLetters.length >= 4);
        assert.match(await registry.metrics(), /sync_events_ingested_total\{result="accepted"\} 3/);
    });

    it('registers nothing when the token is unset', async () => {
        const s = restify.createServer();
        registerSyncRoutes(s, {
            config: parseSyncConfig({}),
            queue,
            resolveAgent: () => undefined,
            clock: new FakeClock()
        });
        await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
        const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/api/sync/events`, {
            method: 'POST',
            body: '[]'
        });
        assert.equal(res.status, 404);
        await new Promise<void>((r) => s.close(() => r()));
    });
});
