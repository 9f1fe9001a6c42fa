import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActionSigner } from '../../../src/adapters/teams/ActionSigner';
import {
    BotService,
    type Actor,
    type BotRefusal,
    type BotServiceOptions,
    type EngineActions
} from '../../../src/adapters/teams/BotService';
import { MemoryBotStore } from '../../../src/adapters/teams/MemoryBotStore';
import { defaultPolicy } from '../../../src/engine/engineConfig';
import type { AgentRecord, EpisodeLogEntry, Policy } from '../../../src/domain/adherence/types';
import type { LogQuery } from '../../../src/engine/ports';
import { FakeClock } from '../../support/FakeClock';

const MIN = 60_000;

function record(
    userId: string,
    unit: string,
    startedAt: number,
    impact: 'Negative' | 'Positive' = 'Negative'
): AgentRecord {
    return {
        userId,
        version: 1,
        lastChangeAt: startedAt,
        managementUnitId: unit,
        state: {
            status: 'drifting',
            episode: {
                id: `${userId}@1`,
                userId,
                managementUnitId: unit,
                startedAt,
                impact,
                scheduledCategory: 'Break'
            },
            exceptionDueAt: startedAt + 15 * MIN
        }
    };
}

/** An engine stand-in that records calls; the real engine's refusals are covered by its own tests and the e2e. */
function stubEngine(records: AgentRecord[]) {
    const calls: string[] = [];
    let policy: Policy = defaultPolicy();
    const byId = new Map(records.map((r) => [r.userId, r]));
    const ok = async (name: string, userId: string) => {
        calls.push(name);
        return { ok: true as const, record: byId.get(userId)! };
    };
    const engine: EngineActions = {
        acknowledge: (u) => ok('acknowledge', u),
        snooze: (u) => ok('snooze', u),
        approveOvertime: (u) => ok('approveOvertime', u),
        acknowledgeNudge: (u) => ok('acknowledgeNudge', u),
        setExcluded: async (c, e) => {
            calls.push(`${e ? 'exclude' : 'include'}:${c}`);
            const next = new Set(policy.excludedCategories);
            if (e) next.add(c);
            else next.delete(c);
            policy = { ...policy, excludedCategories: next };
        },
        getPolicy: () => policy,
        agent: (u) => byId.get(u),
        openEpisodes: (f) =>
            records
                .filter((r) => !f?.managementUnitIds || f.managementUnitIds.includes(r.managementUnitId))
                .map((r) => ({ record: r, state: r.state as Extract<AgentRecord['state'], { status: 'drifting' }> }))
    };
    return { engine, calls };
}

async function setup(
    options: {
        supervisors?: Map<string, string[]>;
        channelMembersSupervise?: boolean;
        withReport?: boolean;
        extra?: Partial<BotServiceOptions>;
    } = {}
) {
    const clock = new FakeClock();
    const store = new MemoryBotStore(clock);
    const signer = new ActionSigner('unit-test-secret-0123456789abcdef');
    const now = clock.now();
    const { engine, calls } = stubEngine([
        record('g-a', 'mu-1', now - 12 * MIN),
        record('g-b', 'mu-1', now - 3 * MIN),
        record('g-c', 'mu-2', now - 20 * MIN)
    ]);
    const refusals: BotRefusal[] = [];
    const reports: Array<{ days: number; units: string[] }> = [];
    const service = new BotService({
        engine,
        store,
        signer,
        clock,
        ...(options.withReport
            ? {
                  report: async (days: number, units: string[]) => {
                      reports.push({ days, units });
                      return { type: 'AdaptiveCard', version: '1.5', body: [] };
                  }
              }
            : {}),
        supervisors: options.supervisors ?? new Map([['aad-sup', ['mu-1']]]),
        channelMembersSupervise: options.channelMembersSupervise ?? true,
        userOverrides: new Map(),
        timeZone: 'UTC',
        onRefusal: (r) => refusals.push(r),
        ...options.extra
    });
    await store.saveUser({ teamsUserId: '29:a', genesysUserId: 'g-a' });
    await store.saveUser({ teamsUserId: '29:sup', genesysUserId: 'g-sup', aadObjectId: 'aad-sup' });
    await store.saveUser({ teamsUserId: '29:x', genesysUserId: 'g-x' });
    const sign = (verb: string, userId: string, minutes?: number) => ({
        verb,
        userId,
        episodeId: `${userId}@1`,
        ...(minutes === undefined ? {} : { minutes }),
        sig: signer.sign(verb, userId, `${userId}@1`, minutes)
    });
    return { clock, store, service, calls, refusals, sign, reports, engine };
}

