import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentDayFigures } from '../../src/analytics/agentDay';
import type { EpisodeLogEntry } from '../../src/domain/adherence/types';
import { logOf } from '../support/episodeLog';

const at = (d: number, h: number, mi = 0) => Date.UTC(2026, 10, d, h, mi);
const DAY_START = at(23, 0);
/** What `readLog({ fromAt: DAY_START })` returns of a log: the lines logged today. */
const today = (log: EpisodeLogEntry[]) => log.filter((e) => e.at >= DAY_START);

describe('agentDayFigures', () => {
    it("counts an episode over midnight once, with only the minutes after the day's start (the night shift)", () => {
        // 22:00 to 13:34 the next day: 934 min in all, 814 of them today.
        const log = today(logOf({ id: 'n', userId: 'u', startedAt: at(22, 22), nudge: 6, alert: 10, resolve: 934 }));
        assert.deepEqual(
            log.map((e) => e.type),
            ['resolve'],
            "only the resolution is in today's log"
        );
        assert.deepEqual(agentDayFigures(log, 'u', DAY_START, at(23, 15)), { episodes: 1, minutes: 814 });
    });

    it("adds today's episodes whole and the open one up to now, even when it logged nothing today", () => {
        const log = today(
            logOf(
                { id: 'a', userId: 'u', startedAt: at(23, 9), resolve: 20 },
                { id: 'b', userId: 'u', startedAt: at(23, 11), nudge: 6, resolve: 7 },
                { id: 'other', userId: 'v', startedAt: at(23, 10), resolve: 60 }
            )
        );
        const now = at(23, 12);
        assert.deepEqual(agentDayFigures(log, 'u', DAY_START, now), { episodes: 2, minutes: 27 });
        const open = { id: 'o', startedAt: at(22, 23, 30) };
        assert.deepEqual(agentDayFigures(log, 'u', DAY_START, now, open), { episodes: 3, minutes: 27 + 12 * 60 });
    });

    it('counts an open episode that started today once, up to now', () => {
        const log = today(logOf({ id: 'o', userId: 'u', startedAt: at(23, 11, 50), nudge: 6 }));
        const open = { id: 'o', startedAt: at(23, 11, 50) };
        assert.deepEqual(agentDayFigures(log, 'u', DAY_START, at(23, 12), open), { episodes: 1, minutes: 10 });
    });

    it('leaves out lines without an episode (dampened observations)', () => {
        const loose: EpisodeLogEntry = {
            type: 'suppressed',
            at: at(23, 8),
            userId: 'u',
            managementUnitId: 'mu1',
            stage: 'nudge',
            reason: 'dampened'
        };
        assert.deepEqual(agentDayFigures([loose], 'u', DAY_START, at(23, 9)), { episodes: 0, minutes: 0 });
    });
});
