/* eslint-disable @typescript-eslint/no-explicit-any -- JSON payloads on the wire are untyped here */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { silentLogger } from '../../src/kit/Logger';
import { FakeClock } from '../support/FakeClock';
import { FakeBotConnector } from '../support/fakeBotConnector';
import {
    actionExecute,
    channelConversation,
    channelMessage,
    installChannel,
    postActivity,
    type TestUser
} from '../support/activities';

// On-shift routing and escalation through createApp: `subscribe` commands over HTTP (real botbuilder adapter, fake
// connector), the engine holding or escalating alerts on the fake clock, the dispatcher posting them.

const MIN = 60_000;
const SUP: TestUser = { id: '29:sup-1', name: 'Sam Supervisor', aadObjectId: 'aad-sup-1' };
const DAY = '19:day-shift@thread.tacv2';
const EVENING = '19:evening-shift@thread.tacv2';
const LEADS = '19:team-leads@thread.tacv2';

interface Rig {
    app: App;
    clock: FakeClock;
    connector: FakeBotConnector;
    run(ms: number, step?: number): Promise<void>;
    /** Cards posted to a channel whose JSON matches. */
    cards(channel: string, text: RegExp): any[];
    command(channel: string, text: string): Promise<void>;
    drift(userId: string): void;
    close(): Promise<void>;
}

async function rig(start: number, env: Record<string, string> = {}): Promise<Rig> {
    const connector = new FakeBotConnector();
    await connector.start();
    const clock = new FakeClock(start);
    const app = await createApp(
        loadConfig({
            ADHERENCE_MODE: 'test',
            PORT: '0',
            HOST: '127.0.0.1',
            TEAMS_SUPERVISORS: 'aad-sup-1:mu-1',
            REPORT_UNIT_TIME_ZONES: 'mu-1=Europe/Dublin',
            ...env
        }),
        { clock, random: () => 0.5, logger: silentLogger() }
    );
    const installed = new Set<string>();
    let replies = 0;
    return {
        app,
        clock,
        connector,
        async run(ms, step = 1_000) {
            for (let done = 0; done < ms; done += step) {
                clock.advance(step);
                await app.engine.idle();
                await app.dispatcher.idle();
            }
        },
        cards: (channel, text) => connector.posted(channel).filter((r: any) => text.test(JSON.stringify(r.body))),
        async command(channel, text) {
            if (!installed.has(channel)) {
                assert.equal((await postActivity(app.url, installChannel(connector.url, SUP, channel))).status, 200);
                installed.add(channel);
            }
            await postActivity(app.url, channelMessage(connector.url, SUP, channel, text));
            replies++;
            await connector.waitFor(() => connector.delivered('reply').length >= replies);
        },
        drift(userId) {
            app.engine.observe([
                {
                    userId,
                    managementUnitId: 'mu-1',
                    adherenceState: 'OutOfAdherence',
                    impact: 'Negative',
                    scheduledCategory: 'Break',
                    actualCategory: 'OnQueueWork',
                    changedAt: clock.now()
                }
            ]);
        },
        async close() {
            await app.close();
            await connector.stop();
        }
    };
}

const OUT = /out of adherence/;

describe('on-shift routing and escalation end to end', () => {
    it('posts an alert to the channel on shift, and holds one due when nobody is until the next shift opens', async () => {
        // Monday 23 November 2026, 13:50 in Dublin (UTC in winter).
        const r = await rig(Date.UTC(2026, 10, 23, 13, 50));
        try {
            await r.command(DAY, 'subscribe mu-1 06:00-14:00 mon-fri');
            await r.command(EVENING, 'subscribe mu-1 14:00-22:00 mon-fri');
            r.drift('g-early'); // alert due 14:00: the evening shift has started
            await r.run(10 * MIN + 1_000);
            assert.equal(r.cards(EVENING, OUT).length, 1);
            assert.equal(r.cards(DAY, OUT).length, 0);

            r.clock.advanceTo(Date.UTC(2026, 10, 23, 21, 55));
            await r.app.engine.idle();
            r.drift('g-late'); // alert due 22:05, after the evening shift: held until Tuesday 06:00
            await r.run(15 * MIN, 5_000);
            assert.equal(r.cards(EVENING, OUT).length, 1, 'nothing posted while nobody is on shift');
            assert.equal(r.cards(DAY, OUT).length, 0, 'nothing posted while nobody is on shift');
            const log = await r.app.agentStore.readLog({ fromAt: r.clock.now() - 20 * MIN, toAt: r.clock.now() + 1 });
            const held = log.find((e) => e.userId === 'g-late' && e.reason === 'outside-hours');
            assert.equal(held?.until, Date.UTC(2026, 10, 24, 6));
            r.clock.advanceTo(Date.UTC(2026, 10, 24, 6) - 1_000);
            await r.app.engine.idle();
            await r.run(2_000);
            assert.equal(r.cards(DAY, OUT).length, 1, 'posted to the day shift when it opens');
            assert.match(JSON.stringify(r.cards(DAY, OUT)[0].body), /g-late/);
        } finally {
            await r.close();
        }
    });

    it('escalates an alert nobody acts on to the escalation channel after 5 min, once; acting there updates both cards', async () => {
        const r = await rig(Date.UTC(2026, 10, 23, 9));
        try {
            await r.command(DAY, 'subscribe mu-1');
            await r.command(LEADS, 'subscribe mu-1 escalation');
            r.drift('g-1');
            await r.run(15 * MIN - 1_000);
            assert.equal(r.cards(DAY, OUT).length, 1);
            assert.equal(r.cards(LEADS, OUT).length, 0, 'not before 5 min after the alert');
            await r.run(10 * MIN);
            const escalated = r.cards(LEADS, /nobody had acted on it/);
            assert.equal(escalated.length, 1, 'escalated once');
            const card = escalated[0].body.attachments[0].content;
            const ack = JSON.stringify(card).match(/"verb":"acknowledge","data":(\{[^}]*\})/)!;
            const res = await postActivity(
                r.app.url,
                actionExecute(r.connector.url, SUP, channelConversation(LEADS), 'acknowledge', JSON.parse(ack[1]))
            );
            assert.equal(res.body.statusCode, 200);
            await r.run(2_000);
            const updated = r.connector
                .delivered('update')
                .filter((u) => /Acknowledged by/.test(JSON.stringify(u.body)));
            assert.deepEqual(
                [...new Set(updated.map((u) => u.conversationId))].sort(),
                [DAY, LEADS].sort(),
                'both cards of the episode show the acknowledge'
            );
        } finally {
            await r.close();
        }
    });
});
