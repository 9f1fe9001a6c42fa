import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { AdherenceEngine, type EngineOptions } from '../../src/engine/AdherenceEngine';
import type { AgentStateStore, AlertWindowSource, CoverageSource } from '../../src/engine/ports';
import type { Notification } from '../../src/domain/adherence/types';
import { silentLogger } from '../../src/kit/Logger';
import { FakeClock } from '../support/FakeClock';
import { back, MIN, MU, out, policy, T0 } from '../support/adherence';

export interface StoreFactory {
    /** A fresh, empty store; `shared` returns a second handle on the same data (another instance). */
    make(): Promise<{ store: AgentStateStore; shared(): Promise<AgentStateStore> }>;
    cleanup(): Promise<void>;
}

/** Take every due outbox entry (acking it) and describe it as `kind:userId` or `update:change:userId`. */
export async function drain(store: AgentStateStore, now: number): Promise<string[]> {
    const entries = await store.dueOutbox(now, 10_000);
    for (const e of entries) await store.ackOutbox(e.key);
    return entries.map((e) => describeNotification(e.notification));
}

export function describeNotification(n: Notification): string {
    if (n.kind === 'alert-update') return `update:${n.change}:${n.episode.userId}`;
    if (n.kind === 'alert' && n.reminder) return `realert:${n.episode.userId}`;
    if (n.kind === 'agent-note') return `agent-note:${n.episode.userId}`;
    return `${n.kind}:${n.episode.userId}`;
}

/**
 * A store double over the real one: `hold()` makes commits wait until `release()` (a slow store), `failCommits` and
 * `failReads` make the next that many commits or reads throw (`Infinity`: the store is down).
 */
function controlled() {
    let gate: Promise<void> | undefined;
    let open = (): void => undefined;
    const control = {
        held: false,
        failCommits: 0,
        failReads: 0,
        hold(): void {
            control.held = false;
            gate = new Promise<void>((r) => (open = r));
        },
        release(): void {
            gate = undefined;
            open();
        },
        wrap(store: AgentStateStore): AgentStateStore {
            const wrapped: AgentStateStore = Object.create(store);
            wrapped.commit = async (changes) => {
                if (gate) {
                    control.held = true;
                    await gate;
                }
                if (control.failCommits > 0) {
                    control.failCommits--;
                    throw new Error('connection reset');
                }
                return store.commit(changes);
            };
            wrapped.getMany = async (ids) => {
                if (control.failReads > 0) {
                    control.failReads--;
                    throw new Error('connection reset');
                }
                return store.getMany(ids);
            };
            return wrapped;
        }
    };
    return control;
}

/**
 * An engine logger that counts "engine commit failed; will retry" (logged right before the engine arms its retry timer,
 * so once counted, advancing the clock runs the retry) and keeps the warnings.
 */
function retryLog() {
    const log = {
        retries: 0,
        warnings: [] as object[],
        logger: {
            ...silentLogger(),
            warn: (o: object) => void log.warnings.push(o),
            error: (_o: object, msg?: string) => {
                if (msg?.includes('will retry')) log.retries++;
            }
        }
    };
    return log;
}

/** Let the engine's pending promises run until `until()` holds (at most 5,000 turns of the event loop). */
async function settle(until: () => boolean): Promise<void> {
    for (let i = 0; i < 5_000 && !until(); i++) await new Promise((r) => setImmediate(r));
}

