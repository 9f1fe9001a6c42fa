import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { Secret } from '../../src/kit/Secret';

describe('Secret', () => {
    it('reveals its value only through reveal()', () => {
        const s = new Secret('hunter2-value');
        assert.equal(s.reveal(), 'hunter2-value');
        for (const shown of [
            JSON.stringify(s),
            String(s),
            `${s}`,
            inspect(s),
            inspect({ nested: { s } }, { depth: 9 })
        ]) {
            assert.doesNotMatch(shown, /hunter2/);
            assert.match(shown, /\[redacted\]/);
        }
        assert.equal(Object.keys(s).length, 0, 'no enumerable field holds it');
    });

    it('shows the form it was given instead, e.g. a URL without its password', () => {
        const s = new Secret('redis://:pw@cache:6379', 'redis://***@cache:6379');
        assert.equal(JSON.stringify({ url: s }), '{"url":"redis://***@cache:6379"}');
        assert.equal(inspect(s), 'redis://***@cache:6379');
    });
});
