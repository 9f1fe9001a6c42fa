import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentRecord } from '../../../../src/domain/adherence/types';
import { MIN, personal, record, setup } from '../botServiceFixture';

describe('nudge buttons', () => {
    it("refuses an agent's nudge buttons for someone else's card", async () => {
        const { service, sign, calls } = await setup();
        const res = await service.action(personal('29:x'), sign('ackNudge', 'g-a'));
        assert.equal(res.refused, 'not-own');
        assert.deepEqual(calls, []);
        const own = await service.action(personal('29:a'), sign('ackNudge', 'g-a'));
        assert.equal(own.refused, undefined);
        assert.deepEqual(calls, ['acknowledgeNudge']);
    });

    it('"Show my adherence" posts the status as a new message and leaves the nudge (and "I\'m on it") in place', async () => {
        const { service, sign } = await setup();
        const res = await service.action(personal('29:a'), sign('myStatus', 'g-a'));
        assert.equal(res.refused, undefined);
        assert.equal(res.asNewMessage, true);
        assert.ok(res.message, 'the card action answers with a message, so the clicked card is kept');
        assert.match(JSON.stringify(res.card), /Your adherence/);
    });

    it('"I\'m on it" after the agent is back in adherence answers with their own status, not a refusal', async () => {
        const { service, sign, engine, refusals, clock } = await setup();
        const back: AgentRecord = { ...record('g-a', 'mu-1', clock.now() - 20 * MIN), state: { status: 'adherent' } };
        engine.agent = () => back;
        engine.acknowledgeNudge = async () => ({ ok: false, reason: 'no-open-episode' });
        const res = await service.action(personal('29:a'), sign('ackNudge', 'g-a'));
        assert.equal(res.refused, undefined);
        assert.deepEqual(refusals, []);
        const text = JSON.stringify(res.card);
        assert.match(text, /back in adherence/);
        assert.doesNotMatch(text, /Not done|not out of adherence any more/);
    });
});
