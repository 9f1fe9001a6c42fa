import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/kit/CircuitBreaker';
import { SuccessRateBreaker, type SuccessRateBreakerOptions } from '../../src/kit/SuccessRateBreaker';
import { FakeClock } from '../support/FakeClock';

/** A circuit on the success-rate strategy (the sync worker's), half-open after `pauseMs`. */
function successRateCircuit(
    clock: FakeClock,
    options: SuccessRateBreakerOptions & { pauseMs: number }
): CircuitBreaker {
    return new CircuitBreaker({ clock, strategy: new SuccessRateBreaker(options), halfOpenAfterMs: options.pauseMs });
}

/** A breaker opened by two failures, past its pause, with its half-open trial handed out. */
function breakerInTrial(): CircuitBreaker {
    const clock = new FakeClock();
    const b = successRateCircuit(clock, { minRequests: 2, pauseMs: 100 });
    b.record(false);
    b.record(false);
    clock.advance(100);
    assert.equal(b.acquire(), 'trial');
    return b;
}

describe('SuccessRateBreaker', () => {
    it('opens below the success rate, pauses, lets one trial through and closes on success', () => {
        const clock = new FakeClock();
        const b = successRateCircuit(clock, {
            minSuccessRate: 0.85,
            windowMs: 10_000,
            minRequests: 10,
            pauseMs: 5000
        });
        for (let i = 0; i < 8; i++) b.record(true);
        b.record(false);
        assert.equal(b.state, 'closed'); // 9 outcomes: not judged yet
        b.record(false); // 8/10 = 0.8 < 0.85
        assert.equal(b.state, 'open');
        assert.equal(b.tryPass(), false);
        assert.equal(b.waitMs(), 5000);
        clock.advance(5000);
        assert.equal(b.state, 'halfOpen');
        assert.equal(b.acquire(), 'trial');
        assert.equal(b.tryPass(), false);
        b.record(true, 'trial');
        assert.equal(b.state, 'closed');
        assert.equal(b.opens, 1);
    });
    it('re-opens when the trial fails, and forgets outcomes older than the window', () => {
        const clock = new FakeClock();
        const b = successRateCircuit(clock, { minRequests: 4, windowMs: 1000, pauseMs: 100 });
        for (let i = 0; i < 3; i++) b.record(false);
        clock.advance(2000);
        b.record(true);
        assert.equal(b.state, 'closed');
        for (let i = 0; i < 4; i++) b.record(false);
        assert.equal(b.state, 'open');
        clock.advance(100);
        assert.equal(b.acquire(), 'trial');
        b.record(false, 'trial');
        assert.equal(b.state, 'open');
        assert.equal(b.opens, 2);
    });
    it('lets a new trial through once the trial is released without an outcome', () => {
        const b = breakerInTrial();
        assert.equal(b.acquire(), undefined);
        b.release();
        assert.equal(b.state, 'halfOpen');
        assert.equal(b.waitMs(), 0);
        assert.equal(b.acquire(), 'trial');
    });
    it('is decided by the trial only, not by requests that were in flight when it opened', () => {
        const b = breakerInTrial();
        b.record(true); // a late reply of an older request
        assert.equal(b.state, 'halfOpen');
        assert.equal(b.acquire(), undefined, 'the trial is still out');
        b.record(true, 'trial');
        assert.equal(b.state, 'closed');
    });
});
