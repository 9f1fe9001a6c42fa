import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentRecord, EpisodeLogEntry, Notification } from '../../src/domain/adherence/types';
import type { AgentStateStore, StateChange } from '../../src/engine/ports';
import { isStoreError } from '../../src/adapters/store/StoreError';

/** One empty backend, and the store instances on it. */
export interface StoreFixture {
    store: AgentStateStore;
    /** Another instance on the same backend (another bot instance); memory returns `store` itself. */
    peer(): AgentStateStore;
    /** Closes every instance and deletes what the test wrote. */
    cleanup(): Promise<void>;
}

export interface StoreContractOptions {
    /** Most records the backend hands to one `loadAll` callback. */
    pageSize: number;
}

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const MIN = 60_000;

export function record(userId: string, version: number, overrides: Partial<AgentRecord> = {}): AgentRecord {
    return {
        userId,
        version,
        lastChangeAt: T0,
        managementUnitId: 'mu-1',
        state: {
            status: 'drifting',
            episode: {
                id: `${userId}:${T0}`,
                userId,
                managementUnitId: 'mu-1',
                startedAt: T0,
                scheduledCategory: 'OnQueueWork',
                actualCategory: 'Break',
                impact: 'Negative'
            },
            pending: { stage: 'nudge', dueAt: T0 + 6 * MIN },
            exceptionDueAt: T0 + 15 * MIN
        },
        ...overrides
    };
}

export function change(userId: string, expectedVersion: number, extra: Partial<StateChange> = {}): StateChange {
    return {
        userId,
        expectedVersion,
        record: record(userId, expectedVersion + 1),
        dueAt: null,
        log: [],
        outbox: [],
        ...extra
    };
}

export function logEntry(
    userId: string,
    at: number,
    managementUnitId = 'mu-1',
    type: EpisodeLogEntry['type'] = 'start'
): EpisodeLogEntry {
    return { type, at, userId, managementUnitId, episodeId: `${userId}:${T0}`, startedAt: T0 };
}

export function nudge(userId: string, key: string, at: number): Notification {
    return {
        kind: 'nudge',
        key,
        at,
        episode: { id: `${userId}:${T0}`, userId, managementUnitId: 'mu-1', startedAt: T0, impact: 'Negative' }
    };
}

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<Error> {
    let caught: unknown;
    try {
        await promise;
    } catch (error) {
        caught = error;
    }
    assert.ok(isStoreError(caught), `expected a StoreError ${code}, got ${String(caught)}`);
    assert.equal(caught.code, code);
    return caught;
}

/**
 * The behaviour every `AgentStateStore` must have. `makeStore` opens a fresh, empty backend per test.
 */
