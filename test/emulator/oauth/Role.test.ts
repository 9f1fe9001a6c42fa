import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Role, forbidden } from '../../../src/emulator/oauth/Role';

describe('Role', () => {
    it('holds every permission by default, a list when given one, and loses revoked ones', () => {
        const role = new Role();
        assert.equal(role.has('wfm:schedule:view'), true);
        role.revoke('wfm:schedule:view');
        assert.equal(role.has('wfm:schedule:view'), false);
        assert.equal(role.has('wfm:realtimeAdherence:view'), true);
        role.set(['wfm:realtimeAdherence:view']);
        assert.equal(role.has('wfm:realtimeAdherence:view'), true);
        assert.equal(role.has('presence:source:view'), false);
        role.set(undefined);
        assert.equal(role.has('wfm:schedule:view'), true, 'set() forgets earlier revocations');
    });

    it('is met by one permission of an ANY list and by every permission of an ALL list', () => {
        const role = new Role(['wfm:schedule:view', 'presence:source:view']);
        assert.deepEqual(role.missing({ any: ['wfm:publishedSchedule:view', 'wfm:schedule:view'] }), []);
        assert.deepEqual(role.missing({ any: ['wfm:realtimeAdherence:view', 'wfm:agent:view'] }), [
            'wfm:realtimeAdherence:view',
            'wfm:agent:view'
        ]);
        assert.deepEqual(role.missing({ all: ['presence:source:view', 'presence:source:add'] }), [
            'presence:source:add'
        ]);
        assert.deepEqual(role.missing(undefined), []);
    });

    it('refuses with the Genesys codes: missing.any.permissions for ANY, missing.permissions for ALL', () => {
        const any = forbidden({ any: ['a:b:c', 'd:e:f'] }, ['a:b:c', 'd:e:f']);
        assert.equal(any.status, 403);
        assert.equal(any.code, 'missing.any.permissions');
        assert.deepEqual(any.params, { permissions: 'a:b:c, d:e:f' });
        const all = forbidden({ all: ['a:b:c'] }, ['a:b:c']);
        assert.equal(all.code, 'missing.permissions');
        assert.match(all.message, /missing the following permission\(s\): \[a:b:c\]/);
    });
});
