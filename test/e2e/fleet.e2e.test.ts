import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import type { ConnectorRequest } from '../support/fakeBotConnector';
import { eventually } from '../support/eventually';
import { Fleet, type FleetAgent } from '../support/Fleet';
import { keysUnder, redisUrl } from '../support/redis';

const NUDGE_MS = 3_000;
const ALERT_MS = 6_000;
/** Bounds each scenario: a broken fleet fails here instead of hanging CI. */
const SCENARIO_TIMEOUT_MS = 150_000;
/** The deadline for every card once the fault is over (only a broken fleet gets near it). */
const ALL_CARDS_MS = 90_000;
const ENV = {
    ADHERENCE_NUDGE_AFTER_MS: String(NUDGE_MS),
    ADHERENCE_ALERT_AFTER_MS: String(ALERT_MS),
    ADHERENCE_EXCEPTION_AFTER_MS: String(3_600_000)
};

interface Card {
    kind: 'nudge' | 'alert';
    userId: string;
    /** The outbox key the engine gave it (episode and stage). */
    key: string;
    at: number;
}

/** The agent, episode and kind of a new card the connector received (cards carry the signed action data). */
function cardOf(request: ConnectorRequest): Card | undefined {
    const text = JSON.stringify(request.body ?? {});
    const verb = /"verb":"(ackNudge|acknowledge)"/.exec(text)?.[1];
    const userId = /"userId":"([^"]+)"/.exec(text)?.[1];
    const episodeId = /"episodeId":"([^"]+)"/.exec(text)?.[1];
    if (!verb || !userId || !episodeId || request.kind === 'update') return undefined;
    const kind = verb === 'ackNudge' ? 'nudge' : 'alert';
    return { kind, userId, key: `${episodeId}:${kind}`, at: request.receivedAt };
}

/** The outbox keys whose delivery claim `owner` holds now (not done). */
async function claimsOf(fleet: Fleet, owner: string): Promise<Set<string>> {
    const redis = new Redis(redisUrl, { lazyConnect: true });
    try {
        await redis.connect();
        const prefix = `${fleet.prefix}bot:delivery:`;
        const keys = await keysUnder(redis, prefix);
        const owners = keys.length ? await redis.mget(...keys) : [];
        return new Set(keys.filter((_, i) => owners[i] === owner).map((k) => k.slice(prefix.length)));
    } finally {
        redis.disconnect();
    }
}

/** Whether every one of `keys` is marked delivered. */
async function doneOf(fleet: Fleet, keys: Set<string>): Promise<boolean> {
    if (keys.size === 0) return true;
    const redis = new Redis(redisUrl, { lazyConnect: true });
    try {
        await redis.connect();
        const values = await redis.mget(...[...keys].map((k) => `${fleet.prefix}bot:delivery:${k}`));
        return values.every((v) => v === 'done');
    } finally {
        redis.disconnect();
    }
}

async function readyz(url: string): Promise<number> {
    const res = await fetch(`${url}/readyz`, { headers: { connection: 'close' } });
    await res.arrayBuffer();
    return res.status;
}

