import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActionSigner } from '../../../src/adapters/teams/ActionSigner';
import { DisplayNames } from '../../../src/adapters/teams/DisplayNames';
import { MemoryBotStore } from '../../../src/adapters/teams/MemoryBotStore';
import { NotificationCards } from '../../../src/adapters/teams/NotificationCards';
import { ShiftRouting } from '../../../src/adapters/teams/ShiftRouting';
import { TeamsDeliverer } from '../../../src/adapters/teams/delivery/TeamsDeliverer';
import type { Notification } from '../../../src/domain/adherence/types';
import { splitHours } from '../../../src/domain/shiftHours';
import { FakeClock } from '../../support/FakeClock';

const at = (d: number, h: number) => Date.UTC(2026, 10, d, h); // 23 November 2026 is a Monday
const hours = (text: string) => splitHours(`x ${text}`).hours!;

async function setup(zone = 'UTC') {
    const clock = new FakeClock(at(23, 9));
    const store = new MemoryBotStore(clock);
    for (const id of ['19:day', '19:eve', '19:all']) {
        await store.saveConversation(id, {
            kind: 'channel',
            savedAt: clock.now(),
            reference: { channelId: 'msteams', serviceUrl: 'http://connector', conversation: { id } }
        });
    }
    const routing = new ShiftRouting({ store, clock, timeZoneOf: () => zone, refreshMs: 30_000 });
    const cards = new NotificationCards({
        names: new DisplayNames({ store }),
        signer: ActionSigner.random(),
        clock,
        timeZone: 'UTC'
    });
    const sender = { send: async () => 'act-1', update: async () => undefined };
    const deliverer = new TeamsDeliverer(store, sender, cards, {}, undefined, routing);
    const alertAt = (when: number): Notification => ({
        kind: 'alert',
        key: `a@${when}:alert`,
        episode: { id: `a@${when}`, userId: 'a', managementUnitId: 'mu', startedAt: when, impact: 'Negative' },
        at: when,
        reminder: false
    });
    return { clock, store, routing, deliverer, alertAt };
}

describe('on-shift routing (Teams side)', () => {
    it('sends an alert to the channel on shift at its time, else to the one without hours', async () => {
        const { store, deliverer, alertAt } = await setup();
        await store.subscribe('mu', '19:day', hours('06:00-14:00 mon-fri'));
        await store.subscribe('mu', '19:eve', hours('14:00-22:00'));
        assert.deepEqual(await deliverer.route(alertAt(at(23, 9))), { conversationKey: '19:day' });
        assert.deepEqual(await deliverer.route(alertAt(at(23, 15))), { conversationKey: '19:eve' });
        assert.deepEqual(
            await deliverer.route(alertAt(at(22, 9))),
            { conversationKey: '19:day' },
            'Sunday morning, nobody on shift: the engine held it; released anyway, it still goes to a channel'
        );
        await store.subscribe('mu', '19:all');
        assert.deepEqual(await deliverer.route(alertAt(at(23, 23))), { conversationKey: '19:all' });
        assert.deepEqual(await deliverer.route(alertAt(at(23, 10))), { conversationKey: '19:day' });
        await store.dropConversation('19:day');
        assert.deepEqual(
            await deliverer.route(alertAt(at(23, 10))),
            { conversationKey: '19:all' },
            'a covering channel the app was removed from is passed over'
        );
    });

    it('tells the engine to hold alerts while only channels with hours exist and none is on shift', async () => {
        const { store, routing } = await setup('America/New_York');
        await routing.start();
        assert.deepEqual(
            routing.alertWindowAt('mu', at(23, 3)),
            { open: true },
            'no subscriptions: nothing to wait for'
        );
        await store.subscribe('mu', '19:day', hours('06:00-14:00 mon-fri'));
        assert.deepEqual(routing.alertWindowAt('mu', at(23, 3)), { open: true }, 'not read yet');
        await routing.refresh();
        // 03:00 UTC on Monday is 22:00 on Sunday in New York: the window opens at 06:00 EST = 11:00 UTC.
        assert.deepEqual(routing.alertWindowAt('mu', at(23, 3)), { open: false, opensAt: at(23, 11) });
        assert.deepEqual(routing.alertWindowAt('mu', at(23, 12)), { open: true });
        assert.deepEqual(routing.alertWindowAt('other', at(23, 3)), { open: true });
        await store.subscribe('mu', '19:all');
        await routing.refresh();
        assert.deepEqual(routing.alertWindowAt('mu', at(23, 3)), { open: true }, 'a channel without hours takes it');
        routing.stop();
    });

    it("reads another instance's subscriptions every refresh interval and keeps the last ones when the store fails", async () => {
        const { store, routing, clock } = await setup();
        await routing.start();
        await store.subscribe('mu', '19:day', hours('06:00-14:00'));
        clock.advance(30_000);
        await new Promise((r) => setImmediate(r));
        assert.equal(routing.alertWindowAt('mu', at(23, 20)).open, false);
        store.allSubscriptions = async () => {
            throw new Error('connection reset');
        };
        await routing.refresh();
        assert.equal(routing.alertWindowAt('mu', at(23, 20)).open, false);
        routing.stop();
    });

    it('counts the escalation levels that have somebody to go to, from level 1 up without a gap', async () => {
        const clock = new FakeClock();
        const store = new MemoryBotStore(clock);
        const escalateTo = new Map([['29:lead', ['mu-people']]]);
        const routing = new ShiftRouting({ store, clock, timeZoneOf: () => 'UTC', refreshMs: 0, escalateTo });
        await store.subscribeEscalation('mu', '19:leads', 1);
        await store.subscribeEscalation('mu', '19:managers', 2);
        await store.subscribeEscalation('mu-gap', '19:managers', 2);
        await store.subscribeEscalation('mu-people', '19:managers', 2);
        await routing.refresh();
        assert.equal(routing.escalationLevels('mu'), 2);
        assert.equal(routing.escalationLevels('mu-gap'), 0, 'level 2 without a level 1 is never reached');
        assert.equal(routing.escalationLevels('mu-people'), 2, 'level 1 goes to the configured people');
        assert.equal(routing.escalationLevels('other'), 0);
    });
});
