import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import type { ConnectorRequest } from '../support/fakeBotConnector';
import { eventually } from '../support/eventually';
import { Fleet, type FleetAgent } from '../support/Fleet';
import { keysUnder, redisUrl } from '../support/redis';

const NUDGE_MS = 3_000;
const ALERT_MS = 6_000;

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

interface Card {
    kind: 'nudge' | 'alert';
    userId: string;
    /** The outbox key the engine gave it (episode and stage). */
    key: string;
    at: number;
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

describe('a fleet of two bot processes on one Redis', () => {
    const fleet = new Fleet({
        env: {
            ADHERENCE_NUDGE_AFTER_MS: String(NUDGE_MS),
            ADHERENCE_ALERT_AFTER_MS: String(ALERT_MS),
            ADHERENCE_EXCEPTION_AFTER_MS: String(3_600_000)
        }
    });
    before(() => fleet.start());
    after(() => fleet.stop());

    it('300 agents drift at once, one process is killed mid-burst and restarted: each nudge and alert arrives once, the dead one’s claims go out within 15 s', async () => {
        const drifting: FleetAgent[] = fleet.adherentAgents();
        assert.ok(drifting.length >= 200, `enough agents on queue now (${drifting.length})`);
        for (const bot of fleet.bots)
            await eventually(async () => {
                const url = String((await bot.waitForLog((l) => l.msg === 'adherence drift bot listening')).url);
                const res = await fetch(`${url}/readyz`);
                return res.status === 200 ? true : undefined;
            }, 'both bots ready');

        const t0 = Date.now();
        for (const agent of drifting) fleet.emulator.control.setPresence(agent.id, 'Away');
        const ids = new Set(drifting.map((a) => a.id));
        const cards = () => fleet.connector.posted().flatMap((r) => cardOf(r) ?? []);
        await eventually(
            () => (cards().filter((c) => c.kind === 'nudge').length >= drifting.length / 3 ? true : undefined),
            'a third of the nudges'
        );
        fleet.bots[0].kill('SIGKILL');
        const killedAt = Date.now();
        const inFlightAtKill = await claimsOf(fleet, 'bot-0');
        await fleet.restart(0);

        const expected = drifting.length * 2;
        const ours = () => cards().filter((c) => ids.has(c.userId));
        await eventually(
            () => (new Set(ours().map((c) => c.key)).size >= expected ? true : undefined),
            `all ${expected} cards`,
            {
                timeoutMs: 60_000
            }
        );
        const copies = new Map<string, Card[]>();
        for (const c of cards()) copies.set(c.key, [...(copies.get(c.key) ?? []), c]);
        // A message Teams accepted from a process killed before it recorded the send is sent again by the process that
        // takes its claim over: the one duplicate no delivery to a non-idempotent API can rule out. Only those may repeat.
        const repeated = [...copies].filter(([, list]) => list.length > 1);
        const unavoidable = repeated.filter(
            ([key, list]) =>
                list.length === 2 && inFlightAtKill.has(key) && list[0].at <= killedAt && list[1].at > killedAt
        );
        const takenOver = [...inFlightAtKill].flatMap((key) => copies.get(key)?.filter((c) => c.at > killedAt) ?? []);
        const lastTakenOver = Math.max(killedAt, ...takenOver.map((c) => c.at));
        process.stderr.write(
            `# fleet kill: ${drifting.length} agents drifted; killed ${killedAt - t0} ms in; ${inFlightAtKill.size} claims held by the dead process, the last sent ${lastTakenOver - killedAt} ms after its death; ${unavoidable.length} sent again (in flight at the kill); ${fleet.connector.overLimit().length} over-limit 429s; all done ${Math.max(...ours().map((c) => c.at)) - t0} ms after the drift\n`
        );
        for (const agent of drifting)
            for (const kind of ['nudge', 'alert'])
                assert.ok(
                    ours().some((c) => c.userId === agent.id && c.kind === kind),
                    `${kind} for ${agent.id}`
                );
        assert.deepEqual(
            repeated
                .filter((r) => !unavoidable.includes(r))
                .map(([key, list]) => [key, list.map((c) => c.at - killedAt)]),
            [],
            'nothing sent twice but what the dead process had in flight'
        );
        assert.ok(lastTakenOver - killedAt <= 15_000, `the dead process's claims go out within 15 s of its death`);
    });
});
