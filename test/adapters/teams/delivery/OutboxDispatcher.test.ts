import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OutboxDispatcher } from '../../../../src/adapters/teams/delivery/OutboxDispatcher';
import type { Deliverer, Route } from '../../../../src/adapters/teams/delivery/ports';
import type { DeliveryError } from '../../../../src/adapters/teams/delivery/DeliveryError';
import { deliveryErrorFromStatus, notReady } from '../../../../src/adapters/teams/delivery/DeliveryError';
import { parseRetryAfterMs } from '../../../../src/kit/retryAfter';
import { MemoryAgentStateStore } from '../../../../src/adapters/memory/MemoryAgentStateStore';
import { MemoryBotStore } from '../../../../src/adapters/teams/MemoryBotStore';
import type { Notification } from '../../../../src/domain/adherence/types';
import type { StateChange } from '../../../../src/engine/ports';
import { FakeClock } from '../../../support/FakeClock';
import { LocalRateGate, type RateGate } from '../../../../src/kit/RateGate';

function nudge(userId: string, at: number): Notification {
    return {
        kind: 'nudge',
        key: `${userId}@1:nudge`,
        at,
        episode: { id: `${userId}@1`, userId, managementUnitId: 'mu', startedAt: at, impact: 'Negative' }
    };
}

/** A fake clock and a memory store whose outbox holds one nudge per agent id, all due at the start. */
async function outboxOf(
    ...userIds: string[]
): Promise<{ clock: FakeClock; store: MemoryAgentStateStore; start: number }> {
    const clock = new FakeClock();
    const store = new MemoryAgentStateStore();
    const start = clock.now();
    const changes: StateChange[] = userIds.map((userId) => ({
        userId,
        expectedVersion: 0,
        record: { userId, version: 1, lastChangeAt: start, managementUnitId: 'mu', state: { status: 'adherent' } },
        dueAt: null,
        log: [],
        outbox: [nudge(userId, start)]
    }));
    const results = await store.commit(changes);
    assert.ok(results.every((r) => r.ok));
    return { clock, store, start };
}

/** A deliverer whose routes and failures are scripted; records sends with the fake time. */
class ScriptedDeliverer implements Deliverer {
    sends: Array<{ key: string; conv: string; at: number }> = [];
    failures = new Map<string, DeliveryError[]>();
    forbiddenCalls: string[] = [];
    abandonedKeys: string[] = [];
    constructor(
        private readonly clock: FakeClock,
        private readonly routeOf: (n: Notification) => Route = (n) => ({ conversationKey: `conv-${n.episode.userId}` })
    ) {}
    async route(n: Notification): Promise<Route> {
        return this.routeOf(n);
    }
    async send(n: Notification, conv: string): Promise<void> {
        const queue = this.failures.get(conv);
        const failure = queue?.shift();
        if (failure) throw failure;
        this.sends.push({ key: n.key, conv, at: this.clock.now() });
    }
    async forbidden(_n: Notification, conv: string): Promise<void> {
        this.forbiddenCalls.push(conv);
    }
    async abandoned(n: Notification): Promise<void> {
        this.abandonedKeys.push(n.key);
    }
}

/** Advance the clock `ms` in steps, letting each dispatcher (one instance or several) settle after every step. */
async function run(clock: FakeClock, d: OutboxDispatcher | OutboxDispatcher[], ms: number, step = 50): Promise<void> {
    const all = Array.isArray(d) ? d : [d];
    for (let t = 0; t < ms; t += step) {
        clock.advance(step);
        for (const x of all) await x.idle();
    }
}

