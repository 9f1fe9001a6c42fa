import { ActionSigner } from '../../../src/adapters/teams/ActionSigner';
import { BotService, type BotServiceOptions } from '../../../src/adapters/teams/BotService';
import type { Actor, BotRefusal } from '../../../src/adapters/teams/HandlerContext';
import { MemoryBotStore } from '../../../src/adapters/teams/MemoryBotStore';
import type { EngineActions } from '../../../src/adapters/teams/ports';
import { defaultPolicy } from '../../../src/engine/engineConfig';
import type { AgentRecord, Policy } from '../../../src/domain/adherence/types';
import { FakeClock } from '../../support/FakeClock';

/* The shared set-up of the inbound handler tests (BotService, commands/, actions/). */

export const MIN = 60_000;

export function record(
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
export function stubEngine(records: AgentRecord[]) {
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
        explain: (u) => ok('explain', u),
        decideExplanation: (u, _e, outcome) => ok(`decideExplanation:${outcome}`, u),
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

/** A `BotService` over a memory bot store and a recording engine stand-in, with three agents and a supervisor. */
export async function setup(
    options: {
        supervisors?: Map<string, string[]>;
        channelMembersSupervise?: boolean;
        withReport?: boolean;
        /** More options, or a function of the store and clock giving them (e.g. on-shift routing over the store). */
        extra?:
            | Partial<BotServiceOptions>
            | ((parts: { store: MemoryBotStore; clock: FakeClock }) => Partial<BotServiceOptions>);
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
        ...(typeof options.extra === 'function' ? options.extra({ store, clock }) : options.extra)
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

export const personal = (teamsUserId: string, aadObjectId?: string): Actor => ({
    teamsUserId,
    aadObjectId,
    conversationId: `a:${teamsUserId}`,
    kind: 'personal'
});
export const inChannel = (teamsUserId: string, channel: string, aadObjectId?: string): Actor => ({
    teamsUserId,
    aadObjectId,
    conversationId: channel,
    kind: 'channel'
});
