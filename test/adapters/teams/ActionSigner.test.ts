import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActionSigner } from '../../../src/adapters/teams/ActionSigner';

describe('ActionSigner', () => {
    const signer = new ActionSigner('a-test-secret-that-is-long-enough-123');
    const data = {
        verb: 'acknowledge',
        userId: 'g1',
        episodeId: 'g1@abc',
        sig: signer.sign('acknowledge', 'g1', 'g1@abc')
    };

    it('accepts data it signed', () => {
        assert.equal(signer.verify(data), true);
    });

    it('rejects another agent, episode, verb or snooze length, and a missing signature', () => {
        assert.equal(signer.verify({ ...data, userId: 'g2' }), false);
        assert.equal(signer.verify({ ...data, episodeId: 'g1@other' }), false);
        assert.equal(signer.verify({ ...data, verb: 'approveOvertime' }), false);
        assert.equal(signer.verify({ ...data, minutes: 60 }), false);
        assert.equal(signer.verify({ ...data, sig: undefined }), false);
        assert.equal(signer.verify(undefined), false);
    });

    it('rejects a signature from another secret (another deployment or a forger)', () => {
        const other = new ActionSigner('another-secret-that-is-long-enough-456');
        assert.equal(signer.verify({ ...data, sig: other.sign('acknowledge', 'g1', 'g1@abc') }), false);
    });

    it('never serialises its secret and refuses short secrets', () => {
        assert.equal(JSON.stringify({ signer }), '{"signer":"[ActionSigner]"}');
        assert.throws(() => new ActionSigner('short'), /at least 16 bytes/);
    });
});
