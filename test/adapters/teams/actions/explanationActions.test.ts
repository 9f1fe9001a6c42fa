import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentRecord, Explanation } from '../../../../src/domain/adherence/types';
import { inChannel, personal, setup } from '../botServiceFixture';

describe('Explain on the nudge', () => {
    it('sends a configured reason with a note and "back in", and says so privately on the nudge', async () => {
        const { service, sign, calls, engine } = await setup();
        let given: unknown;
        const explanation: Explanation = {
            reason: 'System or tool problem',
            note: 'VPN down',
            backInMinutes: 10,
            at: 0,
            genesys: { status: 'sending' }
        };
        engine.explain = async (userId, _episodeId, input) => {
            given = input;
            calls.push('explain');
            const r = engine.agent(userId)!;
            const state = r.state as Extract<AgentRecord['state'], { status: 'drifting' }>;
            return { ok: true, record: { ...r, state: { ...state, explanation } } };
        };
        const res = await service.action(personal('29:a'), {
            ...sign('explain', 'g-a'),
            reason: 'System or tool problem',
            note: '  VPN down ',
            backIn: '10'
        });
        assert.equal(res.refused, undefined);
        assert.deepEqual(given, { reason: 'System or tool problem', note: 'VPN down', backInMinutes: 10 });
        const card = JSON.stringify(res.card);
        assert.match(card, /Thanks, your explanation was sent/);
        assert.match(card, /System or tool problem — “VPN down” \(back in 10 min\)/);
        assert.match(card, /Only you can see this message/);
        assert.doesNotMatch(card, /"verb":"explain"|"verb":"ackNudge"/, 'no more Explain or "I\'m on it"');
    });

    it('refuses a reason that is not offered, Other without a note, a bad "back in", and someone else\'s card', async () => {
        const { service, sign, calls } = await setup();
        const agent = personal('29:a');
        const cases = [
            { reason: 'My cat' },
            { reason: 'Other' },
            { reason: 'Other', note: 'x'.repeat(201) },
            { reason: 'Still with a customer', backIn: '7' }
        ];
        for (const inputs of cases) {
            const res = await service.action(agent, { ...sign('explain', 'g-a'), ...inputs });
            assert.equal(res.refused, 'invalid-input', JSON.stringify(inputs));
            assert.match(res.message ?? '', /Nothing was sent/);
        }
        const other = await service.action(personal('29:x'), { ...sign('explain', 'g-a'), reason: 'Other', note: 'n' });
        assert.equal(other.refused, 'not-own');
        assert.deepEqual(calls, []);
        const ok = await service.action(agent, { ...sign('explain', 'g-a'), reason: 'Other', note: 'fire drill' });
        assert.equal(ok.refused, undefined);
        assert.deepEqual(calls, ['explain']);
    });

    it('offers only the configured reasons (ADHERENCE_EXPLANATION_REASONS)', async () => {
        const { service, sign } = await setup({ extra: { explanationReasons: ['Coaching', 'Other'] } });
        const bad = await service.action(personal('29:a'), {
            ...sign('explain', 'g-a'),
            reason: 'Still with a customer'
        });
        assert.equal(bad.refused, 'invalid-input');
        const ok = await service.action(personal('29:a'), { ...sign('explain', 'g-a'), reason: 'Coaching' });
        assert.equal(ok.refused, undefined);
    });
});

describe('Approve / Deny explanation on the alert card', () => {
    it('lets a supervisor of the unit decide, never the agent themself, never another unit', async () => {
        const { service, sign, store, calls } = await setup();
        await store.subscribe('mu-1', '19:team-general');
        const self = await service.action(inChannel('29:a', '19:team-general'), sign('approveExplanation', 'g-a'));
        assert.equal(self.refused, 'self-action');
        const foreign = await service.action(personal('29:sup', 'aad-sup'), sign('denyExplanation', 'g-c'));
        assert.equal(foreign.refused, 'not-supervisor');
        assert.deepEqual(calls, []);
        const approved = await service.action(personal('29:sup', 'aad-sup'), sign('approveExplanation', 'g-a'));
        assert.equal(approved.refused, undefined);
        const denied = await service.action(personal('29:sup', 'aad-sup'), sign('denyExplanation', 'g-b'));
        assert.equal(denied.refused, undefined);
        assert.deepEqual(calls, ['decideExplanation:Approved', 'decideExplanation:Denied']);
    });

    it('refuses forged data: a signature for one verb or agent does not approve another', async () => {
        const { service, sign, calls } = await setup();
        const sup = personal('29:sup', 'aad-sup');
        const denySig = sign('denyExplanation', 'g-a');
        assert.equal((await service.action(sup, { ...denySig, verb: 'approveExplanation' })).refused, 'forged');
        assert.equal(
            (await service.action(sup, { ...sign('approveExplanation', 'g-a'), userId: 'g-b' })).refused,
            'forged'
        );
        assert.deepEqual(calls, []);
    });
});