/** The engine's behaviour over a real store implementation. */
export function engineSuite(name: string, factory: StoreFactory): void {
    describe(`AdherenceEngine on ${name}`, () => {
        const engines: AdherenceEngine[] = [];
        const stores: AgentStateStore[] = [];

        /** A started engine on a fresh store; `wrap` puts a test double over the store the engine sees. */
        async function setup(
            extra: Partial<EngineOptions> = {},
            clock = new FakeClock(T0),
            wrap: (store: AgentStateStore) => AgentStateStore = (store) => store
        ) {
            const { store, shared } = await factory.make();
            stores.push(store);
            const engine = new AdherenceEngine({
                store: wrap(store),
                clock,
                policy: policy(),
                orphanPollMs: 0,
                ...extra
            });
            engines.push(engine);
            await engine.start();
            return { engine, store, clock, shared };
        }

        afterEach(async () => {
            for (const e of engines.splice(0)) await e.stop();
            for (const s of stores.splice(0)) await s.close();
            await factory.cleanup();
        });

        it('fires the nudge and alert at their due times under steady unrelated traffic (no quiet period needed)', async () => {
            const { engine, store, clock } = await setup();
            engine.observe([out(T0, { userId: 'drifter' })]);
            await engine.idle();
            const seen: Array<[number, string[]]> = [];
            // Another agent changes state every 10 s: the source guide's tracker would never check thresholds.
            for (let i = 1; i <= 66; i++) {
                clock.advance(10_000);
                engine.observe([
                    i % 2
                        ? out(clock.now(), { userId: 'busy', impact: 'Positive' })
                        : back(clock.now(), { userId: 'busy' })
                ]);
                await engine.idle();
                const sent = (await drain(store, clock.now())).filter((s) => s.endsWith(':drifter'));
                if (sent.length > 0) seen.push([clock.now() - T0, sent]);
            }
            assert.deepEqual(seen, [
                [6 * MIN, ['nudge:drifter']],
                [10 * MIN, ['alert:drifter']]
            ]);
        });

        it('queues each notification once, with the episode facts, atomically with the state', async () => {
            const { engine, store, clock } = await setup();
            engine.observe([out(T0, { userId: 'a' })]);
            await engine.idle();
            clock.advanceTo(T0 + 6 * MIN);
            await engine.idle();
            const entries = await store.dueOutbox(clock.now(), 100);
            assert.equal(entries.length, 1);
            const n = entries[0].notification;
            assert.equal(n.kind, 'nudge');
            assert.equal(n.key, `${n.episode.id}:nudge`);
            assert.equal(n.episode.startedAt, T0);
            assert.equal(n.episode.teamName, 'Team A');
            const stored = (await store.getMany(['a'])).get('a')!;
            assert.equal(stored.state.status, 'drifting');
            assert.equal(engine.agent('a')!.version, stored.version);
        });

        it('applies supervisor actions through the store and refuses stale ones', async () => {
            const { engine, store, clock } = await setup();
            engine.observe([out(T0, { userId: 'a' })]);
            await engine.idle();
            for (let m = 1; m <= 10; m++) {
                clock.advanceTo(T0 + m * MIN);
                await engine.idle();
            }
            const episodeId = engine.openEpisodes()[0].state.episode.id;
            clock.advance(30_000);
            const ok = await engine.acknowledge('a', episodeId, 'sup-1');
            assert.equal(ok.ok, true);
            assert.deepEqual(await engine.acknowledge('a', episodeId, 'sup-2'), {
                ok: false,
                reason: 'already-acknowledged'
            });
            assert.deepEqual(await engine.snooze('a', 'a@nope', T0 + 60 * MIN, 'sup-1'), {
                ok: false,
                reason: 'episode-closed'
            });
            assert.deepEqual(await engine.acknowledge('ghost', episodeId, 'sup-1'), {
                ok: false,
                reason: 'unknown-agent'
            });
            const log = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
            assert.deepEqual(
                log.map((e) => e.type),
                ['start', 'nudge', 'alert', 'acknowledge']
            );
            assert.deepEqual(await drain(store, clock.now()), ['nudge:a', 'alert:a', 'update:acknowledged:a']);
        });

        it('approved overtime from a card suppresses the alert until it ends', async () => {
            const { engine, store, clock } = await setup();
            engine.observe([out(T0, { userId: 'a' })]);
            await engine.idle();
            const episodeId = engine.openEpisodes()[0].state.episode.id;
            assert.equal((await engine.approveOvertime('a', T0 + 45 * MIN, 'sup-1', episodeId)).ok, true);
            clock.advanceTo(T0 + 30 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), []);
            clock.advanceTo(T0 + 45 * MIN);
            await engine.idle();
            // Both overdue at once; they go to different conversations, so their relative order does not matter.
            assert.deepEqual((await drain(store, clock.now())).sort(), ['alert:a', 'nudge:a']);
        });

        it('asks the coverage port without waiting and defers a covered nudge', async () => {
            const prefetched: string[] = [];
            const coverage: CoverageSource = {
                coverageAt: (userId, at) =>
                    userId === 'off' && at < T0 + 20 * MIN
                        ? { covered: true, until: T0 + 20 * MIN, reason: 'schedule-exception' }
                        : { covered: false },
                prefetch: (userId) => prefetched.push(userId)
            };
            const { engine, store, clock } = await setup({ coverage });
            engine.observe([out(T0, { userId: 'off' }), out(T0, { userId: 'on' })]);
            await engine.idle();
            assert.deepEqual(prefetched.sort(), ['off', 'on']);
            clock.advanceTo(T0 + 6 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), ['nudge:on']);
            clock.advanceTo(T0 + 20 * MIN);
            await engine.idle();
            assert.deepEqual((await drain(store, clock.now())).sort(), [
                'alert:off',
                'alert:on',
                'nudge:off',
                'update:exception:on'
            ]);
        });

        it('holds an alert while no channel of the unit is on shift, across a restart, and sends it once', async () => {
            const opensAt = T0 + 40 * MIN;
            const alertWindows: AlertWindowSource = {
                alertWindowAt: (unit, at) => (unit === MU && at < opensAt ? { open: false, opensAt } : { open: true })
            };
            const clock = new FakeClock(T0);
            const { engine, store, shared } = await setup({ alertWindows }, clock);
            engine.observe([out(T0, { userId: 'a' })]);
            await engine.idle();
            clock.advanceTo(T0 + 16 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), ['nudge:a']);
            await engine.stop();
            // Another instance takes over: the held alert's due time was persisted with the record.
            const nextStore = await shared();
            stores.push(nextStore);
            const next = new AdherenceEngine({
                store: nextStore,
                clock,
                policy: policy(),
                orphanPollMs: 0,
                alertWindows
            });
            engines.push(next);
            await next.start();
            clock.advanceTo(opensAt);
            await next.idle();
            assert.deepEqual(await drain(store, clock.now()), ['alert:a']);
            const log = await store.readLog({ fromAt: T0, toAt: opensAt + 1 });
            assert.deepEqual(
                log.map((e) => (e.type === 'suppressed' ? `suppressed:${e.reason}:${e.until! - T0}` : e.type)),
                ['start', 'nudge', `suppressed:outside-hours:${40 * MIN}`, 'exception', 'alert']
            );
        });

        it('escalates an alert nobody acted on once, on one of two instances, after a restart of the one that alerted', async () => {
            const escalation = { afterMs: 5 * MIN, levels: 1 };
            const alertWindows: AlertWindowSource = {
                alertWindowAt: () => ({ open: true }),
                escalationLevels: () => 1
            };
            const clock = new FakeClock(T0);
            const options = { policy: policy({ escalation }), alertWindows };
            const { engine: one, store, shared } = await setup(options, clock);
            const twoStore = await shared();
            stores.push(twoStore);
            const two = new AdherenceEngine({ store: twoStore, clock, orphanPollMs: 1_000, ...options });
            engines.push(two);
            await two.start();
            for (const e of [one, two]) e.observe([out(T0, { userId: 'a' })]);
            await Promise.all([one.idle(), two.idle()]);
            clock.advanceTo(T0 + 10 * MIN);
            await Promise.all([one.idle(), two.idle()]);
            await one.stop(); // the escalation deadline is in the store; the other instance fires it
            for (let s = 1; s <= 8; s++) {
                clock.advanceTo(T0 + 15 * MIN + s * 1_000);
                await two.idle();
            }
            // Each conversation keeps its own order; across them the outbox order does not matter.
            assert.deepEqual((await drain(store, clock.now())).sort(), [
                'alert:a',
                'escalation:a',
                'nudge:a',
                'update:escalated:a',
                'update:exception:a'
            ]);
            const log = await store.readLog({ fromAt: T0, toAt: clock.now() + 1 });
            assert.deepEqual(
                log.filter((e) => e.type === 'escalate').map((e) => e.level),
                [1]
            );
        });

        it('dampens a schedule republish: agents who only appear out are not nudged; real drifts still are', async () => {
            const { engine, store, clock } = await setup({
                dampening: { windowMs: 60_000, burstThreshold: 1_000, burstWindowMs: 10_000 }
            });
            engine.scheduleChanged(MU);
            engine.observe([out(T0, { userId: 'flicker' }), out(T0, { userId: 'real' })]);
            clock.advance(20_000);
            engine.observe([back(clock.now(), { userId: 'flicker' })]);
            await engine.idle();
            assert.equal(engine.agent('flicker'), undefined, 'nothing applied during the window');
            clock.advanceTo(T0 + 60_000);
            await engine.idle();
            assert.equal(engine.agent('real')!.state.status, 'drifting');
            const real = engine.openEpisodes()[0].state.episode;
            assert.equal(real.startedAt, T0, 'the settled drift keeps its event time');
            clock.advanceTo(T0 + 6 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), ['nudge:real']);
            const log = await store.readLog({ fromAt: T0, toAt: T0 + 10 * MIN });
            assert.ok(log.some((e) => e.type === 'suppressed' && e.reason === 'dampened' && e.userId === 'flicker'));
        });

        it('does not alert on a drift that events held back by a republish have already ended', async () => {
            const { engine, store, clock } = await setup({
                dampening: { windowMs: 60_000, burstThreshold: 1_000, burstWindowMs: 10_000 }
            });
            engine.observe([out(T0, { userId: 'a' })]);
            await engine.idle();
            clock.advanceTo(T0 + 6 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), ['nudge:a']);
            clock.advanceTo(T0 + 9 * MIN + 30_000);
            engine.scheduleChanged(MU);
            engine.observe([back(clock.now(), { userId: 'a' })]); // back at 9:30, held until the unit settles
            clock.advanceTo(T0 + 10 * MIN); // the alert is due while the unit is still held back
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), [], 'no alert for a drift that ended at 9:30');
            assert.equal(engine.agent('a')!.state.status, 'adherent');
            clock.advanceTo(T0 + 11 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), []);
            const resolved = (await store.readLog({ fromAt: T0, toAt: T0 + 20 * MIN })).filter(
                (e) => e.type === 'resolve'
            );
            assert.deepEqual(
                resolved.map((e) => e.at - T0),
                [9 * MIN + 30_000],
                'resolved once, at the held event time'
            );
        });

        it('detects a burst without a signal and settles it as one batch', async () => {
            const { engine, clock } = await setup({
                dampening: { windowMs: 60_000, burstThreshold: 10, burstWindowMs: 10_000 }
            });
            const burst = Array.from({ length: 50 }, (_, i) => out(T0, { userId: `b${i}` }));
            engine.observe(burst);
            await engine.idle();
            assert.equal(engine.trackedAgents, 10, 'only the changes before the burst was recognised went through');
            clock.advance(5_000);
            engine.observe(burst.slice(0, 45).map((o) => back(clock.now(), { userId: o.userId })));
            clock.advance(60_000);
            await engine.idle();
            const open = engine
                .openEpisodes()
                .map((e) => e.record.userId)
                .sort();
            assert.deepEqual(open, ['b45', 'b46', 'b47', 'b48', 'b49']);
        });

        it('reconciles a snapshot: keeps open t0, resolves what ended while disconnected, starts what began, ends who left', async () => {
            const { engine, store, clock } = await setup();
            engine.observe([out(T0, { userId: 'stays' }), out(T0, { userId: 'ended' }), out(T0, { userId: 'left' })]);
            await engine.idle();
            clock.advanceTo(T0 + 8 * MIN);
            await engine.idle();
            engine.reconcile(MU, [
                out(T0 + 4 * MIN, { userId: 'stays', actualCategory: 'Break' }),
                back(T0 + 5 * MIN, { userId: 'ended' }),
                out(T0 + 7 * MIN, { userId: 'new' })
            ]);
            await engine.idle();
            const open = new Map(engine.openEpisodes().map((e) => [e.record.userId, e.state.episode.startedAt]));
            assert.deepEqual([...open.entries()].sort(), [
                ['new', T0 + 7 * MIN],
                ['stays', T0]
            ]);
            const log = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
            const resolved = log.filter((e) => e.type === 'resolve').map((e) => [e.userId, e.durationMs]);
            assert.deepEqual(resolved.sort(), [
                ['ended', 5 * MIN],
                ['left', 8 * MIN]
            ]);
        });

        it('persists exclusions and applies them to later deadlines', async () => {
            const { engine, store, clock, shared } = await setup();
            await engine.setExcluded('Break', true);
            engine.observe([out(T0, { userId: 'a', scheduledCategory: 'Break' })]);
            await engine.idle();
            clock.advanceTo(T0 + 11 * MIN);
            await engine.idle();
            assert.deepEqual(await drain(store, clock.now()), []);
            const other = await shared();
            stores.push(other);
            assert.ok((await other.getExclusions()).excluded.includes('Break'));
            await engine.setExcluded('Break', false);
            assert.ok(!(await other.getExclusions()).excluded.includes('Break'));
        });

        it('keeps an include of a configured exclusion across a restart', async () => {
            // The test policy excludes Meeting and Training by configuration.
            const { engine, clock, shared } = await setup();
            await engine.setExcluded('Meeting', false);
            assert.equal(engine.getPolicy().excludedCategories.has('Meeting'), false);
            await engine.stop();
            const again = await shared();
            stores.push(again);
            const restarted = new AdherenceEngine({ store: again, clock, policy: policy(), orphanPollMs: 0 });
            engines.push(restarted);
            await restarted.start();
            assert.equal(restarted.getPolicy().excludedCategories.has('Meeting'), false, 'Meeting stays included');
            assert.equal(restarted.getPolicy().excludedCategories.has('Training'), true);
        });

        it("applies another instance's exclude command within one poll, before that instance's deadlines fire", async () => {
            const clock = new FakeClock(T0);
            const { engine: a, store, shared } = await setup({ orphanPollMs: 5_000 }, clock);
            const other = await shared();
            stores.push(other);
            const b = new AdherenceEngine({ store: other, clock, policy: policy(), orphanPollMs: 5_000 });
            engines.push(b);
            await b.start();
            await a.setExcluded('Break', true);
            clock.advance(5_000);
            await b.idle();
            assert.equal(b.getPolicy().excludedCategories.has('Break'), true);
            b.observe([out(clock.now(), { userId: 'x', scheduledCategory: 'Break' })]);
            await b.idle();
            clock.advance(11 * MIN);
            await b.idle();
            await a.idle();
            assert.deepEqual(await drain(store, clock.now()), []);
        });

        it('two instances on one store deliver each stage exactly once', async () => {
            const clock = new FakeClock(T0);
            const { engine: one, store, shared } = await setup({}, clock);
            const twoStore = await shared();
            stores.push(twoStore);
            const two = new AdherenceEngine({ store: twoStore, clock, policy: policy(), orphanPollMs: 0 });
            engines.push(two);
            await two.start();
            // Both instances receive the same stream (e.g. both subscribed): the same facts, decided once.
            for (const e of [one, two]) e.observe([out(T0, { userId: 'a' })]);
            await Promise.all([one.idle(), two.idle()]);
            for (let m = 1; m <= 16; m++) {
                clock.advanceTo(T0 + m * MIN);
                await Promise.all([one.idle(), two.idle()]);
            }
            assert.deepEqual(await drain(store, clock.now()), ['nudge:a', 'alert:a', 'update:exception:a']);
            const log = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
            assert.deepEqual(
                log.map((e) => e.type),
                ['start', 'nudge', 'alert', 'exception']
            );
        });

        it('another instance picks up the deadlines of an instance that died', async () => {
            const clock = new FakeClock(T0);
            const { engine: dying, store, shared } = await setup({}, clock);
            const survivorStore = await shared();
            stores.push(survivorStore);
            const survivor = new AdherenceEngine({
                store: survivorStore,
                clock,
                policy: policy(),
                orphanPollMs: 1_000,
                orphanGraceMs: 2_000
            });
            engines.push(survivor);
            await survivor.start();
            dying.observe([out(T0, { userId: 'a' })]);
            await dying.idle();
            await dying.stop();
            clock.advanceTo(T0 + 6 * MIN + 3_000);
            await survivor.idle();
            clock.advance(1_000); // the next poll after the grace period
            await survivor.idle();
            assert.deepEqual(await drain(store, clock.now()), ['nudge:a']);
            clock.advanceTo(T0 + 10 * MIN);
            await survivor.idle();
            assert.deepEqual(await drain(store, clock.now()), ['alert:a'], 'the survivor now owns the next deadline');
        });

        it('keeps a record it committed while the orphan poll dropped the agent from its cache', async () => {
            const control = controlled();
            const reads: string[][] = [];
            const { engine, store, clock } = await setup(
                { orphanPollMs: 1_000, orphanGraceMs: 2_000 },
                undefined,
                (s) => {
                    const gated = control.wrap(s);
                    const read = gated.getMany.bind(gated);
                    gated.getMany = (ids) => {
                        reads.push([...ids]);
                        return read(ids);
                    };
                    // A peer claimed the deadline and died: only the orphan poll picks it up, and drops 'a' from the cache.
                    gated.claimDeadlines = async () => [];
                    return gated;
                }
            );
            engine.observe([out(T0, { userId: 'a' })]);
            await engine.idle();
            control.hold();
            try {
                clock.advanceTo(T0 + 6 * MIN - 1);
                engine.observe([out(T0, { userId: 'a', systemPresence: 'Away' })]); // its commit waits
                await settle(() => control.held);
                assert.ok(control.held, 'the change is being committed');
                // Poll ticks until one runs after the grace period and claims the orphaned deadline.
                for (let tick = 0; tick < 10 && engine.agent('a') !== undefined; tick++) {
                    clock.advance(1_000);
                    await settle(() => engine.agent('a') === undefined);
                }
                assert.equal(
                    engine.agent('a'),
                    undefined,
                    'the orphan poll dropped the agent while its commit was held'
                );
                reads.length = 0;
            } finally {
                control.release();
            }
            await engine.idle();
            assert.equal(engine.agent('a')?.state.status, 'drifting');
            assert.deepEqual(reads, [], 'the committed record went back into the cache: no store read for it');
            assert.deepEqual(await drain(store, clock.now()), ['nudge:a']);
            assert.equal(engine.agent('a')?.version, (await store.getMany(['a'])).get('a')?.version);
        });

        it('does not apply a committed action again when a later step of its batch fails', async () => {
            const control = controlled();
            const engineLog = retryLog();
            const { engine, store, clock, shared } = await setup({ logger: engineLog.logger }, undefined, control.wrap);
            engine.observe([out(T0, { userId: 'a' }), out(T0, { userId: 'b' })]);
            await engine.idle();
            const episodeId = engine.openEpisodes().find((e) => e.record.userId === 'a')!.state.episode.id;
            // A batch in flight holds its commit, so the snooze and b's next event queue up into one batch.
            control.hold();
            engine.observe([out(T0, { userId: 'c' })]);
            await settle(() => control.held);
            clock.advance(MIN);
            const snoozed = engine.snooze('a', episodeId, T0 + 30 * MIN, 'sup-1');
            engine.observe([out(T0, { userId: 'b', systemPresence: 'Away' })]);
            // Another instance changes b: that batch commits a's snooze, loses b's compare-and-set, and then the
            // re-read of b fails, which fails the batch.
            const peer = await shared();
            stores.push(peer);
            const b = (await peer.getMany(['b'])).get('b')!;
            assert.deepEqual(
                (
                    await peer.commit([
                        {
                            userId: 'b',
                            expectedVersion: b.version,
                            record: { ...b, version: b.version + 1 },
                            dueAt: T0 + 6 * MIN,
                            log: [],
                            outbox: []
                        }
                    ])
                ).map((r) => r.ok),
                [true]
            );
            control.failReads = 1;
            control.release();
            assert.equal((await snoozed).ok, true);
            await settle(() => engineLog.retries === 1);
            assert.equal(engineLog.retries, 1, 'the batch failed on the re-read');
            clock.advance(1_000); // the engine retries what the failed batch had not committed
            await engine.idle();
            const log = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
            assert.deepEqual(
                log.filter((e) => e.userId === 'a').map((e) => e.type),
                ['start', 'snooze'],
                'the snooze is logged once'
            );
            const stored = await store.getMany(['a', 'b']);
            assert.equal(stored.get('a')?.version, 2, 'a: start, snooze');
            const bState = stored.get('b')!.state;
            assert.ok(bState.status === 'drifting');
            assert.equal(bState.episode.systemPresence, 'Away', "b's event was redone on the peer's record");
        });

        it('folds repeated observations while the store is down, with the same outcome as applying them all', async () => {
            const control = controlled();
            control.failCommits = Infinity; // the store is down
            const clock = new FakeClock(T0 + 2 * MIN);
            const log = retryLog();
            let folded = 0;
            // The same events, the same outage and recovery: one engine folds (a queue of 10 is "long"), one does not.
            const small = await setup(
                { maxQueued: 10, logger: log.logger, metrics: { folded: (n) => (folded += n) } },
                clock,
                control.wrap
            );
            const large = await setup({ logger: log.logger }, clock, control.wrap);
            const presences = ['Away', 'Busy', 'Available', 'Meal'];
            const events = [];
            for (let i = 0; i < 60; i++) {
                const systemPresence = presences[i % 4];
                // a: one drift, its presence changing; b: out, back, out again; c: in adherence, presence changing.
                events.push(out(T0, { userId: 'a', systemPresence }));
                events.push(
                    i < 20
                        ? out(T0, { userId: 'b' })
                        : i < 40
                          ? back(T0 + MIN, { userId: 'b' })
                          : out(T0 + 2 * MIN, { userId: 'b', systemPresence })
                );
                events.push(back(T0, { userId: 'c', systemPresence }));
            }
            // Both engines' first commit fails: from then on they wait to retry, and every further event queues.
            for (const { engine } of [small, large]) engine.observe([events[0]]);
            await settle(() => log.retries === 2);
            assert.equal(log.retries, 2, 'both engines found the store down');
            const approvals: Array<Promise<unknown>> = [];
            for (const [i, o] of events.entries()) {
                if (i === 0) continue;
                for (const { engine } of [small, large]) {
                    engine.observe([o]);
                    // An action between repeats: the observations around it are not folded across it.
                    if (i === 90) approvals.push(engine.approveOvertime('a', T0 + 30 * MIN, 'sup-1'));
                }
            }
            assert.ok(small.engine.queued <= 20, `folded queue: ${small.engine.queued}`);
            assert.ok(large.engine.queued >= 170, `unfolded queue: ${large.engine.queued}`);
            assert.ok(folded > 100 && log.warnings.length > 0, 'folding is counted and logged');
            control.failCommits = 0;
            clock.advance(1_000); // both retry, on the same clock
            await Promise.all([small.engine.idle(), large.engine.idle()]);
            assert.deepEqual(
                (await Promise.all(approvals)).map((r) => (r as { ok: boolean }).ok),
                [true, true]
            );
            const ids = ['a', 'b', 'c'];
            const view = async (store: AgentStateStore) => {
                const records = await store.getMany(ids);
                // Folding changes the order between agents (not within one): compare per agent.
                const entries = await store.readLog({ fromAt: T0, toAt: T0 + 60 * MIN });
                return {
                    records: ids.map((id) => ({ ...records.get(id)!, version: 0 })),
                    log: ids.map((id) => entries.filter((e) => e.userId === id)),
                    outbox: (await drain(store, clock.now())).sort()
                };
            };
            assert.deepEqual(await view(small.store), await view(large.store));
        });

        it('keeps accepted events when the store fails, and commits them once it recovers', async () => {
            const control = controlled();
            control.failCommits = 1;
            const log = retryLog();
            const { engine, store, clock } = await setup({ logger: log.logger }, undefined, control.wrap);
            engine.observe([out(T0, { userId: 'a' })]);
            await settle(() => log.retries === 1);
            assert.equal(log.retries, 1, 'the first commit failed');
            assert.equal((await store.getMany(['a'])).size, 0, 'nothing was written');
            clock.advance(1_000);
            await engine.idle();
            assert.equal((await store.getMany(['a'])).get('a')?.state.status, 'drifting');
        });
    });
}
