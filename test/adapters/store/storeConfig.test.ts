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
