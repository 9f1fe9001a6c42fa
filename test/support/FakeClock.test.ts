import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './FakeClock';

describe('FakeClock', () => {
    it('fires timers in due order at their own due times when advanced', () => {
        const clock = new FakeClock(1000);
        const seen: Array<[string, number]> = [];
        clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
        clock.setTimeout(() => seen.push(['a', clock.now()]), 10);
        const c = clock.setTimeout(() => seen.push(['c', clock.now()]), 15);
        clock.clearTimeout(c);
        clock.advance(30);
        assert.deepEqual(seen, [
            ['a', 1010],
            ['b', 1020]
        ]);
        assert.equal(clock.now(), 1030);
    });
});
