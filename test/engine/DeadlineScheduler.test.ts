import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineScheduler } from '../../src/engine/DeadlineScheduler';
import { FakeClock } from '../support/FakeClock';

describe('DeadlineScheduler', () => {
    it('fires each deadline at its due time with a single clock timer, whatever else happens', () => {
        const clock = new FakeClock(0);
        const fired: Array<[number, string[]]> = [];
        const s = new DeadlineScheduler(clock, (ids) => fired.push([clock.now(), ids]));
        s.arm('a', 300);
        s.arm('b', 100);
        s.arm('c', 100);
        s.arm('d', 200);
        assert.equal(clock.pendingCount, 1, 'one timer for all agents');
        clock.advance(1000);
        assert.deepEqual(fired, [
            [100, ['b', 'c']],
            [200, ['d']],
            [300, ['a']]
        ]);
        assert.equal(s.size, 0);
    });

    it('keeps at most one deadline per agent: re-arming moves it, cancel drops it', () => {
        const clock = new FakeClock(0);
        const fired: string[] = [];
        const s = new DeadlineScheduler(clock, (ids) => fired.push(...ids.map((id) => `${id}@${clock.now()}`)));
        s.arm('a', 100);
        s.arm('a', 500);
        s.arm('b', 200);
        s.cancel('b');
        clock.advance(1000);
        assert.deepEqual(fired, ['a@500']);
    });

    it('fires overdue deadlines at once when armed from persisted due times (restart)', () => {
        const clock = new FakeClock(10_000);
        const fired: Array<[number, string[]]> = [];
        const s = new DeadlineScheduler(clock, (ids) => fired.push([clock.now(), ids]));
        s.armAll([
            { userId: 'late', dueAt: 4_000 },
            { userId: 'later', dueAt: 12_000 }
        ]);
        clock.advance(0);
        assert.deepEqual(fired, [[10_000, ['late']]]);
        clock.advance(2_000);
        assert.deepEqual(fired[1], [12_000, ['later']]);
    });

    it('handles deadlines far in the future without overflowing the platform timer', () => {
        const clock = new FakeClock(0);
        const fired: number[] = [];
        const s = new DeadlineScheduler(clock, () => fired.push(clock.now()));
        s.arm('x', 40 * 24 * 3600_000);
        clock.advance(40 * 24 * 3600_000);
        assert.deepEqual(fired, [40 * 24 * 3600_000]);
    });

    it('stays small when agents are re-armed many times (lazy deletion compacts)', () => {
        const clock = new FakeClock(0);
        const s = new DeadlineScheduler(clock, () => undefined);
        for (let i = 0; i < 10_000; i++) s.arm(`a${i % 10}`, 1_000 + i);
        assert.equal(s.size, 10);
        assert.ok((s as unknown as { heapIds: string[] }).heapIds.length <= 130);
    });

    it('fires nothing after stop', () => {
        const clock = new FakeClock(0);
        let fired = 0;
        const s = new DeadlineScheduler(clock, () => fired++);
        s.arm('a', 10);
        s.stop();
        clock.advance(100);
        assert.equal(fired, 0);
        assert.equal(clock.pendingCount, 0);
    });
});
