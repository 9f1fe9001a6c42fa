import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { episodeIdOf } from '../../../src/domain/adherence/episodes';
import { T0 } from '../../support/adherence';

describe('episodeIdOf', () => {
    it('names an episode `<userId>@<start in base 36>`, the same id on every instance and every version', async () => {
        const fc = (await import('fast-check')).default;
        // The id is persisted and on every card: it must stay exactly Number#toString(36).
        for (const n of [0, 1, 35, 36, 36 ** 5 - 1, 36 ** 5, 36 ** 5 + 1, T0, Number.MAX_SAFE_INTEGER, 1.5])
            assert.equal(episodeIdOf('u', n), `u@${n.toString(36)}`);
        fc.assert(
            fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
                assert.equal(episodeIdOf('agent-1', n), `agent-1@${n.toString(36)}`);
            }),
            { numRuns: 2_000 }
        );
    });
});
