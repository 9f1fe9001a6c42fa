import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CodedError, hasBrand, type CodedErrorOptions } from '../../src/kit/CodedError';

const BRAND = Symbol.for('test.CodedError');

class ExampleError extends CodedError<'A' | 'B'> {
    constructor(code: 'A' | 'B', options: CodedErrorOptions = {}) {
        super(BRAND, code, `failed: ${code}`, options, code === 'A');
    }
}

describe('CodedError', () => {
    it('keeps the code, the message, the cause and the default retryability of the code', () => {
        const cause = new Error('root');
        const a = new ExampleError('A', { cause });
        assert.equal(a.code, 'A');
        assert.equal(a.message, 'failed: A');
        assert.equal(a.retryable, true);
        assert.equal(a.cause, cause);
        assert.equal(new ExampleError('B').retryable, false);
        assert.equal('cause' in new ExampleError('B'), false);
    });

    it('lets the options override the retryability', () => {
        assert.equal(new ExampleError('A', { retryable: false }).retryable, false);
        assert.equal(new ExampleError('B', { retryable: true }).retryable, true);
    });

    it('recognises its brand on any object carrying it (another copy of the module), nothing else', () => {
        assert.equal(hasBrand(new ExampleError('A'), BRAND), true);
        assert.equal(hasBrand({ [Symbol.for('test.CodedError')]: true }, BRAND), true);
        assert.equal(hasBrand(new Error('plain'), BRAND), false);
        assert.equal(hasBrand(new ExampleError('A'), Symbol.for('test.Other')), false);
        for (const v of [null, undefined, 'A', 1]) assert.equal(hasBrand(v, BRAND), false);
    });
});