describe('OutboxDispatcher', () => {
    it('sends each due entry once and removes it from the outbox', async () => {
        const { clock, store } = await outboxOf('a', 'b');
        const d = new ScriptedDeliverer(clock);
        const dispatcher = new OutboxDispatcher({ store, deliverer: d, clock, random: () => 0.5 });
        dispatcher.start();
        await run(clock, dispatcher, 3_000);
        assert.deepEqual(d.sends.map((s) => s.key).sort(), ['a@1:nudge', 'b@1:nudge']);
        assert.equal((await store.dueOutbox(clock.now(), 10)).length, 0);
        await dispatcher.stop();
    });

    it('respects the per-app limit on the injected clock', async () => {
        const { clock, store, start } = await outboxOf(...Array.from({ length: 30 }, (_, i) => `u${i}`));
        const d = new ScriptedDeliverer(clock);
        const dispatcher = new OutboxDispatcher({
            store,
            deliverer: d,
            clock,
            random: () => 0.5,
            limits: { perConversation: [{ limit: 7, windowMs: 1_000 }], perApp: [{ limit: 10, windowMs: 1_000 }] }
        });
        dispatcher.start();
        await run(clock, dispatcher, 4_000);
        assert.equal(d.sends.length, 30);
        for (let i = 0; i + 10 < d.sends.length; i++)
            assert.ok(d.sends[i + 10].at - d.sends[i].at >= 1_000, 'never more than 10 per second');
        assert.ok(
            d.sends[29].at - start >= 2_000 && d.sends[29].at - start < 2_100,
            'and not much slower than allowed'
        );
        await dispatcher.stop();
    });

    it('keeps other conversations flowing while one is throttled, and honours Retry-After', async () => {
        const { clock, store, start } = await outboxOf('slow', 'fast1', 'fast2');
        const d = new ScriptedDeliverer(clock);
        d.failures.set('conv-slow', [deliveryErrorFromStatus(429, '5')]);
        const dispatcher = new OutboxDispatcher({ store, deliverer: d, clock, random: () => 0 });
        dispatcher.start();
        await run(clock, dispatcher, 1_000);
        assert.deepEqual(
            d.sends.map((s) => s.conv).sort(),
            ['conv-fast1', 'conv-fast2'],
            'the others went out at once'
        );
        await run(clock, dispatcher, 3_500);
        assert.equal(d.sends.length, 2, 'the throttled one waits for Retry-After (5 s)');
        await run(clock, dispatcher, 1_500);
        const slow = d.sends.find((s) => s.conv === 'conv-slow');
        assert.ok(slow, 'sent after Retry-After');
        assert.ok(slow.at - start >= 5_000);
        await dispatcher.stop();
    });

    it('retries 5xx with backoff, then abandons after maxAttempts', async () => {
        const { clock, store } = await outboxOf('x');
        const d = new ScriptedDeliverer(clock);
        d.failures.set(
            'conv-x',
            Array.from({ length: 5 }, () => deliveryErrorFromStatus(503))
        );
        const dropped: string[] = [];
        const dispatcher = new OutboxDispatcher({
            store,
            deliverer: d,
            clock,
            random: () => 0.5,
            maxAttempts: 3,
            backoff: { initialMs: 100, maxMs: 1_000 },
            metrics: { dropped: (r) => dropped.push(r) }
        });
        dispatcher.start();
        await run(clock, dispatcher, 5_000);
        assert.equal(d.sends.length, 0);
        assert.deepEqual(dropped, ['max-attempts']);
        assert.deepEqual(d.abandonedKeys, ['x@1:nudge'], 'the deliverer hears once that it was given up');
        assert.equal((await store.dueOutbox(clock.now(), 10)).length, 0, 'abandoned entries leave the outbox');
        await dispatcher.stop();
    });

    it('sets a not-ready entry aside without holding up its conversation, and retries it within the budget', async () => {
        const { clock, store, start } = await outboxOf('first', 'second');
        const d = new ScriptedDeliverer(clock, () => ({ conversationKey: 'conv-1' }));
        d.failures.set('conv-1', [notReady('waits for another entry')]);
        const dropped: string[] = [];
        const dispatcher = new OutboxDispatcher({
            store,
            deliverer: d,
            clock,
            random: () => 0.5,
            backoff: { initialMs: 1_000, maxMs: 10_000 },
            metrics: { dropped: (r) => dropped.push(r) }
        });
        dispatcher.start();
        await run(clock, dispatcher, 200);
        assert.deepEqual(
            d.sends.map((s) => s.key),
            ['second@1:nudge'],
            'the next entry of the conversation is not blocked by the backoff'
        );
        await run(clock, dispatcher, 3_000);
        assert.deepEqual(
            d.sends.map((s) => s.key),
            ['second@1:nudge', 'first@1:nudge']
        );
        assert.ok(d.sends[1].at - start >= 750, 'retried after the backoff');
        assert.deepEqual(dropped, []);
        assert.equal((await store.dueOutbox(clock.now(), 10)).length, 0);
        await dispatcher.stop();
    });

    it('retries an error that is not a Teams answer (a directory or store blip) instead of dropping the entry', async () => {
        const { clock, store, start } = await outboxOf('x', 'y');
        const d = new ScriptedDeliverer(clock);
        d.failures.set('conv-x', [new Error('GENESYS_UNAVAILABLE 503') as DeliveryError]);
        d.failures.set(
            'conv-y',
            Array.from({ length: 5 }, () => new Error('redis down') as DeliveryError)
        );
        const dropped: string[] = [];
        const failed: string[] = [];
        const dispatcher = new OutboxDispatcher({
            store,
            deliverer: d,
            clock,
            random: () => 0.5,
            maxAttempts: 3,
            backoff: { initialMs: 100, maxMs: 1_000 },
            metrics: { dropped: (r) => dropped.push(r), failed: (c) => failed.push(c) }
        });
        dispatcher.start();
        await run(clock, dispatcher, 5_000);
        assert.deepEqual(
            d.sends.map((s) => s.key),
            ['x@1:nudge'],
            'sent on the retry'
        );
        assert.ok(d.sends[0].at - start >= 50, 'after a backoff');
        assert.deepEqual(dropped, ['max-attempts'], 'still bounded by the retry budget');
        assert.deepEqual(failed, ['INTERNAL', 'INTERNAL', 'INTERNAL', 'INTERNAL']);
        await dispatcher.stop();
    });

    it('drops the reference on 403 and does not retry', async () => {
        const { clock, store } = await outboxOf('gone');
        const d = new ScriptedDeliverer(clock);
        d.failures.set('conv-gone', [deliveryErrorFromStatus(403)]);
        const dispatcher = new OutboxDispatcher({ store, deliverer: d, clock, random: () => 0.5 });
        dispatcher.start();
        await run(clock, dispatcher, 3_000);
        assert.deepEqual(d.forbiddenCalls, ['conv-gone']);
        assert.equal(d.sends.length, 0);
        assert.equal((await store.dueOutbox(clock.now(), 10)).length, 0);
        await dispatcher.stop();
    });

    it('drops entries without a route', async () => {
        const { clock, store } = await outboxOf('nobody');
        const d = new ScriptedDeliverer(clock, () => ({ drop: 'no-personal-conversation' }));
        const dropped: string[] = [];
        const dispatcher = new OutboxDispatcher({
            store,
            deliverer: d,
            clock,
            random: () => 0.5,
            metrics: { dropped: (r) => dropped.push(r) }
        });
        dispatcher.start();
        await run(clock, dispatcher, 1_000);
        assert.deepEqual(dropped, ['no-personal-conversation']);
        await dispatcher.stop();
    });

    it('never sends twice when a restart happens after the send and before the outbox removal', async () => {
        const { clock, store } = await outboxOf('a');
        const claims = new MemoryBotStore(clock);
        // The first instance sent and marked it delivered, then died before ackOutbox.
        assert.equal(await claims.claimDelivery('a@1:nudge', 'old', 60_000), 'claimed');
        await claims.completeDelivery('a@1:nudge');
        const d = new ScriptedDeliverer(clock);
        const dispatcher = new OutboxDispatcher({
            store,
            deliverer: d,
            clock,
            random: () => 0.5,
            claims,
            instanceId: 'new'
        });
        dispatcher.start();
        await run(clock, dispatcher, 2_000);
        assert.equal(d.sends.length, 0);
        assert.equal((await store.dueOutbox(clock.now(), 10)).length, 0);
        await dispatcher.stop();
    });

    it('waits for the lease of an instance that died mid-send, then sends once', async () => {
        const { clock, store } = await outboxOf('a');
        const claims = new MemoryBotStore(clock);
        await claims.claimDelivery('a@1:nudge', 'dead', 5_000);
        const d = new ScriptedDeliverer(clock);
        const dispatcher = new OutboxDispatcher({
            store,
            deliverer: d,
            clock,
            random: () => 0.5,
            claims,
            instanceId: 'new',
            pollMs: 1_000
        });
        dispatcher.start();
        await run(clock, dispatcher, 3_000);
        assert.equal(d.sends.length, 0, 'the other instance still holds the lease');
        await run(clock, dispatcher, 4_000);
        assert.equal(d.sends.length, 1);
        await dispatcher.stop();
    });

    it('sends each entry once with two instances even when entries wait in a throttled queue longer than the lease', async () => {
        const { clock, store } = await outboxOf(...Array.from({ length: 60 }, (_, i) => `u${i}`));
        const claims = new MemoryBotStore(clock); // shared, like Redis
        const d = new ScriptedDeliverer(clock, () => ({ conversationKey: '19:supervisors' }));
        const options = {
            store,
            deliverer: d,
            clock,
            random: () => 0.5,
            claims,
            claimLeaseMs: 5_000,
            limits: { perConversation: [{ limit: 2, windowMs: 1_000 }], perApp: [{ limit: 50, windowMs: 1_000 }] }
        };
        const a = new OutboxDispatcher({ ...options, instanceId: 'A' });
        const b = new OutboxDispatcher({ ...options, instanceId: 'B' });
        a.start();
        await a.idle();
        b.start();
        await run(clock, [a, b], 40_000, 100);
        await a.stop();
        await b.stop();
        const counts = new Map<string, number>();
        for (const s of d.sends) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
        assert.equal(counts.size, 60, 'every entry went out');
        assert.deepEqual(
            [...counts].filter(([, n]) => n > 1),
            [],
            'none twice'
        );
        assert.equal((await store.dueOutbox(clock.now(), 100)).length, 0);
    });

    it('keeps its claim through a Retry-After longer than the lease, so no other instance sends early', async () => {
        const { clock, store, start } = await outboxOf('a');
        const claims = new MemoryBotStore(clock);
        const sent: Array<{ by: string; at: number }> = [];
        const deliverer = (name: string, failures: number): Deliverer => ({
            route: async () => ({ conversationKey: 'conv' }),
            send: async () => {
                if (failures-- > 0) throw deliveryErrorFromStatus(503, '20');
                sent.push({ by: name, at: clock.now() });
            }
        });
        // A's store cannot persist the retry time (a blip), so the entry stays due in the outbox for B to read.
        const blip = {
            dueOutbox: store.dueOutbox.bind(store),
            ackOutbox: store.ackOutbox.bind(store),
            retryOutbox: async () => {
                throw new Error('store unavailable');
            }
        };
        const common = { clock, random: () => 0.5, claims, claimLeaseMs: 5_000, pollMs: 1_000 };
        const a = new OutboxDispatcher({ ...common, store: blip, deliverer: deliverer('A', 1), instanceId: 'A' });
        const b = new OutboxDispatcher({ ...common, store, deliverer: deliverer('B', 0), instanceId: 'B' });
        a.start();
        await a.idle();
        b.start();
        await run(clock, [a, b], 30_000, 100);
        await a.stop();
        await b.stop();
        assert.equal(sent.length, 1);
        assert.equal(sent[0].by, 'A', 'the owner retried it');
        assert.ok(sent[0].at - start >= 20_000, 'not before Retry-After');
    });
});

