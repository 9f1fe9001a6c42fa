import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EpisodeLogEntry } from '../../../../src/domain/adherence/types';
import type { LogQuery } from '../../../../src/engine/ports';
import { inChannel, personal, setup } from '../botServiceFixture';

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
});
