import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSyncConfig } from '../../src/sync/syncConfig';
import { isConfigError } from '../../src/kit/ConfigError';

const files: Record<string, string> = {
    'codes.json': JSON.stringify({ BREAK: { presenceDefinitionId: 'd1', targetCode: 'B' } }),
    'matrix.json': JSON.stringify({ default: 'allow', rules: [{ from: 'A', to: 'B', action: 'reject' }] }),
    'badmatrix.json': JSON.stringify({ default: 'maybe', rules: [{ from: 'A', to: 'B', action: 'repair' }] })
};
const read = (p: string): string => {
    if (!(p in files)) throw new Error(`ENOENT ${p}`);
    return files[p];
};
const TOKEN = 'a-very-secret-ingest-token';

describe('parseSyncConfig', () => {
    it('is off with defaults when SYNC_INGEST_TOKEN is unset', () => {
        const c = parseSyncConfig({}, read);
        assert.equal(c.enabled, false);
        assert.equal(c.target, 'presence');
        assert.equal(c.reconcileIntervalMs, 10_000);
        assert.equal(c.requestsPerMinute, 300);
        assert.ok(Object.isFrozen(c));
    });
    it('reads the files and the limits when on', () => {
        const c = parseSyncConfig(
            {
                SYNC_INGEST_TOKEN: TOKEN,
                SYNC_PRESENCE_SOURCE_ID: 'src',
                SYNC_REASON_CODES_FILE: 'codes.json',
                SYNC_TRANSITIONS_FILE: 'matrix.json',
                SYNC_TIME_ZONE: 'Europe/Paris',
                SYNC_RECONCILE_INTERVAL_MS: '5000',
                SYNC_BREAKER_MIN_SUCCESS_RATE: '0.9'
            },
            read
        );
        assert.equal(c.reasonCodes.BREAK.presenceDefinitionId, 'd1');
        assert.equal(c.transitions.rules.length, 1);
        assert.equal(c.reconcileIntervalMs, 5000);
        assert.equal(c.breakerMinSuccessRate, 0.9);
        assert.ok(!JSON.stringify(c).includes(TOKEN));
    });
    it('reads the primary-source settings: off and hourly by default', () => {
        const off = parseSyncConfig({}, read);
        assert.deepEqual([off.setPrimarySource, off.primaryCheckIntervalMs], [false, 3_600_000]);
        const on = parseSyncConfig({ SYNC_SET_PRIMARY_SOURCE: 'true', SYNC_PRIMARY_CHECK_INTERVAL_MS: '600000' }, read);
        assert.deepEqual([on.setPrimarySource, on.primaryCheckIntervalMs], [true, 600_000]);
        assert.throws(
            () => parseSyncConfig({ SYNC_SET_PRIMARY_SOURCE: 'maybe', SYNC_PRIMARY_CHECK_INTERVAL_MS: '5' }, read),
            (e: unknown) =>
                isConfigError(e) &&
                e.problems.some((p) => p.startsWith('SYNC_SET_PRIMARY_SOURCE')) &&
                e.problems.some((p) => p.startsWith('SYNC_PRIMARY_CHECK_INTERVAL_MS'))
        );
    });
    it('reads the dead-letter item cap (4096 chars) and the time window (1 day ahead, 35 days back)', () => {
        const d = parseSyncConfig({}, read);
        assert.deepEqual([d.deadLetterItemMaxChars, d.maxFutureMs, d.maxAgeMs], [4096, 86_400_000, 3_024_000_000]);
        const set = parseSyncConfig(
            { SYNC_DEAD_LETTER_ITEM_MAX_CHARS: '1000', SYNC_MAX_FUTURE_MS: '3600000', SYNC_MAX_AGE_MS: '7200000' },
            read
        );
        assert.deepEqual([set.deadLetterItemMaxChars, set.maxFutureMs, set.maxAgeMs], [1000, 3_600_000, 7_200_000]);
        assert.throws(
            () => parseSyncConfig({ SYNC_DEAD_LETTER_ITEM_MAX_CHARS: '10', SYNC_MAX_FUTURE_MS: '5' }, read),
            (e: unknown) =>
                isConfigError(e) &&
                e.problems.some((p) => p.startsWith('SYNC_DEAD_LETTER_ITEM_MAX_CHARS')) &&
                e.problems.some((p) => p.startsWith('SYNC_MAX_FUTURE_MS'))
        );
    });
    it('lists every problem in one error without the token', () => {
        try {
            parseSyncConfig(
                {
                    SYNC_INGEST_TOKEN: 'short-secret',
                    SYNC_TARGET: 'span',
                    SYNC_TRANSITIONS_FILE: 'badmatrix.json',
                    SYNC_TIME_ZONE: 'Mars/Olympus',
                    SYNC_MAX_BATCH: 'lots'
                },
                read
            );
            assert.fail('should throw');
        } catch (e) {
            assert.ok(isConfigError(e) && e.code === 'CONFIG_INVALID');
            for (const part of [
                'SYNC_INGEST_TOKEN',
                'SYNC_SPAN_URL',
                'SYNC_REASON_CODES_FILE',
                'SYNC_TIME_ZONE',
                'SYNC_MAX_BATCH',
                'default must be',
                'viaState'
            ])
                assert.match(e.message, new RegExp(part));
            assert.ok(!e.message.includes('short-secret'));
            // One item per problem, each on one line, for the app's list.
            assert.equal(e.problems?.length, 7);
            assert.ok(e.problems!.every((p) => !p.includes('\n') && !p.includes('short-secret')));
            assert.deepEqual(
                e.problems!.map((p) => p.split(/[ :]/)[0]),
                [
                    'SYNC_MAX_BATCH',
                    'SYNC_INGEST_TOKEN',
                    'SYNC_TIME_ZONE',
                    'SYNC_SPAN_URL',
                    'SYNC_REASON_CODES_FILE',
                    'SYNC_TRANSITIONS_FILE',
                    'SYNC_TRANSITIONS_FILE'
                ]
            );
        }
    });
});
