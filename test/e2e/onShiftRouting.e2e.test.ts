/* eslint-disable @typescript-eslint/no-explicit-any -- JSON payloads on the wire are untyped here */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { createApp } from '../../src/app/createApp';
import { silentLogger } from '../../src/kit/Logger';
import { FakeClock } from '../support/FakeClock';
import { FakeBotConnector } from '../support/fakeBotConnector';
import { channelMessage, installChannel, postActivity, type TestUser } from '../support/activities';

// On-shift routing through createApp: the `subscribe` command over HTTP (real botbuilder adapter, fake connector),
// the engine holding the alert outside the hours, the dispatcher posting it to the channel on shift.

const MIN = 60_000;
const SUP: TestUser = { id: '29:sup-1', name: 'Sam Supervisor', aadObjectId: 'aad-sup-1' };
const DAY = '19:day-shift@thread.tacv2';
const EVENING = '19:evening-shift@thread.tacv2';

describe('on-shift routing end to end', () => {
    it('posts an alert to the channel on shift, and holds one due when nobody is until the next shift opens', async () => {
        const connector = new FakeBotConnector();
        await connector.start();
        // Monday 23 November 2026, 13:50 in Dublin (UTC in winter).
        const clock = new FakeClock(Date.UTC(2026, 10, 23, 13, 50));
        const app = await createApp(
            loadConfig({
                ADHERENCE_MODE: 'test',
                PORT: '0',
                HOST: '127.0.0.1',
                TEAMS_SUPERVISORS: 'aad-sup-1:mu-1',
                REPORT_UNIT_TIME_ZONES: 'mu-1=Europe/Dublin'
            }),
            { clock, random: () => 0.5, logger: silentLogger() }
        );
        const run = async (ms: number, step = 1_000) => {
            for (let done = 0; done < ms; done += step) {
                clock.advance(step);
                await app.engine.idle();
                await app.dispatcher.idle();
            }
        };
        const alerts = (channel: string) =>
            connector.posted(channel).filter((r: any) => JSON.stringify(r.body).includes('out of adherence'));
        try {
            for (const [channel, hours] of [
                [DAY, '06:00-14:00 mon-fri'],
                [EVENING, '14:00-22:00 mon-fri']
            ]) {
                assert.equal((await postActivity(app.url, installChannel(connector.url, SUP, channel))).status, 200);
                await postActivity(app.url, channelMessage(connector.url, SUP, channel, `subscribe mu-1 ${hours}`));
            }
            await connector.waitFor(
                () =>
                    connector.delivered('reply').filter((r) => JSON.stringify(r.body).includes('Subscribed')).length ===
                    2
            );
            const drift = (userId: string) =>
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
            drift('g-early'); // alert due 14:00: the evening shift has started
            await run(10 * MIN + 1_000);
            assert.equal(alerts(EVENING).length, 1);
            assert.equal(alerts(DAY).length, 0);

            clock.advanceTo(Date.UTC(2026, 10, 23, 21, 55));
            await app.engine.idle();
            drift('g-late'); // alert due 22:05, after the evening shift: held until Tuesday 06:00
            await run(15 * MIN, 5_000);
            assert.equal(alerts(EVENING).length, 1, 'nothing posted while nobody is on shift');
            assert.equal(alerts(DAY).length, 0, 'nothing posted while nobody is on shift');
            const log = await app.agentStore.readLog({ fromAt: clock.now() - 20 * MIN, toAt: clock.now() + 1 });
            const held = log.find((e) => e.userId === 'g-late' && e.reason === 'outside-hours');
            assert.equal(held?.until, Date.UTC(2026, 10, 24, 6));
            clock.advanceTo(Date.UTC(2026, 10, 24, 6) - 1_000);
            await app.engine.idle();
            await run(2_000);
            assert.equal(alerts(DAY).length, 1, 'posted to the day shift when it opens');
            assert.match(JSON.stringify(alerts(DAY)[0].body), /g-late/);
        } finally {
            await app.close();
            await connector.stop();
        }
    });
});