export function runStoreContract(
    name: string,
    makeStore: () => Promise<StoreFixture>,
    opts: StoreContractOptions
): void {
    async function withStore(fn: (f: StoreFixture) => Promise<void>): Promise<void> {
        const fixture = await makeStore();
        try {
            await fn(fixture);
        } finally {
            await fixture.cleanup();
        }
    }

    describe(`${name} (AgentStateStore contract)`, () => {
        describe('records and CAS', () => {
            it('returns committed records and omits unknown agents', () =>
                withStore(async ({ store }) => {
                    const results = await store.commit([change('a', 0), change('b', 0)]);
                    assert.deepEqual(results, [
                        { userId: 'a', ok: true },
                        { userId: 'b', ok: true }
                    ]);
                    const got = await store.getMany(['a', 'b', 'nobody']);
                    assert.deepEqual([...got.keys()].sort(), ['a', 'b']);
                    assert.deepEqual(got.get('a'), record('a', 1));
                    assert.equal((await store.getMany([])).size, 0);
                }));

            it('never lets callers mutate stored records, neither the committed input nor a read copy', () =>
                withStore(async ({ store }) => {
                    // A store either copies (Redis) or freezes and shares (memory): a write either lands on a copy
                    // or throws, and the stored record never changes.
                    const attempt = (fn: () => void) => {
                        try {
                            fn();
                        } catch (e) {
                            assert.ok(e instanceof TypeError, String(e));
                        }
                    };
                    const c = change('a', 0);
                    await store.commit([c]);
                    attempt(() => (c.record.managementUnitId = 'mutated-input'));
                    const read = (await store.getMany(['a'])).get('a')!;
                    attempt(() => (read.managementUnitId = 'mutated-output'));
                    assert.equal((await store.getMany(['a'])).get('a')!.managementUnitId, 'mu-1');
                }));

            it('keeps nested objects of a record safe from callers too (episode, stages, grants)', () =>
                withStore(async ({ store }) => {
                    const full = record('a', 1, {
                        snooze: { until: T0 + 30 * MIN, by: 'sup-1' },
                        approval: { until: T0 + 60 * MIN, by: 'sup-2' },
                        state: {
                            ...(record('a', 1).state as Extract<AgentRecord['state'], { status: 'drifting' }>),
                            nudge: { at: T0 + 6 * MIN, sent: true },
                            alert: { at: T0 + 10 * MIN, sent: false, reason: 'snoozed' },
                            ack: { by: 'sup-1', at: T0 + 11 * MIN }
                        }
                    });
                    const snapshot = structuredClone(full);
                    await store.commit([change('a', 0, { record: full })]);
                    const read = (await store.getMany(['a'])).get('a')!;
                    // Every object inside the committed input and inside a read copy: a write lands on a copy or throws.
                    const objects = (value: unknown): object[] =>
                        typeof value === 'object' && value !== null
                            ? [value, ...Object.values(value).flatMap(objects)]
                            : [];
                    for (const target of [...objects(full), ...objects(read)]) {
                        try {
                            (target as Record<string, unknown>).mutated = true;
                            (target as Record<string, unknown>).by = 'mallory';
                        } catch (e) {
                            assert.ok(e instanceof TypeError, String(e));
                        }
                    }
                    assert.deepEqual((await store.getMany(['a'])).get('a'), snapshot);
                }));

            it('rejects a stale expectedVersion with a conflict and writes nothing of that change', () =>
                withStore(async ({ store }) => {
                    await store.commit([change('a', 0)]);
                    const stale = change('a', 0, {
                        record: record('a', 1, { managementUnitId: 'other' }),
                        dueAt: T0 + MIN,
                        log: [logEntry('a', T0)],
                        outbox: [nudge('a', 'k-stale', T0)]
                    });
                    assert.deepEqual(await store.commit([stale]), [
                        { userId: 'a', ok: false, reason: 'version-conflict' }
                    ]);
                    assert.equal((await store.getMany(['a'])).get('a')!.managementUnitId, 'mu-1');
                    assert.deepEqual(await store.listDeadlines(), []);
                    assert.deepEqual(await store.readLog({ fromAt: 0, toAt: T0 + 60 * MIN }), []);
                    assert.deepEqual(await store.dueOutbox(T0 + 60 * MIN, 10), []);
                    assert.deepEqual(await store.commit([change('a', 1)]), [{ userId: 'a', ok: true }]);
                    assert.equal((await store.getMany(['a'])).get('a')!.version, 2);
                }));

            it('treats an unknown agent as version 0 and refuses expectedVersion > 0 for it', () =>
                withStore(async ({ store }) => {
                    assert.deepEqual(await store.commit([change('new', 3)]), [
                        { userId: 'new', ok: false, reason: 'version-conflict' }
                    ]);
                    assert.equal((await store.getMany(['new'])).size, 0);
                }));

            it('applies the changes of one call independently and answers in input order', () =>
                withStore(async ({ store }) => {
                    await store.commit([change('b', 0)]);
                    const results = await store.commit([change('a', 0), change('b', 0), change('c', 0)]);
                    assert.deepEqual(
                        results.map((r) => [r.userId, r.ok]),
                        [
                            ['a', true],
                            ['b', false],
                            ['c', true]
                        ]
                    );
                }));

            it('lets exactly one of two instances win when both commit the same version concurrently', () =>
                withStore(async ({ store, peer }) => {
                    const other = peer();
                    const ids = Array.from({ length: 20 }, (_, i) => `race-${i}`);
                    const mine = ids.map((id) =>
                        change(id, 0, { record: record(id, 1, { managementUnitId: 'mine' }) })
                    );
                    const theirs = ids.map((id) =>
                        change(id, 0, { record: record(id, 1, { managementUnitId: 'theirs' }) })
                    );
                    const [a, b] = await Promise.all([store.commit(mine), other.commit(theirs)]);
                    const stored = await store.getMany(ids);
                    ids.forEach((id, i) => {
                        assert.equal(Number(a[i].ok) + Number(b[i].ok), 1, `exactly one winner for ${id}`);
                        assert.equal(stored.get(id)!.managementUnitId, a[i].ok ? 'mine' : 'theirs');
                        assert.equal(stored.get(id)!.version, 1);
                    });
                }));

            it('throws STORE_INVALID_CHANGE when a record version is not expectedVersion + 1 and writes nothing', () =>
                withStore(async ({ store }) => {
                    const bad = change('bad', 0, { record: record('bad', 5) });
                    const error = await expectStoreError(
                        store.commit([change('good', 0), bad]),
                        'STORE_INVALID_CHANGE'
                    );
                    assert.match(error.message, /changes\[1\].*version must be expectedVersion \+ 1 = 1 \(got 5\)/);
                    assert.equal((await store.getMany(['good', 'bad'])).size, 0);
                }));

            it('lists every problem of a bad commit in one error', () =>
                withStore(async ({ store }) => {
                    const error = await expectStoreError(
                        store.commit([
                            change('x', 0, { record: record('y', 1) }),
                            change('x', 0),
                            change('z', 0, { dueAt: Number.NaN, log: [logEntry('z', -1)] })
                        ]),
                        'STORE_INVALID_CHANGE'
                    );
                    assert.match(error.message, /record\.userId y != userId x/);
                    assert.match(error.message, /appears more than once/);
                    assert.match(error.message, /dueAt must be null or epoch ms/);
                    assert.match(error.message, /log\[0\]: at must be epoch ms/);
                }));

            it('throws STORE_INVALID_ARGUMENT on out-of-range method arguments', () =>
                withStore(async ({ store }) => {
                    await expectStoreError(store.claimOverdue(T0, T0, 1000, -1), 'STORE_INVALID_ARGUMENT');
                    await expectStoreError(store.claimDeadlines(['a'], T0, 0), 'STORE_INVALID_ARGUMENT');
                    await expectStoreError(store.dueOutbox(Number.NaN, 1), 'STORE_INVALID_ARGUMENT');
                    await expectStoreError(store.setExclusion('', true), 'STORE_INVALID_ARGUMENT');
                }));
        });

        describe('deadlines and claims', () => {
            it('indexes dueAt on commit and drops it on a null dueAt', () =>
                withStore(async ({ store }) => {
                    await store.commit([change('a', 0, { dueAt: T0 + MIN }), change('b', 0, { dueAt: T0 + 2 * MIN })]);
                    const sorted = (await store.listDeadlines()).sort((x, y) => x.dueAt - y.dueAt);
                    assert.deepEqual(sorted, [
                        { userId: 'a', dueAt: T0 + MIN },
                        { userId: 'b', dueAt: T0 + 2 * MIN }
                    ]);
                    await store.commit([change('a', 1, { dueAt: null }), change('b', 1, { dueAt: T0 + 3 * MIN })]);
                    assert.deepEqual(await store.listDeadlines(), [{ userId: 'b', dueAt: T0 + 3 * MIN }]);
                }));

            it('claims only due deadlines and leases them until now + leaseMs', () =>
                withStore(async ({ store }) => {
                    await store.commit([change('due', 0, { dueAt: T0 }), change('later', 0, { dueAt: T0 + MIN })]);
                    assert.deepEqual(await store.claimDeadlines(['due', 'later', 'unknown'], T0, 30_000), ['due']);
                    const byId = new Map((await store.listDeadlines()).map((d) => [d.userId, d.dueAt]));
                    assert.equal(byId.get('due'), T0 + 30_000);
                    assert.equal(byId.get('later'), T0 + MIN);
                }));

            it('never lets two instances claim the same deadline, even concurrently', () =>
                withStore(async ({ store, peer }) => {
                    const other = peer();
                    const ids = Array.from({ length: 40 }, (_, i) => `agent-${i}`);
                    await store.commit(ids.map((id) => change(id, 0, { dueAt: T0 })));
                    const [a, b] = await Promise.all([
                        store.claimDeadlines(ids, T0 + 1, 30_000),
                        other.claimDeadlines([...ids].reverse(), T0 + 1, 30_000)
                    ]);
                    assert.equal(a.length + b.length, ids.length);
                    assert.deepEqual([...a, ...b].sort(), [...ids].sort());
                    assert.deepEqual(await other.claimDeadlines(ids, T0 + 2, 30_000), []);
                }));

            it('makes a deadline claimable again once its lease expired', () =>
                withStore(async ({ store, peer }) => {
                    await store.commit([change('a', 0, { dueAt: T0 })]);
                    assert.deepEqual(await store.claimDeadlines(['a'], T0, 10_000), ['a']);
                    assert.deepEqual(await peer().claimDeadlines(['a'], T0 + 9_999, 10_000), []);
                    assert.deepEqual(await peer().claimDeadlines(['a'], T0 + 10_000, 10_000), ['a']);
                    assert.deepEqual(await store.listDeadlines(), [{ userId: 'a', dueAt: T0 + 20_000 }]);
                }));

            it('claims overdue deadlines oldest first, up to limit, only when due at or before both bounds', () =>
                withStore(async ({ store, peer }) => {
                    const ids = Array.from({ length: 30 }, (_, i) => `o-${String(i).padStart(2, '0')}`);
                    await store.commit(ids.map((id, i) => change(id, 0, { dueAt: T0 + i * 1000 })));
                    const first = await store.claimOverdue(T0 + 9_000, T0 + MIN, 60_000, 5);
                    assert.deepEqual(first, ids.slice(0, 5));
                    const second = await peer().claimOverdue(T0 + 9_000, T0 + MIN, 60_000, 100);
                    assert.deepEqual(second.sort(), ids.slice(5, 10));
                    assert.deepEqual(await store.claimOverdue(T0 + 9_000, T0 + MIN, 60_000, 100), []);
                    // `now` bounds too: a deadline in the future of `now` is never claimed.
                    assert.deepEqual(await store.claimOverdue(T0 + 99 * MIN, T0 + 10_000, 60_000, 100), ['o-10']);
                    assert.deepEqual(await store.claimOverdue(T0, T0, 60_000, 0), []);
                }));

            it('replaces a lease with the dueAt of the next commit', () =>
                withStore(async ({ store }) => {
                    await store.commit([change('a', 0, { dueAt: T0 })]);
                    await store.claimDeadlines(['a'], T0, 30_000);
                    await store.commit([change('a', 1, { dueAt: T0 + 5 * MIN })]);
                    assert.deepEqual(await store.listDeadlines(), [{ userId: 'a', dueAt: T0 + 5 * MIN }]);
                }));
        });

        describe('loadAll', () => {
            it('hands every record exactly once, in pages', () =>
                withStore(async ({ store }) => {
                    const ids = Array.from({ length: 2500 }, (_, i) => `load-${i}`);
                    for (let i = 0; i < ids.length; i += 500) {
                        await store.commit(ids.slice(i, i + 500).map((id) => change(id, 0)));
                    }
                    const seen: string[] = [];
                    let pages = 0;
                    await store.loadAll((records) => {
                        pages++;
                        assert.ok(
                            records.length > 0 && records.length <= opts.pageSize * 2,
                            `page of ${records.length}`
                        );
                        for (const r of records) seen.push(r.userId);
                    });
                    assert.ok(pages >= 2, `expected several pages, got ${pages}`);
                    assert.equal(seen.length, ids.length);
                    assert.deepEqual(seen.sort(), [...ids].sort());
                }));

            it('calls back nothing on an empty store', () =>
                withStore(async ({ store }) => {
                    let calls = 0;
                    await store.loadAll(() => calls++);
                    assert.equal(calls, 0);
                }));
        });

        describe('episode log', () => {
            it('reads [fromAt, toAt) in time order across agents, filtered by unit', () =>
                withStore(async ({ store }) => {
                    const ids = Array.from({ length: 12 }, (_, i) => `log-${i}`);
                    await store.commit(
                        ids.map((id, i) =>
                            change(id, 0, {
                                log: [
                                    logEntry(id, T0 + i * 1000, i % 2 === 0 ? 'mu-even' : 'mu-odd'),
                                    logEntry(id, T0 + i * 1000 + 500, i % 2 === 0 ? 'mu-even' : 'mu-odd', 'nudge')
                                ]
                            })
                        )
                    );
                    const all = await store.readLog({ fromAt: T0, toAt: T0 + 12_000 });
                    assert.equal(all.length, 24);
                    assert.deepEqual(
                        all.map((e) => e.at),
                        [...all.map((e) => e.at)].sort((a, b) => a - b)
                    );
                    const window = await store.readLog({ fromAt: T0 + 2000, toAt: T0 + 4000 });
                    assert.deepEqual(
                        window.map((e) => [e.userId, e.at]),
                        [
                            ['log-2', T0 + 2000],
                            ['log-2', T0 + 2500],
                            ['log-3', T0 + 3000],
                            ['log-3', T0 + 3500]
                        ]
                    );
                    const odd = await store.readLog({ fromAt: T0, toAt: T0 + 12_000, managementUnitId: 'mu-odd' });
                    assert.equal(odd.length, 12);
                    assert.ok(odd.every((e) => e.managementUnitId === 'mu-odd'));
                    assert.deepEqual(all[0], logEntry('log-0', T0, 'mu-even'));
                }));

            it('finds an entry committed after newer ones of the same shard by its own time', () =>
                withStore(async ({ store }) => {
                    await store.commit([change('late', 0, { log: [logEntry('late', T0 + 10 * MIN)] })]);
                    await store.commit([change('late', 1, { log: [logEntry('late', T0 + MIN, 'mu-1', 'resolve')] })]);
                    const early = await store.readLog({ fromAt: T0, toAt: T0 + 2 * MIN });
                    assert.deepEqual(
                        early.map((e) => [e.type, e.at]),
                        [['resolve', T0 + MIN]]
                    );
                    const all = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
                    assert.deepEqual(
                        all.map((e) => e.at),
                        [T0 + MIN, T0 + 10 * MIN]
                    );
                }));

            it('trims entries older than beforeAt and returns how many it dropped', () =>
                withStore(async ({ store }) => {
                    const ids = Array.from({ length: 10 }, (_, i) => `trim-${i}`);
                    await store.commit(ids.map((id, i) => change(id, 0, { log: [logEntry(id, T0 + i * MIN)] })));
                    assert.equal(await store.trimLog(T0 + 4 * MIN), 4);
                    const left = await store.readLog({ fromAt: 0, toAt: T0 + 60 * MIN });
                    assert.deepEqual(
                        left.map((e) => e.userId),
                        ids.slice(4)
                    );
                    assert.equal(await store.trimLog(T0 + 4 * MIN), 0);
                }));
        });

        describe('outbox', () => {
            it('returns due entries oldest first, at most limit, and hides future ones', () =>
                withStore(async ({ store }) => {
                    await store.commit([
                        change('a', 0, { outbox: [nudge('a', 'a:nudge', T0 + 2000)] }),
                        change('b', 0, {
                            outbox: [nudge('b', 'b:nudge', T0 + 1000), nudge('b', 'b:alert', T0 + 3000)]
                        }),
                        change('c', 0, { outbox: [nudge('c', 'c:nudge', T0 + MIN)] })
                    ]);
                    const due = await store.dueOutbox(T0 + 5000, 10);
                    assert.deepEqual(
                        due.map((e) => e.key),
                        ['b:nudge', 'a:nudge', 'b:alert']
                    );
                    assert.deepEqual(due[0], {
                        key: 'b:nudge',
                        notification: nudge('b', 'b:nudge', T0 + 1000),
                        enqueuedAt: T0 + 1000,
                        attempts: 0,
                        notBefore: T0 + 1000
                    });
                    assert.deepEqual(
                        (await store.dueOutbox(T0 + 5000, 2)).map((e) => e.key),
                        ['b:nudge', 'a:nudge']
                    );
                    assert.deepEqual(await store.dueOutbox(T0 + 5000, 0), []);
                }));

            it('reschedules a failed attempt to notBefore and counts it', () =>
                withStore(async ({ store, peer }) => {
                    await store.commit([change('a', 0, { outbox: [nudge('a', 'k1', T0), nudge('a', 'k2', T0 + 1)] })]);
                    await peer().retryOutbox('k1', T0 + 30_000);
                    assert.deepEqual(
                        (await store.dueOutbox(T0 + 10_000, 10)).map((e) => e.key),
                        ['k2']
                    );
                    const later = await store.dueOutbox(T0 + 30_000, 10);
                    assert.deepEqual(
                        later.map((e) => [e.key, e.attempts, e.notBefore]),
                        [
                            ['k2', 0, T0 + 1],
                            ['k1', 1, T0 + 30_000]
                        ]
                    );
                    await store.retryOutbox('k1', T0 + 40_000);
                    const again = await store.dueOutbox(T0 + 40_000, 10);
                    assert.equal(again.find((e) => e.key === 'k1')!.attempts, 2);
                    await store.retryOutbox('never-enqueued', T0);
                }));

            it('removes an acknowledged entry, from any instance', () =>
                withStore(async ({ store, peer }) => {
                    await store.commit([change('a', 0, { outbox: [nudge('a', 'k1', T0), nudge('a', 'k2', T0)] })]);
                    await peer().ackOutbox('k1');
                    assert.deepEqual(
                        (await store.dueOutbox(T0, 10)).map((e) => e.key),
                        ['k2']
                    );
                    await store.dueOutbox(T0, 10);
                    await store.ackOutbox('k2');
                    assert.deepEqual(await store.dueOutbox(T0 + MIN, 10), []);
                    await store.ackOutbox('k2');
                }));

            it('never enqueues the same key twice, even after it was delivered', () =>
                withStore(async ({ store }) => {
                    await store.commit([change('a', 0, { outbox: [nudge('a', 'dup', T0), nudge('a', 'dup', T0)] })]);
                    assert.equal((await store.dueOutbox(T0, 10)).length, 1);
                    await store.commit([change('a', 1, { outbox: [nudge('a', 'dup', T0 + 1000)] })]);
                    const pending = await store.dueOutbox(T0 + MIN, 10);
                    assert.deepEqual(
                        pending.map((e) => [e.key, e.notBefore]),
                        [['dup', T0]]
                    );
                    await store.ackOutbox('dup');
                    await store.commit([change('a', 2, { outbox: [nudge('a', 'dup', T0 + 2000)] })]);
                    assert.deepEqual(await store.dueOutbox(T0 + MIN, 10), []);
                }));

            it('forgets an enqueued key after outboxKeyTtlMs', () =>
                withStore(async ({ store }) => {
                    const week = 7 * 24 * 60 * MIN;
                    await store.commit([change('a', 0, { outbox: [nudge('a', 'old', T0)] })]);
                    await store.ackOutbox('old');
                    await store.commit([change('a', 1, { outbox: [nudge('a', 'fresh', T0 + week + MIN)] })]);
                    await store.commit([change('a', 2, { outbox: [nudge('a', 'old', T0 + week + 2 * MIN)] })]);
                    assert.deepEqual(
                        (await store.dueOutbox(T0 + week + 3 * MIN, 10)).map((e) => e.key),
                        ['fresh', 'old']
                    );
                }));
        });

        describe('exclusions', () => {
            it('keeps exclude and include overrides, last command wins, idempotently, visible to every instance', () =>
                withStore(async ({ store, peer }) => {
                    assert.deepEqual(await store.getExclusions(), { excluded: [], included: [] });
                    await store.setExclusion('Meeting', true);
                    await store.setExclusion('Break', true);
                    await store.setExclusion('Break', true);
                    assert.deepEqual(await peer().getExclusions(), { excluded: ['Break', 'Meeting'], included: [] });
                    await peer().setExclusion('Meeting', false);
                    await peer().setExclusion('Training', false);
                    assert.deepEqual(await store.getExclusions(), {
                        excluded: ['Break'],
                        included: ['Meeting', 'Training']
                    });
                }));
        });

        describe('close', () => {
            it('refuses calls after close with STORE_CLOSED', async () => {
                const fixture = await makeStore();
                try {
                    await fixture.store.close();
                    await expectStoreError(fixture.store.getMany(['a']), 'STORE_CLOSED');
                    await fixture.store.close();
                } finally {
                    await fixture.cleanup();
                }
            });
        });
    });
}
