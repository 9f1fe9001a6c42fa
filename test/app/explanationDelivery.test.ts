import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExplanationWrite, ExplanationWriter } from '../../src/adapters/genesys/ExplanationWriter';
import type { Deliverer } from '../../src/adapters/teams/delivery/ports';
import type { Episode, Notification } from '../../src/domain/adherence/types';
import { withExplanationWrites } from '../../src/app/explanationDelivery';

const episode: Episode = { id: 'a@1', userId: 'a', managementUnitId: 'mu', startedAt: 0, impact: 'Negative' };
const add: Notification = {
    kind: 'explanation-add',
    key: 'a@1:explanation',
    episode,
    at: 1,
    explanation: { reason: 'Other', note: 'n', at: 1, genesys: { status: 'sending' } }
};
const nudge: Notification = { kind: 'nudge', key: 'a@1:nudge', episode, at: 1 };

function recorder() {
    const calls: string[] = [];
    const teams: Deliverer = {
        route: async (n) => (calls.push(`route:${n.kind}`), { conversationKey: 'teams' }),
        send: async (n, key) => void calls.push(`send:${n.kind}:${key}`),
        abandoned: async (n) => void calls.push(`abandoned:${n.kind}`)
    };
    const writer = {
        write: async (n: ExplanationWrite) => void calls.push(`write:${n.kind}`),
        abandoned: async (n: ExplanationWrite) => void calls.push(`writer-abandoned:${n.kind}`)
    } as unknown as ExplanationWriter;
    return { calls, teams, writer };
}

describe('withExplanationWrites', () => {
    it('sends explanation writes to Genesys in a queue per agent, and the rest to Teams', async () => {
        const { calls, teams, writer } = recorder();
        const d = withExplanationWrites(teams, writer);
        assert.deepEqual(await d.route(add), { conversationKey: 'genesys:a' });
        await d.send(add, 'genesys:a');
        await (await d.prepare!(add, 'genesys:a')).post();
        await d.abandoned!(add);
        assert.deepEqual(await d.route(nudge), { conversationKey: 'teams' });
        await d.send(nudge, 'teams');
        await d.abandoned!(nudge);
        assert.deepEqual(calls, [
            'write:explanation-add',
            'write:explanation-add',
            'writer-abandoned:explanation-add',
            'route:nudge',
            'send:nudge:teams',
            'abandoned:nudge'
        ]);
    });

    it('drops explanation writes when Genesys is not configured', async () => {
        const { teams } = recorder();
        assert.deepEqual(await withExplanationWrites(teams, undefined).route(add), { drop: 'genesys-not-configured' });
    });
});