const personal = (teamsUserId: string, aadObjectId?: string): Actor => ({
    teamsUserId,
    aadObjectId,
    conversationId: `a:${teamsUserId}`,
    kind: 'personal'
});
const inChannel = (teamsUserId: string, channel: string, aadObjectId?: string): Actor => ({
    teamsUserId,
    aadObjectId,
    conversationId: channel,
    kind: 'channel'
});

describe('BotService authorization', () => {
    it("refuses an agent's nudge buttons for someone else's card", async () => {
        const { service, sign, calls } = await setup();
        const res = await service.action(personal('29:x'), sign('ackNudge', 'g-a'));
        assert.equal(res.refused, 'not-own');
        assert.deepEqual(calls, []);
        const own = await service.action(personal('29:a'), sign('ackNudge', 'g-a'));
        assert.equal(own.refused, undefined);
        assert.deepEqual(calls, ['acknowledgeNudge']);
    });

    it('lets a configured supervisor act only on agents of their units', async () => {
        const { service, sign, calls } = await setup();
        assert.equal(
            (await service.action(personal('29:sup', 'aad-sup'), sign('acknowledge', 'g-a'))).refused,
            undefined
        );
        assert.equal(
            (await service.action(personal('29:sup', 'aad-sup'), sign('acknowledge', 'g-c'))).refused,
            'not-supervisor'
        );
        assert.deepEqual(calls, ['acknowledge']);
    });

    it("lets members of a unit's subscribed channel act for that unit only", async () => {
        const { service, sign, store } = await setup();
        await store.subscribe('mu-2', '19:ch2');
        assert.equal(
            (await service.action(inChannel('29:x', '19:ch2'), sign('acknowledge', 'g-c'))).refused,
            undefined
        );
        assert.equal(
            (await service.action(inChannel('29:x', '19:ch2'), sign('acknowledge', 'g-a'))).refused,
            'not-supervisor'
        );
        assert.equal(
            (await service.action(inChannel('29:x', '19:other'), sign('acknowledge', 'g-c'))).refused,
            'not-supervisor'
        );
    });

    it('refuses a snooze length that was not offered, an overtime end in the past or too far, and unknown verbs', async () => {
        const { service, sign, clock, calls } = await setup();
        const sup = personal('29:sup', 'aad-sup');
        assert.equal((await service.action(sup, sign('snooze', 'g-a', 45))).refused, 'invalid-input');
        assert.equal(
            (await service.action(sup, { ...sign('approveOvertime', 'g-a'), until: clock.now() - 1 })).refused,
            'invalid-until'
        );
        assert.equal(
            (await service.action(sup, { ...sign('approveOvertime', 'g-a'), until: clock.now() + 13 * 3_600_000 }))
                .refused,
            'invalid-until'
        );
        assert.equal((await service.action(sup, sign('deleteEverything', 'g-a'))).refused, 'unknown-verb');
        assert.equal((await service.action(sup, sign('snooze', 'g-a', 30))).refused, undefined);
        assert.deepEqual(calls, ['snooze']);
    });

    it('refuses an unsigned action and an unknown Teams user, and counts every refusal', async () => {
        const { service, sign, refusals } = await setup();
        assert.equal(
            (await service.action(personal('29:a'), { verb: 'myStatus', userId: 'g-a', episodeId: 'g-a@1' })).refused,
            'forged'
        );
        assert.equal((await service.action(personal('29:nobody'), sign('myStatus', 'g-a'))).refused, 'unknown-user');
        assert.deepEqual(refusals, ['forged', 'unknown-user']);
    });
});

describe('BotService self-action when the actor is not mapped to Genesys', () => {
    it('refuses an unmapped member of the subscribed channel (they may be the agent), and changes nothing', async () => {
        const { service, sign, store, calls } = await setup();
        await store.subscribe('mu-1', '19:team-general');
        const res = await service.action(inChannel('29:unmapped', '19:team-general'), {
            ...sign('approveOvertime', 'g-a'),
            until: String(Date.UTC(2026, 10, 23, 12, 0, 0))
        });
        assert.equal(res.refused, 'unknown-user');
        assert.match(res.message ?? '', /map your account/);
        assert.equal(
            (await service.action(inChannel('29:unmapped', '19:team-general'), sign('acknowledge', 'g-a'))).refused,
            'unknown-user'
        );
        assert.deepEqual(calls, []);
    });

    it('still lets an unmapped configured supervisor of the unit act', async () => {
        const { service, sign, calls } = await setup();
        const res = await service.action(personal('29:sup-unmapped', 'aad-sup'), sign('acknowledge', 'g-a'));
        assert.equal(res.refused, undefined);
        assert.deepEqual(calls, ['acknowledge']);
    });

    it("refuses an actor whose Teams or AAD id is the agent's own, even when configured as a supervisor", async () => {
        const { service, sign, store, calls } = await setup({
            supervisors: new Map([['aad-a', ['mu-1']]])
        });
        await store.saveUser({ teamsUserId: '29:a', genesysUserId: 'g-a', aadObjectId: 'aad-a' });
        const res = await service.action(personal('29:a-elsewhere', 'aad-a'), {
            ...sign('approveOvertime', 'g-a'),
            until: String(Date.UTC(2026, 10, 23, 12, 0, 0))
        });
        assert.equal(res.refused, 'self-action');
        assert.deepEqual(calls, []);
    });
});

