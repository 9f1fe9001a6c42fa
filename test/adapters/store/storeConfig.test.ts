import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConfigError } from '../../../src/kit/ConfigError';
import { redactUrl } from '../../../src/kit/env';
import { MemoryAgentStateStore } from '../../../src/adapters/memory/MemoryAgentStateStore';
import { RedisAgentStateStore } from '../../../src/adapters/redis/RedisAgentStateStore';
import { createAgentStateStore, openSharedStore } from '../../../src/adapters/store/createAgentStateStore';
import { parseStoreConfig } from '../../../src/adapters/store/storeConfig';

describe('parseStoreConfig', () => {
    it('selects the memory store with defaults when REDIS_URL is absent', () => {
        const config = parseStoreConfig({});
        assert.deepEqual(config, { kind: 'memory', logMaxLen: 1_000_000, outboxKeyTtlMs: 604_800_000 });
        assert.ok(Object.isFrozen(config));
        assert.ok(createAgentStateStore(config) instanceof MemoryAgentStateStore);
    });

    it('selects Redis with defaults and overrides, and never serialises the password', async () => {
        const config = parseStoreConfig({
            REDIS_URL: 'redis://:s3cret@127.0.0.1:6379/2',
            REDIS_KEY_PREFIX: 'adb:prod:',
            REDIS_SHARD_COUNT: '32',
            STORE_OUTBOX_KEY_TTL_MS: '86400000'
        });
        assert.equal(config.kind, 'redis');
        assert.deepEqual(
            { ...config, url: config.url.reveal() },
            {
                kind: 'redis',
                url: 'redis://:s3cret@127.0.0.1:6379/2',
                keyPrefix: 'adb:prod:',
                shardCount: 32,
                logMaxLen: 200_000,
                outboxKeyTtlMs: 86_400_000
            }
        );
        assert.ok(!JSON.stringify(config).includes('s3cret'));
        const store = createAgentStateStore(config);
        assert.ok(store instanceof RedisAgentStateStore);
        assert.ok(!JSON.stringify(store).includes('s3cret'));
        await store.close();
    });

    it('lists every invalid variable in one error, without the password', () => {
        assert.throws(
            () =>
                parseStoreConfig({
                    REDIS_URL: 'http://user:s3cret@host',
                    REDIS_KEY_PREFIX: 'a{b}',
                    REDIS_SHARD_COUNT: 'many',
                    STORE_LOG_MAX_LEN: '0',
                    STORE_OUTBOX_KEY_TTL_MS: '-1'
                }),
            (e: unknown) => {
                assert.ok(isConfigError(e));
                assert.equal(e.problems.length, 5);
                for (const name of [
                    'REDIS_URL',
                    'REDIS_KEY_PREFIX',
                    'REDIS_SHARD_COUNT',
                    'STORE_LOG_MAX_LEN',
                    'STORE_OUTBOX_KEY_TTL_MS'
                ]) {
                    assert.match(e.message, new RegExp(name));
                }
                assert.ok(!e.message.includes('s3cret'));
                return true;
            }
        );
    });

    it('reads a Redis Cluster from redis+cluster:// (seed nodes, user, password, TLS), never serialising the password', () => {
        const config = parseStoreConfig({
            REDIS_URL: 'rediss+cluster://bot:p%40ss%3Aword@10.0.0.1:7000,cache-2.example:7001,[::1]:7002'
        });
        assert.equal(config.kind, 'redis');
        if (config.kind !== 'redis') return;
        assert.deepEqual(config.cluster && { ...config.cluster, password: config.cluster.password?.reveal() }, {
            nodes: [
                { host: '10.0.0.1', port: 7000 },
                { host: 'cache-2.example', port: 7001 },
                { host: '::1', port: 7002 }
            ],
            tls: true,
            username: 'bot',
            password: 'p@ss:word'
        });
        assert.ok(!/p%40ss|p@ss/.test(JSON.stringify(config)));
        const plain = parseStoreConfig({ REDIS_URL: 'redis+cluster://127.0.0.1:7000' });
        assert.deepEqual(plain.kind === 'redis' && plain.cluster, {
            nodes: [{ host: '127.0.0.1', port: 7000 }],
            tls: false
        });
        const single = parseStoreConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
        assert.equal(single.kind === 'redis' && single.cluster, undefined, 'redis:// is one server');
    });

    it('refuses a cluster URL with a database, a path or a node without a port, without the password', () => {
        for (const url of [
            'redis+cluster://:s3cret@10.0.0.1:7000/2',
            'redis+cluster://:s3cret@10.0.0.1',
            'redis+cluster://:s3cret@10.0.0.1:7000,,10.0.0.2:99999',
            'redis+cluster://:s3cr%zzt@10.0.0.1:7000'
        ]) {
            assert.throws(
                () => parseStoreConfig({ REDIS_URL: url }),
                (e: unknown) =>
                    isConfigError(e) &&
                    e.problems.length === 1 &&
                    /REDIS_URL/.test(e.message) &&
                    !/s3cr/.test(e.message),
                url
            );
        }
    });

    it('never shows any part of a password, even one holding @ or /', () => {
        for (const password of ['s3cr@tP4ss', 'a/b@c', 'plain', '@@']) {
            const url = `redis://:${password}@cache.example:6380/2`;
            const shown = redactUrl(url);
            assert.equal(shown, 'redis://***@cache.example:6380/2');
            const serialised = JSON.stringify(parseStoreConfig({ REDIS_URL: url }));
            for (const part of password.split(/[@/]/).filter((p) => p.length >= 2)) {
                assert.doesNotMatch(serialised, new RegExp(part), `no "${part}" in ${serialised}`);
            }
        }
        assert.equal(redactUrl('redis://cache.example:6379'), 'redis://cache.example:6379');
    });
});

describe('openSharedStore', () => {
    it('opens the configured Redis store, and nothing for the memory store (it lives inside the bot)', async () => {
        assert.equal(openSharedStore(parseStoreConfig({})), undefined);
        const store = openSharedStore(
            parseStoreConfig({
                REDIS_URL: 'redis://127.0.0.1:6379',
                REDIS_KEY_PREFIX: 'test:shared:',
                REDIS_SHARD_COUNT: '4'
            })
        );
        assert.ok(store instanceof RedisAgentStateStore);
        assert.deepEqual(store.toJSON(), {
            keyPrefix: 'test:shared:',
            shardCount: 4,
            logMaxLen: 200_000,
            outboxKeyTtlMs: 604_800_000,
            pageSize: 1000
        });
        await store.close();
    });
});
