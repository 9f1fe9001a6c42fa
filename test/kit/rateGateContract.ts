import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { RateGate, RateGateLimits } from '../../src/kit/RateGate';

/** Teams' per-conversation windows and a small per-app budget, so the overall limit is reached quickly. */
export const TEST_LIMITS: RateGateLimits = {
    perKey: [
        { limit: 7, windowMs: 1_000 },
        { limit: 8, windowMs: 2_000 },
        { limit: 60, windowMs: 30_000 }
    ],
    overall: [{ limit: 20, windowMs: 1_000 }]
};

/**
 * What every {@link RateGate} guarantees. `gates(n, limits)` returns `n` gates sharing one set of limits (default
 * {@link TEST_LIMITS}; the instances of a fleet); in one process they may be the same object. Each test gets fresh gates.
 */
export function rateGateContract(
    gates: (n: number, limits?: RateGateLimits) => Promise<RateGate[]> | RateGate[]
): void {
    /** The wait alone (0 = taken). */
    const wait = async (g: RateGate, key: string, now: number) => (await g.acquire(key, now)).waitMs;

    it('allows the burst of each window, then waits until the oldest entry leaves it', async () => {
        const [g] = await gates(1);
        for (let i = 0; i < 7; i++) assert.equal(await wait(g, 'c', 0), 0);
        assert.deepEqual(
            await g.acquire('c', 0),
            { waitMs: 1_000, overall: false },
            'the 8th within 1 s waits for the first to leave'
        );
        assert.equal(await wait(g, 'c', 999), 1);
        assert.equal(await wait(g, 'c', 1_000), 0);
        assert.equal(await wait(g, 'c', 1_000), 1_000, 'the 9th hits 8 / 2 s');
        assert.equal(await wait(g, 'c', 2_000), 0);
    });

    it('keeps keys apart and shares the overall budget between them', async () => {
        const [g] = await gates(1);
        for (let k = 0; k < 4; k++) for (let i = 0; i < 5; i++) assert.equal(await wait(g, `k${k}`, 100), 0);
        assert.deepEqual(
            await g.acquire('k9', 100),
            { waitMs: 1_000, overall: true },
            'the 21st send in a second waits for the overall window'
        );
        assert.deepEqual(await g.acquire('k0', 100), { waitMs: 1_000, overall: true });
        assert.equal(await wait(g, 'k0', 1_100), 0);
    });

    it('shares the limits between every instance', async () => {
        const [a, b] = await gates(2);
        for (let i = 0; i < 4; i++) assert.equal(await wait(a, 'c', 0), 0);
        for (let i = 0; i < 3; i++) assert.equal(await wait(b, 'c', 10), 0);
        assert.ok((await wait(a, 'c', 20)) > 0, 'the 8th send in a second is refused whichever instance asks');
        assert.equal(await wait(b, 'c', 20), 980);
    });

    it('never exceeds any window over a long run of two instances', async () => {
        const [a, b] = await gates(2);
        const times: number[] = [];
        let now = 0;
        while (times.length < 150) {
            const [wa, wb] = [await wait(a, 'c', now), await wait(b, 'c', now)];
            if (wa === 0) times.push(now);
            if (wb === 0) times.push(now);
            if (wa > 0 && wb > 0) now += Math.min(wa, wb);
        }
        for (const w of TEST_LIMITS.perKey)
            for (let i = 0; i + w.limit < times.length; i++)
                assert.ok(times[i + w.limit] - times[i] >= w.windowMs, `${w.limit}/${w.windowMs} ms kept at ${i}`);
        assert.equal(times.length, 150);
    });

    it('a pause holds the key for every instance until it ends, and an earlier pause never shortens it', async () => {
        const [a, b] = await gates(2);
        await a.pause('c', 5_000, 0);
        await b.pause('c', 3_000, 0);
        assert.equal(await wait(b, 'c', 1_000), 4_000);
        assert.equal(await wait(a, 'other', 1_000), 0, 'other keys keep flowing');
        assert.equal(await wait(a, 'c', 5_000), 0);
    });

    it('a settled slot counts from when its operation ended, for every instance', async () => {
        const [a, b] = await gates(2);
        const slots: string[] = [];
        for (let i = 0; i < 7; i++) slots.push((await a.acquire('c', 0)).slot ?? '');
        assert.ok(slots.every(Boolean), 'a taken slot is named');
        for (const slot of slots) await a.settle('c', slot, 400);
        assert.deepEqual(await b.acquire('c', 1_000), { waitMs: 400, overall: false });
        assert.equal(await wait(b, 'c', 1_400), 0);
        await b.settle('c', 'no-such-slot', 5_000);
        assert.equal(await wait(a, 'c', 1_400), 1_000, 'an unknown slot changes nothing (8 / 2 s counts from 400)');
    });

    it('counts a slot not settled yet as in flight until inFlightMs after it was taken (a holder that died)', async () => {
        const [a, b] = await gates(2, { ...TEST_LIMITS, inFlightMs: 300 });
        const slots: string[] = [];
        for (let i = 0; i < 7; i++) slots.push((await a.acquire('c', 0)).slot ?? '');
        assert.deepEqual(
            await b.acquire('c', 1_000),
            { waitMs: 300, overall: false },
            'unsettled: counted from 300 ms'
        );
        for (const slot of slots) await a.settle('c', slot, 50);
        assert.equal(await wait(b, 'c', 1_050), 0, 'settled earlier: counted from 50 ms');
    });

    it('a refused acquire takes nothing', async () => {
        const [g] = await gates(1);
        await g.pause('c', 1_000, 0);
        for (let i = 0; i < 50; i++) assert.ok((await wait(g, 'c', 500)) > 0);
        for (let i = 0; i < 7; i++) assert.equal(await wait(g, 'c', 1_000), 0);
    });
}
