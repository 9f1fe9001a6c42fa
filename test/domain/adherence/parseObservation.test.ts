import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAdherenceBody } from '../../../src/domain/adherence/parseObservation';
import { MAX_CLOCK_SKEW_MS } from '../../../src/domain/adherence/observeTransitions';
import { referenceEventBody } from '../../support/referenceAdherence';

const NOW = Date.UTC(2023, 10, 7, 17, 0, 0);

/** The reference's example event body, verbatim. */
const eventBody = referenceEventBody;

describe('parseAdherenceBody', () => {
    it('maps the reference notification body (user id only, no name)', () => {
        const r = parseAdherenceBody(eventBody, NOW);
        assert.ok(r.ok);
        assert.deepEqual(r.observation, {
            userId: '6a3c1f0e-dae3-4a8a-b5ae-d29b46a1b2c3',
            managementUnitId: '52e1c6a5-4270-4cd1-8b09-850e3290aa11',
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

    it('maps a REST snapshot entity (timeOfAdherenceChange, managementUnit reference)', () => {
        const { adherenceChangeTime: _a, managementUnitId: _m, ...rest } = eventBody;
        const r = parseAdherenceBody(
            {
                ...rest,
                name: 'Ana',
                managementUnit: { id: 'mu-9', selfUri: '/x' },
                timeOfAdherenceChange: '2023-11-07T16:20:03Z'
            },
            NOW
        );
        assert.ok(r.ok);
        assert.equal(r.observation.managementUnitId, 'mu-9');
        assert.equal(r.observation.changedAt, Date.parse('2023-11-07T16:20:03Z'));
    });

    it('keeps a change time slightly ahead (source clock skew) and caps a far-future one at the tolerance', () => {
        const ahead = parseAdherenceBody(
            { ...eventBody, adherenceChangeTime: new Date(NOW + 3_000).toISOString() },
            NOW
        );
        assert.ok(ahead.ok);
        assert.equal(ahead.observation.changedAt, NOW + 3_000);
        const r = parseAdherenceBody({ ...eventBody, adherenceChangeTime: '2030-01-01T00:00:00Z' }, NOW);
        assert.ok(r.ok);
        assert.equal(r.observation.changedAt, NOW + MAX_CLOCK_SKEW_MS);
    });

    it('takes timeOfAdherenceChange when adherenceChangeTime is null', () => {
        const r = parseAdherenceBody(
            { ...eventBody, adherenceChangeTime: null, timeOfAdherenceChange: '2023-11-07T16:20:03.808Z' },
            NOW
        );
        assert.ok(r.ok, JSON.stringify(r));
        assert.equal(r.observation.changedAt, Date.UTC(2023, 10, 7, 16, 20, 3, 808));
        const neither = parseAdherenceBody({ ...eventBody, adherenceChangeTime: null }, NOW);
        assert.deepEqual(neither, { ok: false, reason: 'missing-change-time', field: 'timeOfAdherenceChange' });
    });

    it('refuses each kind of bad input with a specific reason and field', () => {
        const cases: Array<[unknown, string, string?]> = [
            [null, 'not-an-object'],
            [[], 'not-an-object'],
            [{ ...eventBody, user: {} }, 'missing-user-id', 'user.id'],
            [{ ...eventBody, user: { id: 42 } }, 'wrong-type', 'user.id'],
            [{ ...eventBody, managementUnitId: undefined }, 'missing-management-unit'],
            [{ ...eventBody, adherenceState: undefined }, 'missing-adherence-state'],
            [{ ...eventBody, adherenceState: 'Drifting' }, 'unknown-adherence-state'],
            [{ ...eventBody, impact: 'Huge' }, 'unknown-impact'],
            [{ ...eventBody, adherenceChangeTime: undefined }, 'missing-change-time'],
            [{ ...eventBody, adherenceChangeTime: 'yesterday' }, 'bad-change-time'],
            [{ ...eventBody, adherenceChangeTime: '2023-11-07T16:20:03' }, 'bad-change-time'],
            [{ ...eventBody, adherenceChangeTime: 1699374003808 }, 'wrong-type'],
            [{ ...eventBody, systemPresence: 7 }, 'wrong-type', 'systemPresence'],
            [{ ...eventBody, routingStatus: 7 }, 'wrong-type', 'routingStatus']
        ];
        for (const [body, reason, field] of cases) {
            const r = parseAdherenceBody(body, NOW);
            assert.equal(r.ok, false, JSON.stringify(body));
            if (!r.ok) {
                assert.equal(r.reason, reason, JSON.stringify(body));
                if (field) assert.equal(r.field, field);
            }
        }
    });

    it('keeps a category it does not know as sent (categories are free strings in the topic model) and names its field', () => {
        const r = parseAdherenceBody(
            { ...eventBody, scheduledActivityCategory: 'Lunch', actualActivityCategory: 'Coaching' },
            NOW
        );
        assert.ok(r.ok, JSON.stringify(r));
        assert.equal(r.observation.scheduledCategory, 'Lunch');
        assert.equal(r.observation.actualCategory, 'Coaching');
        assert.deepEqual(r.unknownCategories, ['scheduledActivityCategory', 'actualActivityCategory']);
        const known = parseAdherenceBody(eventBody, NOW);
        assert.ok(known.ok);
        assert.equal(known.unknownCategories, undefined);
    });
});
