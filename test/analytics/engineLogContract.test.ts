import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDriftReport } from '../../src/analytics/computeDriftReport';
import type { EpisodeLogEntry } from '../../src/domain/adherence/types';
import { Agent, MIN, T0, back, out } from '../support/adherence';

const DAY = 86_400_000;

function logOfAgents(agents: Agent[]): EpisodeLogEntry[] {
    return agents
        .flatMap((a) => a.effects.flatMap((e) => (e.type === 'LogEpisode' ? [e.entry] : [])))
        .sort((x, y) => x.at - y.at);
}

describe('drift report over the log the real engine transition writes', () => {
    it('reads self-correction, acknowledge time, exceptions and suppressions from engine entries', () => {
        const corrected = new Agent();
        corrected.observe(out(T0, { userId: 'agent-1' }));
        corrected.tick(T0 + 6 * MIN);
        corrected.now = T0 + 8 * MIN;
        corrected.observe(back(T0 + 8 * MIN, { userId: 'agent-1' }));

        const escalated = new Agent();
        escalated.observe(out(T0, { userId: 'agent-2', scheduledCategory: 'Break' }));
        escalated.tick(T0 + 6 * MIN);
        escalated.tick(T0 + 10 * MIN);
        escalated.now = T0 + 13 * MIN;
        escalated.ack('sup-9');
        escalated.tick(T0 + 15 * MIN);
        escalated.now = T0 + 20 * MIN;
        escalated.observe(back(T0 + 20 * MIN, { userId: 'agent-2' }));

        const meeting = new Agent(undefined, T0 + 60 * MIN);
        meeting.observe(out(T0 + 60 * MIN, { userId: 'agent-3', scheduledCategory: 'Meeting' }));
        meeting.tick(T0 + 66 * MIN);
        meeting.tick(T0 + 70 * MIN);
        meeting.now = T0 + 72 * MIN;
        meeting.observe(back(T0 + 72 * MIN, { userId: 'agent-3' }));

        assert.deepEqual(escalated.logTypes(), ['start', 'nudge', 'alert', 'acknowledge', 'exception', 'resolve']);

        const report = computeDriftReport({
            entries: logOfAgents([corrected, escalated, meeting]),
            current: { fromAt: T0 - DAY, toAt: T0 + DAY },
            timeZoneOf: () => 'UTC'
        });
        assert.equal(report.totals.episodes, 3);
        assert.equal(report.totals.driftMinutes, 8 + 20 + 12);
        assert.equal(report.totals.selfCorrected, 1);
        assert.equal(report.totals.selfCorrectionRate, 0.5);
        assert.equal(report.totals.ackMedianMs, 3 * MIN);
        assert.equal(report.totals.exceptions, 1);
        assert.equal(
            report.totals.suppressed.excluded,
            meeting.logTypes().filter((t) => t === 'suppressed:excluded').length
        );
        assert.ok(report.totals.suppressed.excluded >= 1);
        assert.deepEqual(
            report.byActivity.map((a) => [a.category, a.episodes, a.driftMinutes]),
            [
                ['Break', 1, 20],
                ['Meeting', 1, 12],
                ['OnQueueWork', 1, 8]
            ]
        );
    });
});
