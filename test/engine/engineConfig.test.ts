import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEngineConfig } from '../../src/engine/engineConfig';
import { ConfigError } from '../../src/kit/ConfigError';

describe('parseEngineConfig', () => {
    it('folds the engine queue beyond 100,000 events by default, or beyond ADHERENCE_MAX_QUEUED', () => {
        assert.equal(parseEngineConfig({}).maxQueued, 100_000);
        assert.equal(parseEngineConfig({ ADHERENCE_MAX_QUEUED: '250000' }).maxQueued, 250_000);
    });

    it('names each bad count as a count, not as milliseconds', () => {
        assert.throws(
            () => parseEngineConfig({ ADHERENCE_MAX_QUEUED: '10', ADHERENCE_BURST_THRESHOLD: 'many' }),
            (e: unknown) =>
                e instanceof ConfigError &&
                /ADHERENCE_MAX_QUEUED must be a whole number >= 100 \(got "10"\)/.test(e.message) &&
                /ADHERENCE_BURST_THRESHOLD must be a whole number >= 1 \(got "many"\)/.test(e.message)
        );
    });

    it('defers nudges and alerts while interacting by default; ADHERENCE_DEFER_WHILE_INTERACTING=false turns it off', () => {
        assert.equal(parseEngineConfig({}).policy.deferWhileInteracting, true);
        assert.equal(
            parseEngineConfig({ ADHERENCE_DEFER_WHILE_INTERACTING: 'false' }).policy.deferWhileInteracting,
            false
        );
        assert.throws(() => parseEngineConfig({ ADHERENCE_DEFER_WHILE_INTERACTING: 'maybe' }), ConfigError);
    });
});
