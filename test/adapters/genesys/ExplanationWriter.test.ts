import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExplanationWriter, type ExplanationWrite } from '../../../src/adapters/genesys/ExplanationWriter';
import type { Episode, ExplanationResult } from '../../../src/domain/adherence/types';
import { startRig, type Rig } from './support';

describe('ExplanationWriter against the emulator', () => {
    let rig: Rig;
    let writer: ExplanationWriter;
    const reported: Array<{ episode: Episode; result: ExplanationResult }> = [];
    before(async () => {
        rig = await startRig({ units: 1, agentsPerUnit: 4, rateLimitPerMinute: 0 }, { maxAttempts: 1 });
        writer = new ExplanationWriter({
            client: rig.client,
            clock: rig.clock,
            sleep: async (ms) => rig.clock.advance(ms),
            jobPollMs: 1_000,
            jobPolls: 5,
            sink: { explanationRecorded: async (episode, result) => void reported.push({ episode, result }) }
        });
    });
    after(() => rig.close());

    function addOf(agentIndex: number, backInMinutes?: number): Extract<ExplanationWrite, { kind: 'explanation-add' }> {
        const userId = rig.emulator.control.center.units[0].agentIds[agentIndex];
        const startedAt = rig.clock.now() - 7 * 60_000;
        const episode: Episode = { id: `${userId}@x`, userId, managementUnitId: 'mu', startedAt, impact: 'Negative' };
        const explanation = {
            reason: 'System or tool problem',
            note: 'VPN down',
            at: rig.clock.now(),
            genesys: { status: 'sending' as const },
            ...(backInMinutes === undefined ? {} : { backInMinutes })
        };
        return { kind: 'explanation-add', key: `${episode.id}:explanation`, episode, at: rig.clock.now(), explanation };
    }

    it('adds a Late, Pending explanation from the drift start, waits for its job and reports its id', async () => {
        rig.emulator.control.explanationJobsProcessFor(2_500);
        const n = addOf(0, 5);
        reported.length = 0;
        await writer.write(n);
        const [{ result }] = reported;
        assert.ok(result.ok);
        const stored = rig.emulator.control.explanations.get(result.explanationId)!;
        assert.deepEqual(
            [stored.type, stored.status, stored.startDate, stored.lengthMinutes, stored.notes],
            [
                'Late',
                'Pending',
                new Date(n.episode.startedAt).toISOString(),
                7 + 5,
                'System or tool problem: VPN down (back in 5 min)'
            ]
        );
        const jobReads = rig.emulator.control.requests.filter((r) => r.path.includes('/explanations/jobs/'));
        assert.deepEqual(
            jobReads.map((r) => r.status),
            [200, 200, 200, 200],
            'Processing until 2.5 s, then Complete'
        );

        rig.emulator.control.explanationJobsProcessFor(0);
        await writer.write({
            kind: 'explanation-decide',
            key: `${n.episode.id}:decision`,
            episode: n.episode,
            at: rig.clock.now(),
            explanationId: result.explanationId,
            outcome: 'Approved'
        });
        assert.equal(stored.status, 'Approved');
        const agent = rig.emulator.control.center.agents.get(n.episode.userId)!;
        rig.emulator.control.setPresence(agent.id, agent.systemPresence === 'Away' ? 'Available' : 'Away');
        assert.notEqual(agent.adherence.adherenceState, 'OutOfAdherence', 'covered by the approved explanation');
    });

    it('reports a missing permission as forbidden at once, without retrying', async () => {
        rig.emulator.control.revokePermissions('wfm:adherenceExplanation:add');
        reported.length = 0;
        rig.emulator.control.clearRequests();
        try {
            await writer.write(addOf(1));
        } finally {
            rig.emulator.control.setPermissions(undefined);
        }
        assert.deepEqual(
            reported.map((r) => r.result),
            [{ ok: false, error: 'forbidden' }]
        );
        assert.equal(rig.emulator.control.requests.filter((r) => r.method === 'POST' && r.status === 403).length, 1);
    });

    it('throws when Genesys is unreachable (the outbox retries), and reports unreachable when the outbox gives up', async () => {
        reported.length = 0;
        rig.emulator.control.failNext(1, 503, /adherence\/explanations/);
        const n = addOf(2);
        await assert.rejects(writer.write(n));
        assert.equal(reported.length, 0, 'nothing reported while the outbox may retry');
        assert.equal(rig.emulator.control.explanations.size, 1, 'nothing recorded');
        await writer.abandoned(n);
        assert.deepEqual(
            reported.map((r) => r.result),
            [{ ok: false, error: 'unreachable' }]
        );
    });
});
