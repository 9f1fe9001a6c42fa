import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SyncWorker } from '../../src/sync/createSyncWorker';
import { MemorySyncQueue } from '../../src/sync/SyncQueue';
import { FakeClock } from '../support/FakeClock';
import { drive, ingest, presenceWorker, startPresenceRig, type PresenceRig } from './support';

describe('sync worker, presence target, against the Genesys emulator', () => {
    let clock: FakeClock;
    let rig: PresenceRig;
    let queue: MemorySyncQueue;
    let worker: SyncWorker | undefined;

    beforeEach(async () => {
        clock = new FakeClock();
        rig = await startPresenceRig(clock);
        queue = new MemorySyncQueue();
    });
    afterEach(async () => {
        await worker?.stop();
        worker = undefined;
        await rig.close();
    });

    /** The test's worker on the rig, with its metrics and what it logged at `level` and above. */
    const make = (env: Record<string, string> = {}, level: 'info' | 'warn' = 'info') => {
        const made = presenceWorker(rig, queue, clock, env, level);
        worker = made.worker;
        return made;
    };
    const writes = () => rig.emulator.control.presenceWrites;
    const presenceCalls = () =>
        rig.emulator.control.requests.filter((r) => r.path.startsWith('/api/v2/users/') && r.method !== 'GET');
    const drainAll = async (w: SyncWorker) => {
        while ((await queue.depth()) > 0) await drive(clock, w.runOnce());
    };

    it('coalesces to the latest state per agent in one bulk PUT and skips what is already acknowledged', async () => {
        const { config, worker } = make();
        const t = clock.now();
        const [a, b] = rig.agents;
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'BREAK', at: t },
            { agentId: a, reasonCode: 'AVAIL', at: t + 1000 },
            { agentId: a, reasonCode: 'MEAL', at: t + 2000 },
            { agentId: b, reasonCode: 'BREAK', at: t }
        ]);
        await drainAll(worker);
        assert.equal(presenceCalls().length, 1);
        assert.deepEqual(
            writes().map((w) => [w.userId, w.presenceDefinitionId, w.via]),
            [
                [a, rig.def('Meal'), 'bulk'],
                [b, rig.def('Break'), 'bulk']
            ]
        );
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'MEAL', at: t + 3000 },
            { agentId: b, reasonCode: 'BREAK', at: t + 3000 }
        ]);
        await drainAll(worker);
        assert.equal(presenceCalls().length, 1, 'no call for unchanged states');
        assert.deepEqual(worker.status().saved, { duplicate: 2, stale: 0, coalesced: 2 });
    });

    it('splits a bulk call refused for an entry until the bad entry is alone: it is dead-lettered, the others delivered in bulk, never a PATCH', async () => {
        const { config, worker } = make();
        const [a, b, c] = rig.agents;
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'BREAK', at: clock.now() },
            { agentId: b, reasonCode: 'BOGUS', at: clock.now() },
            { agentId: c, reasonCode: 'MEAL', at: clock.now() }
        ]);
        await drainAll(worker);
        assert.deepEqual(
            rig.emulator.control.requests.filter((r) => r.method === 'PATCH'),
            [],
            'PATCH does not support registered presence sources (PresenceApi.js:495)'
        );
        assert.deepEqual(
            presenceCalls().map((r) => [(r.body as unknown[]).length, r.status]),
            [
                [3, 400],
                [2, 400],
                [1, 200],
                [1, 400],
                [1, 200]
            ],
            'the whole call, its halves, then the bad entry alone'
        );
        assert.deepEqual(
            writes().map((w) => [w.userId, w.via]),
            [
                [a, 'bulk'],
                [c, 'bulk']
            ]
        );
        const d = await worker.diagnostics();
        assert.deepEqual(
            d.deadLetters.map((l) => [l.rejection.code, (l.item as Array<{ agentId: string }>).map((e) => e.agentId)]),
            [['TARGET_REJECTED', [b]]]
        );
        assert.equal(await queue.depth(), 0);
    });

    it('rides out a 429 storm with Retry-After: bounded requests, nothing lost', async () => {
        const { config, worker } = make({
            SYNC_BULK_MAX: '5',
            SYNC_BREAKER_MIN_REQUESTS: '1000',
            SYNC_REQUESTS_PER_MINUTE: '6000'
        });
        const agents = rig.agents.slice(0, 40);
        await ingest(
            queue,
            config,
            agents,
            agents.map((agentId) => ({ agentId, reasonCode: 'BREAK', at: clock.now() }))
        );
        rig.emulator.control.clearRequests();
        rig.emulator.control.rateLimitNext(6, 10);
        const start = clock.now();
        await drainAll(worker);
        const calls = presenceCalls();
        const storm = calls.filter((r) => r.status === 429);
        assert.equal(storm.length, 6);
        // The 429s pause every sender for Retry-After (10 s): nothing is sent inside that window after the burst
        // already in flight, and each refused chunk is retried exactly once.
        const lastStorm = storm[storm.length - 1].at;
        const inWindow = calls.filter((r) => r.at > lastStorm + 1000 && r.at < lastStorm + 10_000);
        assert.deepEqual(inWindow, []);
        assert.ok(calls.filter((r) => r.at >= lastStorm + 10_000).length === 6);
        assert.equal(calls.length, 8 + 6);
        assert.ok(clock.now() - start >= 10_000);
        assert.deepEqual(
            new Set(
                writes()
                    .filter((w) => w.applied)
                    .map((w) => w.userId)
            ),
            new Set(agents)
        );
        assert.equal(calls.filter((r) => r.status === 200).length, 8);
        assert.equal((await worker.diagnostics()).recent429s.length, 6);
    });

    it('refreshes the token once for 16 concurrent senders on a 401 mid-stream, dropping nothing', async () => {
        const { config, worker } = make({ SYNC_BULK_MAX: '1', SYNC_REQUESTS_PER_MINUTE: '6000' });
        const agents = rig.agents.slice(0, 16);
        await ingest(queue, config, agents, [{ agentId: agents[0], reasonCode: 'AVAIL', at: clock.now() }]);
        await drainAll(worker);
        const before = rig.emulator.control.tokenRequests;
        rig.emulator.control.revokeTokens();
        await ingest(
            queue,
            config,
            agents,
            agents.map((agentId) => ({ agentId, reasonCode: 'BREAK', at: clock.now() + 1 }))
        );
        await drainAll(worker);
        assert.equal(rig.emulator.control.tokenRequests - before, 1);
        const breaks = writes().filter((w) => w.presenceDefinitionId === rig.def('Break'));
        assert.deepEqual(new Set(breaks.map((w) => w.userId)), new Set(agents));
        assert.equal(presenceCalls().filter((r) => r.status === 401).length, 16);
    });

    it('opens the breaker under 5xx and recovers after the pause, delivering everything', async () => {
        const { config, worker } = make({
            SYNC_BULK_MAX: '1',
            SYNC_BREAKER_MIN_REQUESTS: '5',
            SYNC_BREAKER_PAUSE_MS: '5000'
        });
        const agents = rig.agents.slice(0, 20);
        await ingest(
            queue,
            config,
            agents,
            agents.map((agentId) => ({ agentId, reasonCode: 'MEAL', at: clock.now() }))
        );
        rig.emulator.control.failNext(12, 503);
        const seen = new Set<string>();
        const run = drainAll(worker);
        const watch = (async () => {
            while ((await queue.depth()) > 0) {
                seen.add(worker.status().breakerState);
                await new Promise<void>((r) => setImmediate(r));
            }
        })();
        await run;
        await watch;
        const d = await worker.diagnostics();
        assert.ok(d.breakerOpens >= 1, 'breaker opened');
        assert.ok(seen.has('open'));
        assert.equal(worker.status().breakerState, 'closed');
        assert.deepEqual(
            new Set(
                writes()
                    .filter((w) => w.applied)
                    .map((w) => w.userId)
            ),
            new Set(agents)
        );
    });

    it('records a reconciliation diagnostic when the emulator ignores a write', async () => {
        const { config, worker } = make({ SYNC_RECONCILE_MISMATCH_MS: '30000' });
        const [a, b] = rig.agents;
        rig.emulator.control.ignorePresenceWrites(true);
        await ingest(queue, config, rig.agents, [{ agentId: a, reasonCode: 'MEAL', at: clock.now() }]);
        await drainAll(worker);
        rig.emulator.control.ignorePresenceWrites(false);
        await ingest(queue, config, rig.agents, [{ agentId: b, reasonCode: 'MEAL', at: clock.now() }]);
        await drainAll(worker);
        await drive(clock, worker.reconcileOnce());
        assert.equal((await worker.diagnostics()).mismatches.length, 0, 'not before 30 s');
        clock.advance(31_000);
        await drive(clock, worker.reconcileOnce());
        const d = await worker.diagnostics();
        assert.equal(d.mismatches.length, 1);
        const m = d.mismatches[0];
        assert.equal(m.agentId, a);
        assert.equal(m.expected, rig.def('Meal'));
        assert.notEqual(m.actual, rig.def('Meal'));
        assert.match(m.payloadHash, /^[0-9a-f]{64}$/);
        assert.ok(m.lastTokenRefreshAt);
        assert.equal(m.breakerState, 'closed');
        await drive(clock, worker.reconcileOnce());
        assert.equal((await worker.diagnostics()).mismatches.length, 1, 'reported once');
    });

    it('goes on reconciling the other chunks when one read fails', async () => {
        await rig.close();
        rig = await startPresenceRig(clock, { agentsPerUnit: 60 });
        const { config, worker } = make({ SYNC_RECONCILE_MISMATCH_MS: '30000', SYNC_MAX_ATTEMPTS: '1' });
        const agents = rig.agents.slice(0, 60);
        rig.emulator.control.ignorePresenceWrites(true);
        await ingest(
            queue,
            config,
            agents,
            agents.map((agentId) => ({ agentId, reasonCode: 'MEAL', at: clock.now() }))
        );
        await drainAll(worker);
        clock.advance(31_000);
        rig.emulator.control.failNext(1, 503); // the first read (agents 1-50) fails
        await drive(clock, worker.reconcileOnce());
        const d = await worker.diagnostics();
        assert.deepEqual(
            d.mismatches.map((m) => m.agentId),
            agents.slice(50)
        );
    });

    it('keeps every entry when a queue write fails mid-step, and finishes them on the next step', async () => {
        const { config, worker } = make();
        const [a, b] = rig.agents;
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'BREAK', at: clock.now() },
            { agentId: b, reasonCode: 'MEAL', at: clock.now() }
        ]);
        const realAck = queue.ack.bind(queue);
        let failures = 1;
        queue.ack = async (ids) => {
            if (failures-- > 0) throw new Error('redis went away');
            return realAck(ids);
        };
        await assert.rejects(drive(clock, worker.runOnce()), /redis went away/);
        assert.equal(await queue.depth(), 2);
        assert.equal(worker.status().retrying, 2);
        await drive(clock, worker.runOnce());
        assert.equal(await queue.depth(), 0);
        assert.equal(presenceCalls().length, 1, 'already acknowledged states are not sent again');
    });

    it('never sends a transition the matrix refuses, and dead-letters it', async () => {
        const matrix = JSON.stringify({ default: 'allow', rules: [{ from: 'Break', to: 'Meal', action: 'reject' }] });
        const { config, worker } = make({ SYNC_TRANSITIONS_FILE: 'm', 'FILE:m': matrix });
        const [a] = rig.agents;
        await ingest(queue, config, rig.agents, [{ agentId: a, reasonCode: 'BREAK', at: clock.now() }]);
        await drainAll(worker);
        await ingest(queue, config, rig.agents, [{ agentId: a, reasonCode: 'MEAL', at: clock.now() + 1 }]);
        await drainAll(worker);
        assert.deepEqual(
            writes().map((w) => w.presenceDefinitionId),
            [rig.def('Break')]
        );
        const d = await worker.diagnostics();
        assert.deepEqual(
            d.deadLetters.map((l) => l.rejection.code),
            ['ILLEGAL_TRANSITION']
        );
    });

    it('does not send a presence state older than the acknowledged one, but counts it, lists it and logs it once', async () => {
        const { config, worker, metrics, logged } = make({}, 'warn');
        const [a, b] = rig.agents;
        const t = clock.now();
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'AVAIL', at: t },
            { agentId: b, reasonCode: 'AVAIL', at: t }
        ]);
        await drainAll(worker);
        // Entries re-claimed late (their consumer died): a newer state is already acknowledged.
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'BREAK', at: t - 60_000 },
            { agentId: b, reasonCode: 'MEAL', at: t - 60_000 }
        ]);
        await drainAll(worker);
        assert.equal(presenceCalls().length, 1, 'the superseded states are not sent');
        assert.equal(await queue.depth(), 0);
        const d = await worker.diagnostics();
        assert.equal(d.superseded.total, 2);
        assert.deepEqual(
            d.superseded.recent.map((s) => [s.agentId, s.state, s.supersededBy?.state]),
            [
                [a, 'Break', 'Available'],
                [b, 'Meal', 'Available']
            ]
        );
        assert.equal((await metrics.superseded.get()).values[0].value, 2);
        const warned = logged().filter((l) => /superseded/.test(l.msg));
        assert.equal(warned.length, 1, 'logged once');
    });

    it('sends a repair intermediate instead of coalescing it away, in a second round for that agent only', async () => {
        const matrix = JSON.stringify({
            default: 'allow',
            rules: [
                { from: 'Break', to: 'Meal', action: 'repair', viaState: 'Available', viaTarget: rig.def('Available') }
            ]
        });
        const { config, worker } = make({ SYNC_TRANSITIONS_FILE: 'm', 'FILE:m': matrix });
        const [a, b] = rig.agents;
        await ingest(queue, config, rig.agents, [{ agentId: a, reasonCode: 'BREAK', at: clock.now() }]);
        await drainAll(worker);
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'MEAL', at: clock.now() + 1 },
            { agentId: b, reasonCode: 'MEAL', at: clock.now() + 1 }
        ]);
        await drainAll(worker);
        assert.deepEqual(
            writes().map((w) => [w.userId, w.presenceDefinitionId]),
            [
                [a, rig.def('Break')],
                [a, rig.def('Available')],
                [b, rig.def('Meal')],
                [a, rig.def('Meal')]
            ]
        );
        assert.equal(presenceCalls().length, 3);
        assert.equal((await queue.lastAcked([a])).get(a)?.target, rig.def('Meal'));
    });

    it('does not coalesce a batch into a transition the matrix refuses: the state in between is sent first', async () => {
        const matrix = JSON.stringify({ default: 'allow', rules: [{ from: 'Break', to: 'Meal', action: 'reject' }] });
        const { config, worker } = make({ SYNC_TRANSITIONS_FILE: 'm', 'FILE:m': matrix });
        const [a] = rig.agents;
        await ingest(queue, config, rig.agents, [{ agentId: a, reasonCode: 'BREAK', at: clock.now() }]);
        await drainAll(worker);
        // Break → Available → Meal: each step is allowed; Break → Meal is not.
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'AVAIL', at: clock.now() + 1 },
            { agentId: a, reasonCode: 'MEAL', at: clock.now() + 2 }
        ]);
        await drainAll(worker);
        assert.deepEqual(
            writes().map((w) => w.presenceDefinitionId),
            [rig.def('Break'), rig.def('Available'), rig.def('Meal')]
        );
        assert.deepEqual((await worker.diagnostics()).deadLetters, []);
    });

    it('treats a bulk 404 (unknown presence source) as a configuration failure: pending, paused, never dead-lettered', async () => {
        const { config, worker, metrics, logged } = make({ SYNC_PRESENCE_SOURCE_ID: 'no-such-source' });
        const agents = rig.agents.slice(0, 5);
        await ingest(
            queue,
            config,
            agents,
            agents.map((agentId) => ({ agentId, reasonCode: 'BREAK', at: clock.now() }))
        );
        await drive(clock, worker.runOnce());
        assert.deepEqual(
            presenceCalls().map((r) => [r.method, r.status]),
            [['PUT', 404]],
            'no per-user PATCH fallback'
        );
        assert.equal(await queue.depth(), 5, 'every entry stays pending');
        let d = await worker.diagnostics();
        assert.deepEqual(d.deadLetters, []);
        assert.equal(d.configFailure?.status, 404);
        assert.match(d.configFailure!.hint, /SYNC_PRESENCE_SOURCE_ID/);
        assert.equal(d.configFailure!.attempts, 1);
        assert.equal((await metrics.configFailure.get()).values[0].value, 1);
        // Paused: nothing is sent before the retry time.
        assert.equal(await drive(clock, worker.runOnce()), 0);
        assert.equal(presenceCalls().length, 1);
        assert.equal(worker.status().pausedUntil, Date.parse(d.configFailure!.retryAt));
        clock.advanceTo(Date.parse(d.configFailure!.retryAt));
        await drive(clock, worker.runOnce());
        assert.equal(presenceCalls().length, 2, 'retried after the pause');
        d = await worker.diagnostics();
        assert.equal(d.configFailure?.attempts, 2);
        assert.ok(Date.parse(d.configFailure!.retryAt) > clock.now());
        assert.equal(await queue.depth(), 5);
        assert.deepEqual(d.deadLetters, []);
        const errors = logged().filter((l) => l.level === 50);
        assert.equal(errors.length, 1, 'the error is logged once');
        assert.match(errors[0].fix ?? '', /POST \/api\/v2\/presence\/sources/);
    });

    it('tells an unknown user from a wrong source on a bulk 404: that entry is refused, the others delivered, no pause', async () => {
        const { config, worker } = make({});
        const agents = rig.agents.slice(0, 3);
        const ghost = 'deleted-after-ingest';
        const known = [...agents, ghost];
        await ingest(
            queue,
            config,
            known,
            [agents[0], ghost, agents[1], agents[2]].map((agentId) => ({
                agentId,
                reasonCode: 'BREAK',
                at: clock.now()
            }))
        );
        for (let i = 0; i < 5 && (await queue.depth()) > 0; i++) await drive(clock, worker.runOnce());
        const d = await worker.diagnostics();
        assert.equal(d.configFailure, null, 'the source exists: not a configuration failure');
        assert.equal(worker.status().pausedUntil, null);
        assert.deepEqual(
            d.deadLetters.flatMap((l) => (l.item as Array<{ agentId: string }>).map((e) => e.agentId)),
            [ghost]
        );
        assert.match(JSON.stringify(d.deadLetters[0]), /does not know this user/);
        for (const a of agents)
            assert.ok(
                writes().some((w) => w.userId === a && w.presenceDefinitionId === rig.def('Break')),
                `${a} delivered`
            );
        assert.equal(await queue.depth(), 0);
    });

    it('recovers from a bulk 403 once the permission is there: delivered in bulk, nothing dead-lettered', async () => {
        const { config, worker, metrics } = make({});
        const agents = rig.agents.slice(0, 3);
        await ingest(
            queue,
            config,
            agents,
            agents.map((agentId) => ({ agentId, reasonCode: 'MEAL', at: clock.now() }))
        );
        rig.emulator.control.failNext(1, 403);
        await drive(clock, worker.runOnce());
        assert.deepEqual(
            presenceCalls().map((r) => [r.method, r.status]),
            [['PUT', 403]]
        );
        assert.equal(await queue.depth(), 3);
        const d = await worker.diagnostics();
        assert.equal(d.configFailure?.status, 403);
        assert.match(d.configFailure!.hint, /presence:userPresence:edit/);
        clock.advanceTo(Date.parse(d.configFailure!.retryAt));
        await drainAll(worker);
        assert.deepEqual(
            presenceCalls().map((r) => [r.method, r.status]),
            [
                ['PUT', 403],
                ['PUT', 200]
            ]
        );
        assert.deepEqual(new Set(writes().map((w) => w.userId)), new Set(agents));
        const after = await worker.diagnostics();
        assert.equal(after.configFailure, null);
        assert.deepEqual(after.deadLetters, []);
        assert.equal((await metrics.configFailure.get()).values[0].value, 0);
    });

    it('dead-letters a refused transition once, even when the agent is retried', async () => {
        const matrix = JSON.stringify({ default: 'allow', rules: [{ from: 'Break', to: 'Meal', action: 'reject' }] });
        const { config, worker } = make({ SYNC_TRANSITIONS_FILE: 'm', 'FILE:m': matrix, SYNC_MAX_ATTEMPTS: '1' });
        const [a] = rig.agents;
        await ingest(queue, config, rig.agents, [{ agentId: a, reasonCode: 'BREAK', at: clock.now() }]);
        await drainAll(worker);
        await ingest(queue, config, rig.agents, [
            { agentId: a, reasonCode: 'MEAL', at: clock.now() + 1 },
            { agentId: a, reasonCode: 'AVAIL', at: clock.now() + 2 }
        ]);
        // The send fails twice: the agent's entries are retried on two more steps.
        rig.emulator.control.failNext(2, 503);
        await drainAll(worker);
        assert.equal(worker.status().requests, 4);
        const d = await worker.diagnostics();
        assert.deepEqual(
            d.deadLetters.map((l) => l.rejection.code),
            ['ILLEGAL_TRANSITION']
        );
        assert.equal(writes().at(-1)?.presenceDefinitionId, rig.def('Available'));
    });

    it('runs on its own loop after start() and stops cleanly', async () => {
        const { config, worker } = make({ SYNC_POLL_INTERVAL_MS: '100' });
        worker.start();
        await ingest(queue, config, rig.agents, [{ agentId: rig.agents[3], reasonCode: 'BREAK', at: clock.now() }]);
        await drive(
            clock,
            (async () => {
                while (writes().length === 0) await new Promise<void>((r) => setImmediate(r));
            })()
        );
        assert.equal(writes()[0].userId, rig.agents[3]);
        await worker.stop();
        assert.equal(worker.status().running, false);
    });
});