/** p-th quantile of `values` (nearest rank). */
function quantile(values: number[], p: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/**
 * One burst on a running fleet: every adherent agent drifts at once (t0). Gives the cards of those agents, their
 * copies by outbox key, and each card's lateness (arrival - when it was due: t0 + the nudge or alert delay).
 */
class Burst {
    readonly drifting: FleetAgent[];
    readonly t0 = Date.now();
    private readonly ids: Set<string>;

    constructor(private readonly fleet: Fleet) {
        this.drifting = fleet.adherentAgents();
        this.ids = new Set(this.drifting.map((a) => a.id));
        for (const agent of this.drifting) fleet.emulator.control.setPresence(agent.id, 'Away');
    }

    cards(): Card[] {
        return this.fleet.connector.posted().flatMap((r) => {
            const card = cardOf(r);
            return card && this.ids.has(card.userId) ? [card] : [];
        });
    }

    /** Resolves once a share of the nudges arrived. */
    async nudged(share: number): Promise<void> {
        await eventually(
            () =>
                this.cards().filter((c) => c.kind === 'nudge').length >= this.drifting.length * share
                    ? true
                    : undefined,
            `${share} of the nudges`,
            { timeoutMs: 60_000 }
        );
    }

    /** Resolves once a nudge and an alert of every drifting agent arrived. */
    async complete(): Promise<void> {
        const expected = this.drifting.length * 2;
        await eventually(
            () => (new Set(this.cards().map((c) => c.key)).size >= expected ? true : undefined),
            `all ${expected} cards`,
            { timeoutMs: ALL_CARDS_MS }
        );
    }

    copies(): Map<string, Card[]> {
        const copies = new Map<string, Card[]>();
        for (const c of this.cards()) copies.set(c.key, [...(copies.get(c.key) ?? []), c]);
        return copies;
    }

    lateness(kind: Card['kind']): number[] {
        const due = this.t0 + (kind === 'nudge' ? NUDGE_MS : ALERT_MS);
        return this.cards()
            .filter((c) => c.kind === kind)
            .map((c) => c.at - due);
    }

    /** Every drifting agent got a nudge and an alert. */
    assertEveryAgentServed(): void {
        const cards = this.cards();
        const served = new Set(cards.map((c) => `${c.userId}:${c.kind}`));
        const missing = this.drifting.flatMap((a) =>
            (['nudge', 'alert'] as const).filter((k) => !served.has(`${a.id}:${k}`)).map((k) => `${k} for ${a.id}`)
        );
        assert.deepEqual(missing, [], 'every agent gets its nudge and its alert');
    }

    summary(): string {
        const nudges = this.lateness('nudge');
        const alerts = this.lateness('alert');
        const last = Math.max(...this.cards().map((c) => c.at)) - this.t0;
        return `${this.drifting.length} agents; lateness after due, nudges p50 ${quantile(nudges, 0.5)} / p99 ${quantile(nudges, 0.99)} ms, alerts p50 ${quantile(alerts, 0.5)} / p99 ${quantile(alerts, 0.99)} ms; all done ${last} ms after the drift`;
    }
}

/** Both processes ready, the agents on queue drifting at once, and a third of them nudged: mid-burst. */
async function burstUnderWay(fleet: Fleet): Promise<Burst> {
    await bothReady(fleet);
    const burst = new Burst(fleet);
    assert.ok(burst.drifting.length >= 200, `enough agents on queue now (${burst.drifting.length})`);
    await burst.nudged(1 / 3);
    return burst;
}

async function bothReady(fleet: Fleet): Promise<void> {
    for (let i = 0; i < fleet.bots.length; i++) {
        const url = await fleet.urlOf(i);
        await eventually(async () => ((await readyz(url)) === 200 ? true : undefined), `bot-${i} ready`);
    }
}

describe('a fleet of two bot processes on one Redis: one killed mid-burst', () => {
    const fleet = new Fleet({ env: ENV });
    before(() => fleet.start());
    after(() => fleet.stop());

    it(
        '300 agents drift at once, one process is SIGKILLed mid-burst and replaced: each nudge and alert arrives once, within the limits, the dead one’s claims go out within 15 s',
        { timeout: SCENARIO_TIMEOUT_MS },
        async () => {
            const burst = await burstUnderWay(fleet);
            // Killed while it holds claims (they last from a send's start to its record): the take-over is measured.
            await eventually(
                async () => ((await claimsOf(fleet, 'bot-0')).size > 0 ? true : undefined),
                'bot-0 sending',
                {
                    timeoutMs: 30_000,
                    intervalMs: 10
                }
            );
            fleet.bots[0].kill('SIGKILL');
            const killedAt = Date.now();
            const inFlightAtKill = await claimsOf(fleet, 'bot-0');
            // A replacement with another name: it may not take the dead process's claims over before their leases end. It
            // starts meanwhile (on a loaded machine loading the sources alone takes seconds): the survivor carries on.
            const replaced = fleet.restart(0, 'bot-0-replacement');
            replaced.catch(() => undefined); // awaited (and its failure reported) at the end
            await burst.complete();
            // Every claim the dead process held is settled by a live one (sent, or found sent) before anything is counted.
            await eventually(
                async () =>
                    (await claimsOf(fleet, 'bot-0')).size === 0 && (await doneOf(fleet, inFlightAtKill))
                        ? true
                        : undefined,
                'the dead process’s claims settled',
                { timeoutMs: 60_000, intervalMs: 250 }
            );

            const copies = burst.copies();
            // A message Teams accepted from a process killed before it recorded the send is sent again by the process
            // that takes its claim over: the one duplicate no delivery to a non-idempotent API can rule out. (The first
            // copy may reach the connector just after the kill: its bytes were on their way.)
            const repeated = [...copies].filter(([, list]) => list.length > 1);
            const unavoidable = repeated.filter(
                ([key, list]) =>
                    list.length === 2 &&
                    inFlightAtKill.has(key) &&
                    list[0].at <= killedAt + 1_000 &&
                    list[1].at > killedAt + 1_000
            );
            const takenOver = [...inFlightAtKill].flatMap(
                (key) => copies.get(key)?.filter((c) => c.at > killedAt) ?? []
            );
            const lastTakenOver = Math.max(killedAt, ...takenOver.map((c) => c.at)) - killedAt;
            const overLimit = fleet.connector.overLimit();
            process.stderr.write(
                `# fleet kill: killed ${killedAt - burst.t0} ms in; ${inFlightAtKill.size} claims held by the dead process, the last sent ${lastTakenOver} ms after its death; ${unavoidable.length} sent again (in flight at the kill); ${overLimit.length} over-limit 429s; ${burst.summary()}\n`
            );
            burst.assertEveryAgentServed();
            assert.deepEqual(
                repeated
                    .filter((r) => !unavoidable.includes(r))
                    .map(([key, list]) => [key, list.map((c) => c.at - killedAt)]),
                [],
                'nothing sent twice but what the dead process had in flight'
            );
            assert.deepEqual(
                overLimit.map((r) => [r.conversationId, r.receivedAt - burst.t0]),
                [],
                'the fleet never exceeds Teams’ limits'
            );
            assert.ok(lastTakenOver <= 15_000, `the dead process's claims go out within 15 s of its death`);
            await replaced;
            assert.equal(await readyz(await fleet.urlOf(0)), 200, 'the replacement is ready');
        }
    );
});

describe('a fleet of two bot processes on one Redis: one cut from Redis for 10 s', () => {
    const fleet = new Fleet({ env: ENV, proxied: true });
    before(() => fleet.start());
    after(() => fleet.stop());

    it(
        '300 agents drift at once, one process loses Redis for 10 s mid-burst: nothing lost, nothing sent twice, within the limits, healthy after',
        { timeout: SCENARIO_TIMEOUT_MS },
        async () => {
            const burst = await burstUnderWay(fleet);
            fleet.proxies[0].cut();
            const cutAt = Date.now();
            const sentBeforeCut = burst.cards().length;
            // The fault itself lasts 10 s of real time: the processes run on the real clock.
            await new Promise((resolve) => setTimeout(resolve, 10_000));
            const sentDuringCut = burst.cards().length - sentBeforeCut;
            fleet.proxies[0].restore();
            await burst.complete();
            const url = await fleet.urlOf(0);
            await eventually(
                async () => ((await readyz(url)) === 200 ? true : undefined),
                'the cut process ready again',
                {
                    timeoutMs: 30_000
                }
            );

            const repeated = [...burst.copies()].filter(([, list]) => list.length > 1);
            const overLimit = fleet.connector.overLimit();
            process.stderr.write(
                `# fleet Redis cut: cut ${cutAt - burst.t0} ms in; ${sentDuringCut} cards sent during the cut; ${repeated.length} sent twice; ${overLimit.length} over-limit 429s; ${burst.summary()}\n`
            );
            burst.assertEveryAgentServed();
            assert.deepEqual(
                repeated.map(([key, list]) => [key, list.map((c) => c.at - cutAt)]),
                [],
                'nothing sent twice'
            );
            assert.deepEqual(
                overLimit.map((r) => [r.conversationId, r.receivedAt - burst.t0]),
                [],
                'the fleet never exceeds Teams’ limits'
            );
            assert.ok(sentDuringCut > 0, 'the other process kept sending during the cut');
            assert.ok(fleet.bots[0].running, 'the cut process is still running');
        }
    );
});
