import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActionSigner } from '../../../src/adapters/teams/ActionSigner';
import { DisplayNames } from '../../../src/adapters/teams/DisplayNames';
import { MemoryBotStore } from '../../../src/adapters/teams/MemoryBotStore';
import { NotificationCards } from '../../../src/adapters/teams/NotificationCards';
import type { AdaptiveCardJson } from '../../../src/cards/renderCard';
import type { Episode, Explanation } from '../../../src/domain/adherence/types';
import { FakeClock } from '../../support/FakeClock';

const MIN = 60_000;

interface CardNode {
    type?: string;
    id?: string;
    text?: string;
    title?: string;
    verb?: string;
    data?: Record<string, unknown>;
    choices?: Array<{ title: string; value: string }>;
    maxLength?: unknown;
    card?: CardNode;
    body?: CardNode[];
    items?: CardNode[];
    actions?: CardNode[];
}

/** Every node of the card (body, containers, actions, show-cards), depth first. */
function nodes(card: CardNode): CardNode[] {
    const out: CardNode[] = [];
    const visit = (n: CardNode) => {
        out.push(n);
        for (const child of [...(n.body ?? []), ...(n.items ?? []), ...(n.actions ?? [])]) visit(child);
        if (n.card) visit(n.card);
    };
    visit(card);
    return out;
}

const verbs = (card: AdaptiveCardJson) =>
    nodes(card as CardNode)
        .filter((n) => n.type === 'Action.Execute')
        .map((n) => n.verb);
const texts = (card: AdaptiveCardJson) =>
    nodes(card as CardNode)
        .map((n) => n.text)
        .filter((t): t is string => typeof t === 'string');

async function setup() {
    const clock = new FakeClock();
    const store = new MemoryBotStore(clock);
    await store.saveName('aad-sup', 'Sam Supervisor');
    const signer = ActionSigner.random();
    const cards = new NotificationCards({
        names: new DisplayNames({ store }),
        signer,
        clock,
        timeZone: 'UTC',
        explanationReasons: ['Still with a customer', 'Other']
    });
    const episode: Episode = {
        id: 'g-a@1',
        userId: 'g-a',
        managementUnitId: 'mu',
        startedAt: clock.now() - 11 * MIN,
        impact: 'Negative'
    };
    const explanation: Explanation = {
        reason: 'Still with a customer',
        note: 'escalated call',
        backInMinutes: 5,
        at: clock.now() - MIN,
        genesys: { status: 'sending' }
    };
    return { clock, cards, signer, episode, explanation };
}

describe('the nudge card with Explain', () => {
    it('offers Explain with the configured reasons, a note of at most 200 characters, "back in", signed', async () => {
        const { cards, signer, episode } = await setup();
        const card = cards.nudge(episode);
        const all = nodes(card as CardNode);
        const reason = all.find((n) => n.id === 'reason')!;
        assert.deepEqual(
            reason.choices?.map((c) => c.value),
            ['Still with a customer', 'Other']
        );
        assert.equal(all.find((n) => n.id === 'note')?.maxLength, 200);
        assert.deepEqual(
            all.find((n) => n.id === 'backIn')?.choices?.map((c) => c.value),
            ['5', '10', '15', '30']
        );
        const send = all.find((n) => n.type === 'Action.Execute' && n.verb === 'explain')!;
        assert.ok(signer.verify(send.data as never), 'the Explain action data is signed');
        assert.deepEqual(verbs(card), ['myStatus', 'ackNudge', 'explain']);
    });

    it('after explaining: says it was sent, privately, with the reason; only "Show my adherence" stays', async () => {
        const { cards, episode, explanation } = await setup();
        const card = cards.nudge(episode, { explanation });
        assert.deepEqual(verbs(card), ['myStatus']);
        assert.ok(texts(card).some((t) => t.includes('Still with a customer — “escalated call” (back in 5 min)')));
        assert.ok(texts(card).includes('Only you can see this message.'));
    });
});

describe('the alert card with an explanation', () => {
    it('shows the explanation and where it stands in Genesys, and offers Approve / Deny (signed)', async () => {
        const { cards, signer, episode, explanation, clock } = await setup();
        const card = await cards.alert(episode, { explanation });
        const text = texts(card).join('\n');
        assert.match(text, /\*\*Explanation\*\* from g-a at \d\d:\d\d UTC: Still with a customer — “escalated call”/);
        assert.match(text, /Being recorded in Genesys…/);
        assert.deepEqual(verbs(card).slice(0, 3), ['approveExplanation', 'denyExplanation', 'acknowledge']);
        for (const n of nodes(card as CardNode).filter((x) => x.verb?.endsWith('Explanation')))
            assert.ok(signer.verify(n.data as never));
        const failed = await cards.alert(episode, {
            explanation: { ...explanation, genesys: { status: 'failed', error: 'forbidden' } }
        });
        assert.match(
            texts(failed).join('\n'),
            /Not recorded in Genesys: the bot is not allowed to add adherence explanations in Genesys/
        );
        assert.ok(verbs(failed).includes('approveExplanation'), 'still decidable when Genesys did not record it');
        const approved = await cards.alert(episode, {
            explanation: {
                ...explanation,
                genesys: { status: 'recorded', id: 'x' },
                decision: { outcome: 'Approved', by: 'aad-sup', at: clock.now() }
            }
        });
        assert.equal(texts(approved)[0], 'g-a: explanation approved');
        assert.match(texts(approved).join('\n'), /Recorded in Genesys\n\nExplanation approved by Sam Supervisor at/);
        assert.deepEqual(verbs(approved), [], 'the ladder ended: no more actions');
        const denied = await cards.alert(episode, {
            explanation: { ...explanation, decision: { outcome: 'Denied', by: 'aad-sup', at: clock.now() } }
        });
        assert.match(texts(denied).join('\n'), /Explanation denied by Sam Supervisor/);
        assert.deepEqual(verbs(denied), ['acknowledge', 'snooze', 'snooze', 'snooze', 'approveOvertime']);
    });
});

describe('the private notes to the agent', () => {
    it('tells plainly when it was not recorded, and kindly what the supervisor decided', async () => {
        const { cards, episode, explanation, clock } = await setup();
        const note = (n: 'explanation-failed' | 'explanation-approved' | 'explanation-denied', e: Explanation) =>
            cards.agentNote({ kind: 'agent-note', key: 'k', episode, at: clock.now(), note: n, explanation: e });
        const failed = texts(
            await note('explanation-failed', { ...explanation, genesys: { status: 'failed', error: 'unreachable' } })
        ).join('\n');
        assert.match(failed, /couldn't record your explanation .* in Genesys: Genesys could not be reached/);
        assert.match(failed, /Your supervisor can still see it on the alert/);
        const decided = { ...explanation, decision: { outcome: 'Approved' as const, by: 'aad-sup', at: 0 } };
        assert.match(texts(await note('explanation-approved', decided)).join('\n'), /Sam Supervisor approved/);
        const denied = texts(
            await note('explanation-denied', { ...decided, decision: { ...decided.decision, outcome: 'Denied' } })
        );
        assert.match(denied.join('\n'), /didn't approve it this time.*happy to help/);
    });
});