describe('OutboxDispatcher in a fleet (one rate gate, one claims store)', () => {
    const limits = {
        perConversation: [
            { limit: 7, windowMs: 1_000 },
            { limit: 8, windowMs: 2_000 }
        ],
        perApp: [{ limit: 10, windowMs: 1_000 }]
    };
    /** Two instances sharing the outbox, the claims and one gate (as on Redis), each with its own deliverer. */
    function fleetOf(clock: FakeClock, store: MemoryAgentStateStore, gate: RateGate, deliverers: Deliverer[]) {
        const claims = new MemoryBotStore(clock);
        return deliverers.map(
            (deliverer, i) =>
                new OutboxDispatcher({
                    store,
                    deliverer,
                    clock,
                    random: () => 0.5,
                    claims,
                    gate,
                    instanceId: `i${i}`,
                    pollMs: 500
                })
        );
    }

    it('two instances together stay within the per-app limit, send each entry once, and use the budget', async () => {
        const { clock, store, start } = await outboxOf(...Array.from({ length: 60 }, (_, i) => `u${i}`));
        const d = new ScriptedDeliverer(clock);
        const fleet = fleetOf(
            clock,
            store,
            new LocalRateGate({ perKey: limits.perConversation, overall: limits.perApp }),
            [d, d]
        );
        for (const x of fleet) x.start();
        await run(clock, fleet, 8_000);
        for (const x of fleet) await x.stop();
        assert.deepEqual(new Set(d.sends.map((s) => s.key)).size, 60);
        assert.equal(d.sends.length, 60, 'none twice');
        for (let i = 0; i + 10 < d.sends.length; i++)
            assert.ok(d.sends[i + 10].at - d.sends[i].at >= 1_000, 'never more than 10 per second over both');
        assert.ok(d.sends[59].at - start < 5_200, `as fast as allowed (last at ${d.sends[59].at - start} ms)`);
    });

    it('keeps one conversation in outbox order across two instances', async () => {
        const clock = new FakeClock();
        const store = new MemoryAgentStateStore();
        const start = clock.now();
        for (let i = 0; i < 20; i++) {
            const userId = `u${String(i).padStart(2, '0')}`;
            await store.commit([
                {
                    userId,
                    expectedVersion: 0,
                    record: {
                        userId,
                        version: 1,
                        lastChangeAt: start,
                        managementUnitId: 'mu',
                        state: { status: 'adherent' }
                    },
                    dueAt: null,
                    log: [],
                    outbox: [nudge(userId, start + i)]
                }
            ]);
        }
        const sends: Array<{ key: string; by: number }> = [];
        const deliverer = (by: number): Deliverer => ({
            route: async () => ({ conversationKey: '19:channel' }),
            send: async (n) => void sends.push({ key: n.key, by })
        });
        const gate = new LocalRateGate({ perKey: limits.perConversation, overall: limits.perApp });
        const fleet = fleetOf(clock, store, gate, [deliverer(0), deliverer(1)]);
        clock.advance(100);
        for (const x of fleet) x.start();
        await run(clock, fleet, 10_000);
        for (const x of fleet) await x.stop();
        assert.deepEqual(
            sends.map((s) => s.key),
            Array.from({ length: 20 }, (_, i) => `u${String(i).padStart(2, '0')}@1:nudge`)
        );
    });

    it('a 429 pauses the conversation in the shared gate until Retry-After, for every instance', async () => {
        const { clock, store, start } = await outboxOf('slow', 'fast');
        const gate = new LocalRateGate({ perKey: limits.perConversation, overall: limits.perApp });
        const a = new ScriptedDeliverer(clock);
        a.failures.set('conv-slow', [deliveryErrorFromStatus(429, '4')]);
        const fleet = fleetOf(clock, store, gate, [a, new ScriptedDeliverer(clock)]);
        fleet[0].start();
        await run(clock, fleet, 200);
        const other = await gate.acquire('conv-slow', clock.now());
        assert.ok(other.waitMs >= 3_700, `another instance must wait for Retry-After (waits ${other.waitMs} ms)`);
        assert.equal(other.overall, false);
        assert.equal((await gate.acquire('conv-other', clock.now())).waitMs, 0, 'other conversations keep flowing');
        fleet[1].start();
        await run(clock, fleet, 6_000);
        for (const x of fleet) await x.stop();
        const slow = a.sends.find((s) => s.conv === 'conv-slow');
        assert.ok(slow && slow.at - start >= 4_000, 'sent once Retry-After has passed');
    });

    it('a send whose completion cannot be written (Redis cut) is recorded once back, within the lease: never sent again', async () => {
        const { clock, store } = await outboxOf('a');
        const claims = new MemoryBotStore(clock);
        let down = false;
        const cut = Object.assign(Object.create(claims) as MemoryBotStore, {
            claimDelivery: async (key: string, owner: string, leaseMs: number) => {
                if (down) throw new Error('Connection is closed.');
                return claims.claimDelivery(key, owner, leaseMs);
            },
            completeDelivery: async (key: string) => {
                if (down) throw new Error('Connection is closed.');
                return claims.completeDelivery(key);
            }
        });
        const sends: string[] = [];
        const deliverer = (by: string): Deliverer => ({
            route: async () => ({ conversationKey: 'conv' }),
            send: async () => {
                sends.push(by);
                if (by === 'A') down = true; // the cut starts while A's request is on its way
            }
        });
        const gate = new LocalRateGate({ perKey: limits.perConversation, overall: limits.perApp });
        const common = { store, clock, random: () => 0.5, gate, claimLeaseMs: 12_000, pollMs: 500 };
        const a = new OutboxDispatcher({ ...common, claims: cut, deliverer: deliverer('A'), instanceId: 'A' });
        const b = new OutboxDispatcher({ ...common, claims, deliverer: deliverer('B'), instanceId: 'B' });
        // A's completion retries on the clock, so only B is awaited idle; A gets a turn of the event loop per step.
        const step = async (ms: number) => {
            for (let t = 0; t < ms; t += 50) {
                clock.advance(50);
                await b.idle();
                await new Promise((r) => setImmediate(r));
            }
        };
        a.start();
        await step(100);
        assert.deepEqual(sends, ['A']);
        b.start();
        await step(10_000);
        down = false;
        await step(20_000);
        await a.stop();
        await b.stop();
        assert.deepEqual(sends, ['A'], 'B never sends what A sent before the cut');
        assert.equal(await claims.claimDelivery('a@1:nudge', 'C', 1_000), 'done');
    });

    it('holds the conversation while the gate or the claims store is unreachable, then sends once', async () => {
        const { clock, store } = await outboxOf('a', 'b');
        const local = new LocalRateGate({ perKey: limits.perConversation, overall: limits.perApp });
        let down = true;
        const flaky: RateGate = {
            acquire: async (k, now) => {
                if (down) throw new Error('Connection is closed.');
                return local.acquire(k, now);
            },
            pause: (k, until, now) => local.pause(k, until, now),
            settle: (k, slot, at) => local.settle(k, slot, at)
        };
        const d = new ScriptedDeliverer(clock);
        const [x] = fleetOf(clock, store, flaky, [d]);
        x.start();
        await run(clock, x, 3_000);
        assert.equal(d.sends.length, 0, 'nothing sent without a slot');
        down = false;
        await run(clock, x, 2_000);
        await x.stop();
        assert.deepEqual(d.sends.map((s) => s.key).sort(), ['a@1:nudge', 'b@1:nudge']);
        assert.equal((await store.dueOutbox(clock.now(), 10)).length, 0);
    });
});

describe('DeliveryError', () => {
    it('classifies statuses and reads Retry-After', () => {
        assert.equal(deliveryErrorFromStatus(429, '2').retryAfterMs, 2_000);
        assert.equal(deliveryErrorFromStatus(429).code, 'TEAMS_THROTTLED');
        for (const s of [412, 502, 503, 504]) assert.equal(deliveryErrorFromStatus(s).retryable, true, String(s));
        assert.equal(deliveryErrorFromStatus(403).code, 'TEAMS_FORBIDDEN');
        assert.equal(deliveryErrorFromStatus(400).retryable, false);
        assert.equal(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28, 0)), 10_000);
        assert.equal(parseRetryAfterMs('soon'), undefined);
    });
});
