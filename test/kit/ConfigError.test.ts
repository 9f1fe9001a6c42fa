import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, isConfigError } from '../../src/kit/ConfigError';

describe('ConfigError', () => {
    it('carries the code CONFIG_INVALID and every problem, in its list and its message', () => {
        const e = new ConfigError(['PORT must be a whole number (got "x")', 'LOG_LEVEL must be info or debug']);
        assert.equal(e.code, 'CONFIG_INVALID');
        assert.equal(e.name, 'ConfigError');
        assert.deepEqual(e.problems, ['PORT must be a whole number (got "x")', 'LOG_LEVEL must be info or debug']);
        assert.ok(Object.isFrozen(e.problems));
        assert.equal(
            e.message,
            'Invalid configuration (2 problems):\n  - PORT must be a whole number (got "x")\n  - LOG_LEVEL must be info or debug'
        );
        assert.match(new ConfigError(['one']).message, /^Invalid configuration \(1 problem\):/);
    });

    it('is recognised by its guard, and other errors are not', () => {
        assert.equal(isConfigError(new ConfigError(['x'])), true);
        assert.equal(isConfigError(Object.assign(new Error('x'), { code: 'CONFIG_INVALID' })), false);
        assert.equal(isConfigError(undefined), false);
        assert.equal(isConfigError('CONFIG_INVALID'), false);
    });
});
