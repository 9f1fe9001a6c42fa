import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger, type Logger } from '../../src/kit/Logger';

describe('silentLogger', () => {
    it('takes every call of the port and writes nothing', (t) => {
        const write = t.mock.method(process.stdout, 'write');
        const logger: Logger = silentLogger();
        for (const level of ['debug', 'info', 'warn', 'error'] as const) logger[level]({ level }, 'nothing to see');
        assert.equal(write.mock.callCount(), 0);
    });
});
