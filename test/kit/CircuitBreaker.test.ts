import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BrokenCircuitError, CircuitBreaker, type CircuitBreakerOptions } from '../../src/kit/CircuitBreaker';
import { ConsecutiveBreaker } from '../../src/kit/ConsecutiveBreaker';
import { FakeClock } from '../support/FakeClock';

class ClientMistake extends Error {}

/** Opens after two failures in a row, half-open after 1 s; client mistakes do not count. */
function circuit(clock: FakeClock, more: Partial<CircuitBreakerOptions> = {}): CircuitBreaker {
    return new CircuitBreaker({
        clock,
        strategy: new ConsecutiveBreaker(2),
        halfOpenAfterMs: 1_000,
        isFailure: (e) => !(e instanceof ClientMistake),
        ...more
    });
}

const fail =
    (error: Error = new Error('down')) =>
    () =>
        Promise.reject(error);

describe('ConsecutiveBreaker', () => {
    it('opens after the threshold of failures in a row; a success starts the count again', () => {
        const s = new ConsecutiveBreaker(3);
        assert.equal(s.record(false), false);
        assert.equal(s.record(false), false);
        assert.equal(s.record(true), false);
        assert.equal(s.record(false), false);
        assert.equal(s.record(false), false);
        assert.equal(s.record(false), true);
        s.reset();
        assert.equal(s.record(false), false);
    });

    it('refuses a threshold below 1', () => {
        assert.throws(() => new ConsecutiveBreaker(0), RangeError);
    });
});

describe('CircuitBreaker', () => {
    it('refuses calls while open with the time until the trial, then lets exactly one trial through', async () => {
        const clock = new FakeClock();
        const b = circuit(clock);
        await assert.rejects(b.execute(fail()));
        await assert.rejects(b.execute(fail()));
        assert.equal(b.state, 'open');
        assert.equal(b.opens, 1);
        clock.advance(400);
        let ran = false;
        await assert.rejects(
            b.execute(async () => void (ran = true)),
            (e: unknown) => e instanceof BrokenCircuitError && e.code === 'CIRCUIT_OPEN' && e.retryInMs === 600
        );
        assert.equal(ran, false);
        assert.equal(b.waitMs(), 600);
        clock.advance(600);
        assert.equal(b.state, 'halfOpen');
        let release!: () => void;
        const trial = b.execute(() => new Promise<string>((r) => (release = () => r('ok'))));
        await assert.rejects(
            b.execute(async () => 'second'),
            (e: unknown) => (e as BrokenCircuitError).retryInMs === 0
        );
        assert.equal(b.waitMs(), 1_000, 'a trial is out: wait a whole pause');
        release();
        assert.equal(await trial, 'ok');
        assert.equal(b.state, 'closed');
    });

    it('maps a refusal through openError', async () => {
        const clock = new FakeClock();
        const b = circuit(clock, { openError: (ms) => new Error(`open for ${ms} ms`) });
        await assert.rejects(b.execute(fail()));
        await assert.rejects(b.execute(fail()));
        await assert.rejects(
            b.execute(async () => 1),
            /open for 1000 ms/
        );
    });

    it('does not count failures isFailure leaves out, and closes when the trial ends in one', async () => {
        const clock = new FakeClock();
        const b = circuit(clock);
        await assert.rejects(b.execute(fail()));
        for (let i = 0; i < 5; i++) await assert.rejects(b.execute(fail(new ClientMistake())));
        await assert.rejects(b.execute(fail()));
        assert.equal(b.state, 'open', 'client mistakes neither count nor reset the run of failures');
        clock.advance(1_000);
        await assert.rejects(b.execute(fail(new ClientMistake())));
        assert.equal(b.state, 'closed', 'the service answered the trial');
        await assert.rejects(b.execute(fail()));
        assert.equal(b.state, 'closed', 'the strategy starts afresh after closing');
    });

    it('re-opens for a whole pause when the trial fails', async () => {
        const clock = new FakeClock();
        const b = circuit(clock);
        await assert.rejects(b.execute(fail()));
        await assert.rejects(b.execute(fail()));
        clock.advance(1_000);
        await assert.rejects(b.execute(fail()));
        assert.equal(b.state, 'open');
        assert.equal(b.opens, 2);
        assert.equal(b.waitMs(), 1_000);
    });

    it('ignores outcomes of calls that were in flight when it opened', async () => {
        const clock = new FakeClock();
        const b = circuit(clock);
        let late!: () => void;
        const inFlight = b.execute(() => new Promise<void>((r) => (late = r)));
        await assert.rejects(b.execute(fail()));
        await assert.rejects(b.execute(fail()));
        assert.equal(b.state, 'open');
        late();
        await inFlight;
        assert.equal(b.state, 'open', 'a late success does not close it');
    });

    it('gives a trial back with release() when the call ended without an outcome', () => {
        const clock = new FakeClock();
        const b = circuit(clock);
        b.record(false);
        b.record(false);
        clock.advance(1_000);
        assert.equal(b.acquire(), 'trial');
        assert.equal(b.acquire(), undefined);
        b.release();
        assert.equal(b.acquire(), 'trial');
    });
});