describe('BotService nudge buttons', () => {
    it('"Show my adherence" posts the status as a new message and leaves the nudge (and "I\'m on it") in place', async () => {
        const { service, sign } = await setup();
        const res = await service.action(personal('29:a'), sign('myStatus', 'g-a'));
        assert.equal(res.refused, undefined);
        assert.equal(res.asNewMessage, true);
        assert.ok(res.message, 'the card action answers with a message, so the clicked card is kept');
        assert.match(JSON.stringify(res.card), /Your adherence/);
    });

    it('"I\'m on it" after the agent is back in adherence answers with their own status, not a refusal', async () => {
        const { service, sign, engine, refusals, clock } = await setup();
        const back: AgentRecord = { ...record('g-a', 'mu-1', clock.now() - 20 * MIN), state: { status: 'adherent' } };
        engine.agent = () => back;
        engine.acknowledgeNudge = async () => ({ ok: false, reason: 'no-open-episode' });
        const res = await service.action(personal('29:a'), sign('ackNudge', 'g-a'));
        assert.equal(res.refused, undefined);
        assert.deepEqual(refusals, []);
        const text = JSON.stringify(res.card);
        assert.match(text, /back in adherence/);
        assert.doesNotMatch(text, /Not done|not out of adherence any more/);
    });
});

describe('BotService status', () => {
    it("counts today's episodes from local midnight in TEAMS_TIME_ZONE, not from UTC midnight", async () => {
        const queries: LogQuery[] = [];
        const { service, clock } = await setup({
            extra: {
                timeZone: 'America/New_York',
                readLog: async (q: LogQuery): Promise<EpisodeLogEntry[]> => {
                    queries.push(q);
                    return [];
                }
            }
        });
        // 09:00 UTC on 23 November is 04:00 in New York (EST, UTC-5): today began at 05:00 UTC.
        assert.equal(clock.now(), Date.UTC(2026, 10, 23, 9));
        await service.command(personal('29:a'), 'status');
        assert.deepEqual(
            queries.map((q) => q.fromAt),
            [Date.UTC(2026, 10, 23, 5)]
        );
        clock.advanceTo(Date.UTC(2026, 10, 24, 3)); // 22:00 on the 23rd in New York: still the same local day
        await service.command(personal('29:a'), 'status');
        assert.equal(queries[1].fromAt, Date.UTC(2026, 10, 23, 5));
    });
});

describe('BotService commands', () => {
    it('ranks who is drifting now by minutes × impact in a subscribed channel', async () => {
        const { service, store } = await setup();
        await store.subscribe('mu-1', '19:ch1');
        const res = await service.command(inChannel('29:x', '19:ch1'), 'status');
        const text = JSON.stringify(res.card);
        assert.ok(text.indexOf('g-a') < text.indexOf('g-b'), 'the longer drift first');
        assert.doesNotMatch(text, /g-c/, 'only the channel units');
    });

    it("shows who is drifting only to the channel's supervisors when channel membership does not count", async () => {
        const strict = await setup({ channelMembersSupervise: false });
        await strict.store.subscribe('mu-1', '19:ch1');
        const member = await strict.service.command(inChannel('29:x', '19:ch1'), 'status');
        assert.doesNotMatch(JSON.stringify(member.card), /Drifting now/, 'a mere member gets their own status');
        const sup = await strict.service.command(inChannel('29:sup', '19:ch1', 'aad-sup'), 'status');
        assert.match(JSON.stringify(sup.card), /Drifting now/);
    });

    it('changes exclusions for supervisors only and validates the category', async () => {
        const { service, calls } = await setup();
        assert.equal((await service.command(personal('29:x'), 'exclude Break')).refused, 'not-supervisor');
        assert.equal((await service.command(personal('29:sup', 'aad-sup'), 'exclude Lunch')).refused, 'invalid-input');
        const ok = await service.command(personal('29:sup', 'aad-sup'), 'exclude break');
        assert.match(JSON.stringify(ok.card), /Break will no longer trigger alerts/);
        await service.command(personal('29:sup', 'aad-sup'), 'include Break');
        assert.deepEqual(calls, ['exclude:Break', 'include:Break']);
    });

    it('subscribes a channel for a supervisor of the unit and refuses others', async () => {
        const { service, store } = await setup();
        assert.equal((await service.command(inChannel('29:x', '19:ch'), 'subscribe mu-1')).refused, 'not-supervisor');
        assert.equal((await service.command(personal('29:sup', 'aad-sup'), 'subscribe mu-1')).refused, 'invalid-input');
        await service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'subscribe mu-1');
        assert.equal(await store.subscriptionOf('mu-1'), '19:ch');
        await service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'unsubscribe');
        assert.equal(await store.subscriptionOf('mu-1'), undefined);
    });

    it('subscribing a unit clears its "no alert channel" marker, so a later loss of the channel is reported again', async () => {
        const { service, store } = await setup();
        assert.equal(await store.reportOnce('no-channel:mu-1'), true);
        assert.equal(await store.reportOnce('no-channel:mu-1'), false);
        await service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'subscribe mu-1');
        assert.equal(await store.reportOnce('no-channel:mu-1'), true);
    });

    it('answers help and unknown text with the help card', async () => {
        const { service } = await setup();
        assert.match(JSON.stringify((await service.command(personal('29:a'), 'help')).card), /report \[days\]/);
        assert.match(JSON.stringify((await service.command(personal('29:a'), 'gibberish')).card), /didn't understand/);
    });
});

