import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import restify from 'restify';
import type Redis from 'ioredis';
import { parseSyncConfig } from '../../src/sync/syncConfig';
import { staticAgentResolver } from '../../src/sync/pipeline/prepareIngest';
import { RedisSyncQueue } from '../../src/sync/RedisSyncQueue';
import { registerSyncRoutes } from '../../src/sync/registerSyncRoutes';
import { storableItem } from '../../src/sync/storableItem';
import { FakeClock } from '../support/FakeClock';
import { cleanup, connectRedis, uniquePrefix } from '../support/redis';

const TOKEN = 'ingest-token-0123456789';
const CODES = JSON.stringify({ BREAK: { presenceDefinitionId: 'def-break' } });

/** `[[[…]]]` nested `depth` levels: JSON.parse reads it, JSON.stringify of the parsed value overflows the stack. */
const deepArrayJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('storableItem', () => {
    it('keeps a short item, cuts a long one, summarises one that cannot be serialised', () => {
        assert.deepEqual(storableItem({ a: 1 }, 100), { a: 1 });
        const long = storableItem({ note: 'x'.repeat(10_000) }, 100) as {
            truncated: boolean;
            chars: number;
            head: string;
        };
        assert.equal(long.truncated, true);
        assert.equal(long.chars, 10_011);
        assert.equal(long.head.length, 100);
        const deep = JSON.parse(deepArrayJson(20_000)) as unknown;
        assert.deepEqual(storableItem(deep, 100), {
            unstorable: true,
            reason: 'nested too deeply to serialise',
            type: 'array of 1'
        });
    });
});

describe('sync ingest: dead letters bounded and in agreement with the reply, times within a window', () => {
    let redis: Redis;
    let server: restify.Server;
    let url: string;
    let queue: RedisSyncQueue;
    const prefix = uniquePrefix('synchard');
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 9, 0, 0));

    before(async () => {
        redis = connectRedis();
        await redis.connect();
        const config = parseSyncConfig(
            {
                SYNC_INGEST_TOKEN: TOKEN,
                SYNC_PRESENCE_SOURCE_ID: 'src',
                SYNC_REASON_CODES_FILE: 'codes',
                SYNC_MAX_BODY_BYTES: String(4 * 1024 * 1024),
                SYNC_DEAD_LETTER_ITEM_MAX_CHARS: '1000'
            },
            () => CODES
        );
        queue = new RedisSyncQueue({
            redis,
            keyPrefix: prefix,
            consumer: 'c',
            deadLetterItemMaxChars: config.deadLetterItemMaxChars
        });
        server = restify.createServer();
        server.use(restify.plugins.queryParser());
        registerSyncRoutes(server, { config, queue, resolveAgent: staticAgentResolver(['u1']), clock });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
        await new Promise<void>((r) => server.close(() => r()));
        await cleanup(prefix, redis);
        redis.disconnect();
    });

    const post = async (body: string) => {
        const res = await fetch(`${url}/api/sync/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body
        });
        return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const item = (over: Record<string, unknown> = {}) =>
        JSON.stringify({
            agentId: 'u1',
            state: 'Break',
            reasonCode: 'BREAK',
            startTime: '2026-11-23T08:59:00Z',
            ...over
        });
    const diagnostics = async (query = '') => {
        const res = await fetch(`${url}/api/sync/diagnostics${query}`, {
            headers: { authorization: `Bearer ${TOKEN}` }
        });
        return { status: res.status, text: await res.text() };
    };

    it('keeps every rejected item (an unserialisable one summarised, a huge one cut) beside its siblings', async () => {
        const body = `[${item()},${deepArrayJson(20_000)},${item({ agentId: 'ghost', note: 'x'.repeat(1_000_000) })},${item({ agentId: 'ghost' })}]`;
        const res = await post(body);
        assert.equal(res.status, 202);
        assert.equal(res.body.accepted, 1);
        assert.equal(res.body.rejected, 3);
        assert.equal(res.body.deadLettersStored, undefined, 'the dead letters were stored');
        const letters = await queue.deadLetters(10);
        assert.equal(letters.length, 3, 'the reply and the dead-letter list agree');
        const [ghost, huge, deep] = letters;
        assert.deepEqual(ghost.item, JSON.parse(item({ agentId: 'ghost' })));
        assert.equal((huge.item as { truncated: boolean }).truncated, true);
        assert.equal((huge.item as { head: string }).head.length, 1000);
        assert.equal((deep.item as { unstorable: boolean }).unstorable, true);
        const stored = await redis.lrange(`${prefix}dead`, 0, -1);
        assert.ok(
            stored.every((s) => s.length < 1_500),
            `each stored letter is bounded (${stored.map((s) => s.length)})`
        );
    });

    it('pages the dead letters in the diagnostics and bounds a page', async () => {
        for (let i = 0; i < 4; i++) await post(`[${item({ agentId: 'ghost', note: 'y'.repeat(100_000) })}]`);
        const first = JSON.parse((await diagnostics('?deadLetters=2')).text);
        assert.equal(first.diagnostics.deadLetters.length, 2);
        assert.deepEqual(first.diagnostics.deadLetterPage, { total: 7, limit: 2, offset: 0 });
        const last = JSON.parse((await diagnostics('?deadLetters=5&offset=5')).text);
        assert.equal(last.diagnostics.deadLetters.length, 2);
        const all = await diagnostics();
        assert.ok(all.text.length < 20_000, `a default page is small (${all.text.length} chars)`);
        assert.equal((await diagnostics('?deadLetters=1000')).status, 400);
        assert.equal((await diagnostics('?offset=-1')).status, 400);
    });

    it('refuses an event dated far ahead or long ago per item with TIME_OUT_OF_RANGE; the rest are accepted', async () => {
        const res = await post(
            `[${item({ startTime: '9999-12-31T23:59:59Z' })},${item({ startTime: '0001-01-01T00:00:00Z' })},` +
                `${item({ startTime: '2026-11-23T08:00:00Z', endTime: '2026-11-29T00:00:00Z' })},` +
                `${item({ startTime: '2026-11-24T08:00:00Z' })},${item({ startTime: '2026-11-01T08:00:00Z' })}]`
        );
        assert.equal(res.status, 202);
        assert.deepEqual(
            res.body.results.map((r: { code?: string; status: string }) => r.code ?? r.status),
            ['TIME_OUT_OF_RANGE', 'TIME_OUT_OF_RANGE', 'TIME_OUT_OF_RANGE', 'accepted', 'accepted']
        );
        assert.match(res.body.results[0].reason, /startTime is more than 24 h after now/);
        assert.match(res.body.results[1].reason, /startTime is more than 840 h before now/);
        assert.match(res.body.results[2].reason, /endTime is more than 24 h after now/);
    });
});
