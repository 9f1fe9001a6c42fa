import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { GenesysClient } from '../../src/adapters/genesys/GenesysClient';
import { createSyncPart, type SyncPart } from '../../src/app/syncPart';
import { silentLogger } from '../../src/kit/Logger';
import { seededRandom } from '../../src/emulator/seededRandom';
import { Secret } from '../../src/kit/Secret';
import { FakeClock } from '../support/FakeClock';
import { drive, ingest, startPresenceRig, type PresenceRig } from '../sync/support';

describe('createSyncPart', () => {
    const clock = new FakeClock();
    let rig: PresenceRig;
    let client: GenesysClient;
    let part: SyncPart;

    before(async () => {
        rig = await startPresenceRig(clock, { agentsPerUnit: 3, simulate: false, rateLimitPerMinute: 0 });
        client = new GenesysClient({
            config: {
                apiBaseUrl: rig.emulator.url,
                loginBaseUrl: rig.emulator.loginUrl,
                clientId: rig.emulator.clientId,
                clientSecret: new Secret(rig.emulator.clientSecret),
                tokenRefreshMarginMs: 300_000,
                requestsPerMinute: 300,
                requestTimeoutMs: 15_000,
                maxAttempts: 4
            },
            clock,
            random: seededRandom(3),
            keepAlive: false
        });
        part = createSyncPart({
            config: rig.config(),
            clock,
            random: seededRandom(5),
            logger: silentLogger(),
            registry: new Registry(),
            keyPrefix: 'unused:',
            consumer: 'test',
            genesys: { client, apiBaseUrl: rig.emulator.url, managementUnitIds: [] }
        })!;
        await drive(clock, part.start());
    });

    after(async () => {
        await part?.stop();
        client?.close();
        await rig?.close();
    });

    it("sends presence writes through the bot's own Genesys rate limiter: a 429 pause holds both", async () => {
        // The bot's client was told to wait (Retry-After) on the shared token: the sync worker waits too.
        const pausedUntil = clock.now() + 60_000;
        client.limiter.pauseUntil(pausedUntil);
        const agent = rig.agents[0];
        await ingest(part.queue, rig.config(), rig.agents, [{ agentId: agent, reasonCode: 'BREAK', at: clock.now() }]);
        const writes = () => rig.emulator.control.presenceWrites.filter((w) => w.userId === agent).length;
        await drive(
            clock,
            new Promise<void>((resolve) => {
                const started = clock.now();
                const check = (): void => (clock.now() - started >= 50_000 ? resolve() : void setImmediate(check));
                check();
            })
        );
        assert.equal(writes(), 0, 'nothing sent while the shared limiter is paused');
        await drive(
            clock,
            new Promise<void>((resolve) => {
                const check = (): void => (writes() > 0 ? resolve() : void setImmediate(check));
                check();
            })
        );
        assert.ok(clock.now() >= pausedUntil, 'sent once the pause is over');
        assert.equal(writes(), 1);
    });
});
