import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapFrame, mapSnapshot, unitAdherenceTopic } from '../../../src/adapters/genesys/mapping';
import { MAX_CLOCK_SKEW_MS } from '../../../src/domain/adherence/transition';
import { referenceEventBody } from '../../support/referenceAdherence';

const NOW = Date.parse('2023-11-07T16:30:00.000Z');
const MU = referenceEventBody.managementUnitId;
const referenceFrame = {
    topicName: `v2.workforcemanagement.managementunits.${MU}.adherence`,
    version: '2',
    eventBody: referenceEventBody,
    metadata: { CorrelationId: '3f9c8d2e-4444-4a1b-9c2d-5e6f7a8b9c0d' }
};

describe('mapFrame', () => {
    it('maps the reference adherence event to an observation with the user id only', () => {
        const m = mapFrame(JSON.stringify(referenceFrame), NOW);
        assert.equal(m.kind, 'adherence');
        if (m.kind !== 'adherence') return;
        assert.deepEqual(m.observation, {
            userId: '6a3c1f0e-dae3-4a8a-b5ae-d29b46a1b2c3',
            managementUnitId: MU,
            teamId: '8f0d2c11-2222-4b6a-9c3e-1a2b3c4d5e6f',
            teamName: 'Team A',
            adherenceState: 'OutOfAdherence',
            impact: 'Negative',
            scheduledCategory: 'OnQueueWork',
            scheduledActivityCodeId: '0',
            actualCategory: 'OffQueueWork',
            systemPresence: 'Available',
            routingStatus: 'IDLE',
            changedAt: Date.parse('2023-11-07T16:20:03.808Z')
        });
    });

    it('recognises heartbeats, pongs, socket_closing and schedule republish', () => {
        assert.deepEqual(
            mapFrame('{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}', NOW),
            { kind: 'heartbeat' }
        );
        assert.deepEqual(mapFrame('{"topicName":"channel.metadata","eventBody":{"message":"pong"}}', NOW), {
            kind: 'pong'
        });
        assert.deepEqual(mapFrame('{"topicName":"v2.system.socket_closing","eventBody":{}}', NOW), {
            kind: 'socket-closing'
        });
        assert.deepEqual(
            mapFrame(
                JSON.stringify({
                    topicName: `v2.workforcemanagement.managementunits.${MU}.agentschedules.changed`,
                    eventBody: {}
                }),
                NOW
            ),
            {
                kind: 'schedule-changed',
                managementUnitId: MU
            }
        );
    });

    it('reads the agents a schedule change names (agents[].agentId), and none from an empty or odd list', () => {
        const changed = (eventBody: unknown) =>
            mapFrame(
                JSON.stringify({
                    topicName: `v2.workforcemanagement.managementunits.${MU}.agentschedules.changed`,
                    eventBody
                }),
                NOW
            );
        assert.deepEqual(
            changed({
                agents: [
                    { agentId: 'a1', startDate: '2026-11-23T08:00:00Z', endDate: '2026-11-23T17:00:00Z' },
                    { agentId: 'a2' },
                    { startDate: 'x' },
                    'junk'
                ],
                visibilityRange: { endDate: '2026-12-20T00:00:00Z' }
            }),
            { kind: 'schedule-changed', managementUnitId: MU, agentIds: ['a1', 'a2'] }
        );
        assert.deepEqual(changed({ agents: [] }), { kind: 'schedule-changed', managementUnitId: MU });
        assert.deepEqual(changed({ agents: 'all' }), { kind: 'schedule-changed', managementUnitId: MU });
    });

    it('rejects malformed frames, unknown topics and invalid bodies with a stable reason, never throwing', () => {
        assert.deepEqual(mapFrame('{not json', NOW), { kind: 'rejected', reason: 'malformed-json' });
        assert.deepEqual(mapFrame('[1,2]', NOW), { kind: 'rejected', reason: 'not-an-object' });
        assert.deepEqual(mapFrame('{"eventBody":{}}', NOW), { kind: 'rejected', reason: 'missing-topic' });
        assert.equal(
            (mapFrame('{"topicName":"v2.workforcemanagement.adherence","eventBody":{}}', NOW) as { reason: string })
                .reason,
            'unknown-topic'
        );
        const bad = { ...referenceFrame, eventBody: { ...referenceFrame.eventBody, adherenceState: 'Sideways' } };
        assert.equal((mapFrame(JSON.stringify(bad), NOW) as { reason: string }).reason, 'unknown-adherence-state');
        const noUser = { ...referenceFrame, eventBody: { ...referenceFrame.eventBody, user: undefined } };
        assert.equal((mapFrame(JSON.stringify(noUser), NOW) as { reason: string }).reason, 'missing-user-id');
    });

    it('caps a far-future change time at receipt time plus the clock-skew tolerance', () => {
        const future = {
            ...referenceFrame,
            eventBody: { ...referenceFrame.eventBody, adherenceChangeTime: '2030-01-01T00:00:00Z' }
        };
        const m = mapFrame(JSON.stringify(future), NOW);
        assert.equal(m.kind === 'adherence' && m.observation.changedAt, NOW + MAX_CLOCK_SKEW_MS);
    });
});

describe('mapSnapshot', () => {
    it('maps UserScheduleAdherence entities (timeOfAdherenceChange) and counts invalid ones', () => {
        const entities = [
            {
                user: { id: 'u1', selfUri: '/api/v2/users/u1' },
                name: 'Ada',
                managementUnit: { id: MU },
                adherenceState: 'InAdherence',
                impact: 'Neutral',
                timeOfAdherenceChange: '2023-11-07T16:00:00Z'
            },
            { user: { id: 'u2' }, adherenceState: 'OutOfAdherence', timeOfAdherenceChange: '2023-11-07T16:10:00Z' },
            { user: { id: 'u3' }, adherenceState: 'OutOfAdherence' }
        ];
        const { observations, rejected } = mapSnapshot(entities, MU, NOW);
        assert.deepEqual(
            observations.map((o) => [o.userId, o.managementUnitId, o.adherenceState, o.changedAt]),
            [
                ['u1', MU, 'InAdherence', Date.parse('2023-11-07T16:00:00Z')],
                ['u2', MU, 'OutOfAdherence', Date.parse('2023-11-07T16:10:00Z')]
            ]
        );
        assert.deepEqual(rejected, { 'missing-change-time': 1 });
        assert.equal(unitAdherenceTopic('x'), 'v2.workforcemanagement.managementunits.x.adherence');
    });
});
