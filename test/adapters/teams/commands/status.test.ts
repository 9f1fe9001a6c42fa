import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EpisodeLogEntry } from '../../../../src/domain/adherence/types';
import type { LogQuery } from '../../../../src/engine/ports';
import { ShiftRouting } from '../../../../src/adapters/teams/ShiftRouting';
import { inChannel, MIN, personal, setup } from '../botServiceFixture';

describe('status command', () => {
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

    it('counts a night-shift episode over midnight on today with only its minutes after midnight', async () => {
        const now = Date.UTC(2026, 10, 23, 9);
        // g-a drifted 22:00 to 08:00 (600 min, 480 of them today) and is drifting again since 08:48 (the fixture).
        const startedAt = Date.UTC(2026, 10, 22, 22);
        const night: EpisodeLogEntry[] = [
            {
                type: 'start',
                at: startedAt,
                startedAt,
                episodeId: 'g-a@night',
                userId: 'g-a',
                managementUnitId: 'mu-1'
            },
            {
                type: 'resolve',
                at: startedAt + 600 * MIN,
                startedAt,
                durationMs: 600 * MIN,
                episodeId: 'g-a@night',
                userId: 'g-a',
                managementUnitId: 'mu-1'
            }
        ];
        const { service, clock } = await setup({
            extra: { readLog: async (q: LogQuery) => night.filter((e) => e.at >= q.fromAt && e.at < q.toAt) }
        });
        assert.equal(clock.now(), now);
        const res = await service.command(personal('29:a'), 'status');
        const facts = JSON.stringify(res.card);
        assert.match(facts, /"title":"Episodes today","value":"2"/);
        assert.match(facts, /"title":"Minutes out today","value":"492"/);
    });

    it("lists today's explanations with their time, reason and outcome, or that they wait for a decision", async () => {
        const now = Date.UTC(2026, 10, 23, 9);
        const line = (
            type: EpisodeLogEntry['type'],
            episodeId: string,
            at: number,
            more: Partial<EpisodeLogEntry> = {}
        ) => ({ type, at, episodeId, userId: 'g-a', managementUnitId: 'mu-1', ...more }) as EpisodeLogEntry;
        const reason = (r: string) => ({ explanationReason: r });
        const log: EpisodeLogEntry[] = [
            // Yesterday's explanation, decided today: not one of today's.
            line('explained', 'g-a@y', Date.UTC(2026, 10, 22, 23, 50), reason('My supervisor asked me')),
            line('explanation-decided', 'g-a@y', Date.UTC(2026, 10, 23, 0, 5), {
                ...reason('My supervisor asked me'),
                outcome: 'Approved',
                by: 'sup'
            }),
            line('explained', 'g-a@1', Date.UTC(2026, 10, 23, 7, 42), reason('Still with a customer')),
            line('explanation-recorded', 'g-a@1', Date.UTC(2026, 10, 23, 7, 42)),
            line('explanation-decided', 'g-a@1', Date.UTC(2026, 10, 23, 7, 50), {
                ...reason('Still with a customer'),
                outcome: 'Denied',
                by: 'sup'
            }),
            line('explained', 'g-a@2', Date.UTC(2026, 10, 23, 8, 55), reason('System [or] tool problem')),
            line('explanation-recorded', 'g-a@2', Date.UTC(2026, 10, 23, 8, 56), { error: 'unreachable' }),
            // Somebody else's explanation in the same unit.
            { ...line('explained', 'g-b@1', Date.UTC(2026, 10, 23, 8, 0), reason('Other')), userId: 'g-b' }
        ];
        const { service, clock } = await setup({
            extra: { readLog: async (q: LogQuery) => log.filter((e) => e.at >= q.fromAt && e.at < q.toAt) }
        });
        assert.equal(clock.now(), now);
        const card = (await service.command(personal('29:a'), 'status')).card as unknown as {
            body: Array<Record<string, unknown>>;
        };
        const heading = card.body.findIndex((e) => e.text === "Today's explanations");
        assert.ok(heading > 0, JSON.stringify(card));
        assert.deepEqual(card.body[heading + 1], {
            type: 'FactSet',
            facts: [
                { title: '07:42 UTC', value: 'Still with a customer · denied' },
                {
                    title: '08:55 UTC',
                    value: 'System \\[or\\] tool problem · waiting for a decision · not recorded in Genesys'
                }
            ]
        });
        // Without explanations today the section is left out.
        const other = await setup({ extra: { readLog: async () => [] } });
        const plain = JSON.stringify((await other.service.command(personal('29:a'), 'status')).card);
        assert.doesNotMatch(plain, /Today's explanations/);
        assert.match(plain, /"title":"Episodes today"/);
    });

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

    it("shows the routing of the channel's units: each subscription's hours, who gets alerts now, when they are held", async () => {
        const { service, store, clock } = await setup({
            extra: ({ store, clock }) => ({
                routing: new ShiftRouting({ store, clock, timeZoneOf: () => 'UTC', refreshMs: 0 })
            })
        });
        await store.saveConversation('19:eve', {
            kind: 'channel',
            savedAt: 1,
            reference: {
                channelId: 'msteams',
                serviceUrl: 'http://x/',
                conversation: { id: '19:eve', name: 'Evening' }
            }
        });
        await store.subscribe('mu-1', '19:day', { from: 360, to: 840, days: [1, 2, 3, 4, 5] });
        await store.subscribe('mu-1', '19:eve', { from: 840, to: 1320, days: [0, 1, 2, 3, 4, 5, 6] });
        const text = () => service.command(inChannel('29:x', '19:day'), 'status').then((r) => JSON.stringify(r.card));
        assert.match(
            await text(),
            /"title":"Alerts of mu-1","value":"here 06:00-14:00 mon-fri \(alerts now\) · Evening 14:00-22:00"/
        );
        clock.advanceTo(Date.UTC(2026, 10, 23, 23)); // Monday 23:00 UTC
        assert.match(await text(), /nobody on shift now: alerts held until Tue 06:00 \(UTC\)/);
    });

    it("shows the agent's scheduled activity now and the next with its start time, once the schedule is loaded", async () => {
        const prefetched: string[] = [];
        let loaded = false;
        const now = Date.UTC(2026, 10, 23, 9);
        const { service } = await setup({
            extra: {
                timeZone: 'Europe/Dublin',
                schedule: {
                    scheduleAt: () =>
                        loaded
                            ? {
                                  current: { label: 'On queue', endAt: now + 20 * MIN },
                                  next: { label: 'Break', startAt: now + 20 * MIN }
                              }
                            : undefined,
                    prefetch: (userId, unit) => void prefetched.push(`${userId}@${unit}`)
                }
            }
        });
        const first = JSON.stringify((await service.command(personal('29:a'), 'status')).card);
        assert.doesNotMatch(first, /Scheduled now/);
        assert.deepEqual(prefetched, ['g-a@mu-1'], 'asked to load the schedule');
        loaded = true;
        const text = JSON.stringify((await service.command(personal('29:a'), 'status')).card);
        assert.match(text, /"title":"Scheduled now","value":"On queue until 09:20"/);
        assert.match(text, /"title":"Next","value":"Break at 09:20, in 20 min"/);
    });
});
