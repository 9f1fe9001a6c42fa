import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import type { ConnectorRequest } from '../support/fakeBotConnector';
import { eventually } from '../support/eventually';
import { Fleet, type FleetAgent } from '../support/Fleet';
import { keysUnder, redisUrl } from '../support/redis';

const NUDGE_MS = 3_000;
const ALERT_MS = 6_000;

/** The agent id and kind of a card the connector received (cards carry the signed action data). */
function cardOf(request: ConnectorRequest): { kind: 'nudge' | 'alert'; userId: string } | undefined {
    const text = JSON.stringify(request.body ?? {});
    const verb = /"verb":"(ackNudge|acknowledge)"/.exec(text)?.[1];
    const userId = /"userId":"([^"]+)"/.exec(text)?.[1];
    if (!verb || !userId || request.kind === 'update') return undefined;
    return { kind: verb === 'ackNudge' ? 'nudge' : 'alert', userId };
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

    it('300 agents drift at once, one process is killed mid-burst and restarted: each nudge and alert arrives once, within the limits, the dead one’s work within 15 s', async () => {
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
        const cards = () =>
            fleet.connector.posted().flatMap((r) => {
                const card = cardOf(r);
                return card ? [{ ...card, at: r.receivedAt }] : [];
            });
        await eventually(
            () => (cards().filter((c) => c.kind === 'nudge').length >= drifting.length / 3 ? true : undefined),
            'a third of the nudges'
        );
        fleet.bots[0].kill('SIGKILL');
        const killedAt = Date.now();
        const redis = new Redis(redisUrl, { lazyConnect: true });
        await redis.connect();
        const claimKeys = await keysUnder(redis, `${fleet.prefix}bot:delivery:`);
        const owners = claimKeys.length ? await redis.mget(...claimKeys) : [];
        redis.disconnect();
        const heldByDead = new Set(
            claimKeys.filter((_, i) => owners[i] === 'bot-0').map((k) => k.slice(`${fleet.prefix}bot:delivery:`.length))
        );
        await fleet.restart(0);

        const expected = drifting.length * 2;
        const ids = new Set(drifting.map((a) => a.id));
        const ours = () => cards().filter((c) => ids.has(c.userId));
        await eventually(() => (ours().length >= expected ? true : undefined), `all ${expected} cards`, {
            timeoutMs: 60_000
        });
        const all = ours();
        const perAgent = new Map<string, number>();
        for (const c of cards())
            perAgent.set(`${c.kind}:${c.userId}`, (perAgent.get(`${c.kind}:${c.userId}`) ?? 0) + 1);
        for (const agent of drifting) {
            assert.equal(perAgent.get(`nudge:${agent.id}`), 1, `one nudge for ${agent.id}`);
            assert.equal(perAgent.get(`alert:${agent.id}`), 1, `one alert for ${agent.id}`);
        }
        assert.deepEqual(
            [...perAgent].filter(([, n]) => n > 1),
            [],
            'nothing twice, for any agent'
        );
        assert.deepEqual(fleet.connector.overLimit(), [], 'no 429 caused by the fleet exceeding the limits');
        const lastAt = Math.max(...all.map((c) => c.at));
        process.stderr.write(
            `# fleet kill: ${drifting.length} agents, killed ${killedAt - t0} ms after the drift, ${heldByDead.size} claims held by the dead process, all delivered ${lastAt - t0} ms after the drift (${lastAt - killedAt} ms after the kill)\n`
        );
        assert.ok(
            lastAt - killedAt <= 15_000 + (expected / 50) * 1_000,
            'the dead process’s work goes out within 15 s (plus the app rate’s queue)'
        );
    });
});
