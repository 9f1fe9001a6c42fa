import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityLabel } from '../../../src/domain/adherence/activityLabels';

describe('activityLabel', () => {
    it('gives the display name of a known category', () => {
        assert.equal(activityLabel('OnQueueWork'), 'On queue');
        assert.equal(activityLabel('OffQueueWork'), 'Off-queue work');
        assert.equal(activityLabel('TimeOff'), 'Time off');
    });

    it('shows a free-string category as sent, even one named like an Object member', () => {
        for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'Coaching']) {
            assert.equal(activityLabel(name), name);
        }
    });

    it('falls back to the presence, then to unknown, without a category', () => {
        assert.equal(activityLabel(undefined, 'Busy'), 'Busy');
        assert.equal(activityLabel(undefined), 'unknown');
        assert.equal(activityLabel('', 'Away'), 'Away');
    });
});
