import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputRejections } from '../../../src/adapters/genesys/InputRejections';
import { parseAdherenceBody } from '../../../src/domain/adherence/parseObservation';
import { silentLogger } from '../../../src/kit/Logger';

describe('InputRejections', () => {
    it('counts every refusal and logs each kind only once', () => {
        const logged: object[] = [];
        const metric: string[] = [];
        const r = new InputRejections({ ...silentLogger(), warn: (o) => void logged.push(o) }, 'stream', (k) =>
            metric.push(k)
        );
        const bodies = [
            { adherenceState: 'OutOfAdherence' },
            { adherenceState: 'OutOfAdherence' },
            {
                user: { id: 'u' },
                managementUnitId: 'm',
                adherenceState: 'Drifting',
                adherenceChangeTime: '2026-11-23T09:00:00Z'
            },
            {
                user: { id: 'u' },
                managementUnitId: 'm',
                adherenceState: 'InAdherence',
                adherenceChangeTime: '2026-11-23 09:00'
            }
        ];
        for (const b of bodies) {
            const p = parseAdherenceBody(b, Date.UTC(2026, 10, 23, 10));
            if (!p.ok) r.record(p.reason, p.field);
        }
        assert.deepEqual(r.snapshot(), { 'missing-user-id': 2, 'unknown-adherence-state': 1, 'bad-change-time': 1 });
        assert.equal(logged.length, 3);
        assert.equal(metric.length, 4);
    });
});
