import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dampener } from '../../../src/domain/adherence/Dampener';
import { back, MU, out, T0 } from '../../support/adherence';

const config = { windowMs: 60_000, burstThreshold: 5, burstWindowMs: 10_000 };

describe('Dampener', () => {
    it('passes ordinary traffic through', () => {
        const d = new Dampener(config);
        for (let i = 0; i < 5; i++) assert.equal(d.offer(out(T0, { userId: `a${i}` }), T0 + i), false);
        assert.equal(d.nextSettleAt(), undefined);
    });

    it('buffers a unit after an explicit schedule-change signal and settles the latest state per agent', () => {
        const d = new Dampener(config);
        d.signal(MU, T0);
        assert.equal(d.offer(out(T0, { userId: 'a' }), T0 + 1), true);
        assert.equal(d.offer(back(T0 + 5_000, { userId: 'a' }), T0 + 5_000), true);
        assert.equal(d.offer(out(T0 + 6_000, { userId: 'b' }), T0 + 6_000), true);
        assert.equal(
            d.offer(out(T0, { userId: 'c', managementUnitId: 'other' }), T0 + 6_000),
            false,
            'other units flow'
        );
        assert.deepEqual(d.settle(T0 + 59_999), []);
        assert.equal(d.nextSettleAt(), T0 + 60_000);
        const [batch] = d.settle(T0 + 60_000);
        assert.equal(batch.managementUnitId, MU);
        assert.deepEqual(
            batch.observations.map((o) => [o.userId, o.adherenceState]),
            [
                ['a', 'InAdherence'],
                ['b', 'OutOfAdherence']
            ]
        );
        assert.deepEqual(
            batch.dampened.map((o) => o.userId),
            ['a'],
            'a only appeared out during the republish'
        );
        assert.equal(d.isBuffering(MU), false);
    });

    it('detects a burst above the threshold within the burst window and buffers the rest of it', () => {
        const d = new Dampener(config);
        const results = [];
        for (let i = 0; i < 8; i++) results.push(d.offer(out(T0, { userId: `a${i}` }), T0 + i * 100));
        assert.deepEqual(results, [false, false, false, false, false, true, true, true]);
        assert.equal(d.nextSettleAt(), T0 + 500 + 60_000);
    });

    it('does not count changes spread over separate burst windows', () => {
        const d = new Dampener(config);
        for (let i = 0; i < 20; i++) assert.equal(d.offer(out(T0, { userId: `a${i}` }), T0 + i * 3_000), false);
    });

    it('keeps the newest observation when buffered events arrive out of order', () => {
        const d = new Dampener(config);
        d.signal(MU, T0);
        d.offer(back(T0 + 10_000, { userId: 'a' }), T0 + 10_000);
        d.offer(out(T0 + 1_000, { userId: 'a' }), T0 + 11_000);
        const [batch] = d.settle(T0 + 60_000);
        assert.equal(batch.observations[0].adherenceState, 'InAdherence');
    });

    it('holds only the agents a schedule change names, the others flowing, and widens to the unit on a signal without names', () => {
        const d = new Dampener(config);
        d.signal(MU, T0, ['a', 'b']);
        assert.equal(d.offer(out(T0, { userId: 'a' }), T0 + 1), true);
        assert.equal(d.offer(out(T0, { userId: 'c' }), T0 + 1), false, 'c is not named: nudged on time');
        d.signal(MU, T0 + 10_000, ['c']);
        assert.equal(d.offer(out(T0, { userId: 'c' }), T0 + 10_001), true, 'named by a later change');
        assert.equal(d.offer(out(T0, { userId: 'd' }), T0 + 10_001), false);
        assert.equal(d.nextSettleAt(), T0 + 70_000);
        d.signal(MU, T0 + 20_000);
        assert.equal(d.offer(out(T0, { userId: 'd' }), T0 + 20_001), true, 'a change without names holds the unit');
        const [batch] = d.settle(T0 + 80_000);
        assert.deepEqual(batch.observations.map((o) => o.userId).sort(), ['a', 'c', 'd']);
    });

    it('still holds the whole unit on a burst while only some agents are named', () => {
        const d = new Dampener(config);
        d.signal(MU, T0, ['a']);
        const results = [];
        for (let i = 0; i < 7; i++) results.push(d.offer(out(T0, { userId: `x${i}` }), T0 + i * 100));
        assert.deepEqual(results, [false, false, false, false, false, true, true]);
        assert.equal(d.offer(out(T0, { userId: 'y' }), T0 + 800), true);
    });
});