describe('BotService report scope', () => {
    const groupChat = (teamsUserId: string, conversationId: string, aadObjectId?: string): Actor => ({
        teamsUserId,
        aadObjectId,
        conversationId,
        kind: 'groupChat'
    });

    it('refuses the report in a channel or group chat that is not subscribed to a unit, even to a * supervisor', async () => {
        const { service, store, reports, refusals } = await setup({
            withReport: true,
            supervisors: new Map([['aad-boss', ['*']]])
        });
        await store.subscribe('mu-2', '19:mu2-channel');
        const agent = await service.command(groupChat('29:x', '19:random-chat'), 'report 90');
        assert.equal(agent.refused, 'not-subscribed');
        assert.match(agent.message ?? '', /subscribe/);
        const boss = await service.command(inChannel('29:boss', '19:other-channel', 'aad-boss'), 'report');
        assert.equal(boss.refused, 'not-subscribed');
        assert.deepEqual(reports, [], 'no report was computed');
        assert.deepEqual(refusals, ['not-subscribed', 'not-subscribed']);
    });

    it('serves a subscribed channel only its own units, and only to someone who supervises them', async () => {
        const { service, store, reports } = await setup({ withReport: true });
        await store.subscribe('mu-2', '19:mu2-channel');
        await store.subscribe('mu-3', '19:mu2-channel');
        await store.subscribe('mu-1', '19:mu1-channel');
        assert.equal((await service.command(inChannel('29:x', '19:mu2-channel'), 'report 3')).refused, undefined);
        assert.deepEqual(reports, [{ days: 3, units: ['mu-2', 'mu-3'] }]);

        const strict = await setup({ withReport: true, channelMembersSupervise: false });
        await strict.store.subscribe('mu-1', '19:ch');
        await strict.store.subscribe('mu-2', '19:ch');
        const member = await strict.service.command(inChannel('29:x', '19:ch'), 'report');
        assert.equal(member.refused, 'not-supervisor', 'channel membership alone does not authorize here');
        await strict.service.command(inChannel('29:sup', '19:ch', 'aad-sup'), 'report');
        assert.deepEqual(strict.reports, [{ days: 7, units: ['mu-1'] }], "only the supervisor's units of the channel");
    });

    it('gives a supervisor in a personal chat their own units, a * supervisor all, and an agent a clear refusal', async () => {
        const { service, reports } = await setup({
            withReport: true,
            supervisors: new Map([
                ['aad-sup', ['mu-1']],
                ['29:two', ['mu-2', 'mu-3']],
                ['aad-boss', ['*']]
            ])
        });
        await service.command(personal('29:sup', 'aad-sup'), 'report');
        await service.command(personal('29:two'), 'report 2');
        await service.command(personal('29:boss', 'aad-boss'), 'report 1');
        assert.deepEqual(reports, [
            { days: 7, units: ['mu-1'] },
            { days: 2, units: ['mu-2', 'mu-3'] },
            { days: 1, units: [] }
        ]);
        const agent = await service.command(personal('29:a'), 'report');
        assert.equal(agent.refused, 'not-supervisor');
        assert.match(agent.message ?? '', /for supervisors.*status/);
        assert.equal(reports.length, 3);
    });
});
