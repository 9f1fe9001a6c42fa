import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { createApp, type App } from '../../src/app/createApp';
import { runReadiness } from '../../src/app/server';
import { capturingLogger } from '../support/capturingLogger';
import { eventually } from '../support/eventually';
import { FakeClock } from '../support/FakeClock';
import { cleanup, redisUrl, uniquePrefix } from '../support/redis';
import { TcpProxy } from '../support/TcpProxy';

describe('runReadiness', () => {
    it('counts a check slower than the limit as down, without waiting for it', async () => {
        const clock = new FakeClock();
        const never = new Promise<boolean>(() => undefined);
        const answer = runReadiness(
            [
                { name: 'fast', check: () => true },
                { name: 'hung', check: () => never },
                { name: 'broken', check: () => Promise.reject(new Error('x')) }
            ],
            clock,
            1_000
        );
        await new Promise((resolve) => setImmediate(resolve));
        clock.advance(1_000);
        assert.deepEqual(await answer, { fast: true, hung: false, broken: false });
    });
});

/** GET /readyz while the fake clock moves on in 250 ms steps (the check limit runs on it). */
async function readyz(app: App, clock: FakeClock): Promise<{ status: number; body: Record<string, unknown> }> {
    let settled = false;
    const answer = fetch(`${app.url}/readyz`, { headers: { connection: 'close' } }).then(async (res) => {
        settled = true;
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    });
    let steps = 0;
    await eventually(
        async () => {
            if (!settled) clock.advance(250);
            steps++;
            return settled || undefined;
        },
        '/readyz answered',
        { intervalMs: 10 }
    );
    const result = await answer;
    assert.ok(steps <= 8 || result.status === 200, `answered within the 1 s limit (${steps} steps of 250 ms)`);
    return result;
}

describe('/readyz during a Redis outage (loopback proxy cut)', () => {
    const proxy = new TcpProxy({ host: new URL(redisUrl).hostname, port: Number(new URL(redisUrl).port || 6379) });
    const prefix = uniquePrefix('ready');
    const clock = new FakeClock();
    const logger = capturingLogger();
    const printed: string[] = [];
    const consoleError = console.error;
    let app: App;

    before(async () => {
        const port = await proxy.start();
        console.error = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
        app = await createApp(
            loadConfig({
                ADHERENCE_MODE: 'test',
                PORT: '0',
                HOST: '127.0.0.1',
                REDIS_URL: `redis://127.0.0.1:${port}`,
                REDIS_KEY_PREFIX: prefix
            }),
            { clock, logger }
        );
    });
    after(async () => {
        console.error = consoleError;
        await app?.close();
        await proxy.stop();
        await cleanup(prefix);
    });

    it('answers 503 naming the store and Redis within 1 s while it is down, 200 after; queued commands complete', async () => {
        const up = await readyz(app, clock);
        assert.equal(up.status, 200);
        assert.deepEqual(up.body.checks, { store: true, redis: true });

        await proxy.refuse();
        const queued = app.agentStore.getMany(['agent-during-outage']);
        const down = await readyz(app, clock);
        assert.equal(down.status, 503);
        assert.deepEqual(down.body.checks, { store: false, redis: false });
        assert.deepEqual(down.body.down, ['store', 'redis']);

        const refused = () => logger.at('warn').filter((l) => l.msg === 'redis connection error');
        await eventually(() => (refused().length > 0 ? true : undefined), 'reconnects refused, logged');
        await proxy.reopen();
        await eventually(async () => ((await readyz(app, clock)).status === 200 ? true : undefined), 'ready again');
        const records = await queued;
        assert.equal(records.size, 0, 'the command queued during the outage completed');

        assert.deepEqual(
            printed.filter((p) => /ioredis/i.test(p)),
            [],
            'no "[ioredis] Unhandled error event" on stderr'
        );
        assert.ok(refused().length <= 2, 'one line per client for repeated errors');
        assert.deepEqual(logger.at('error'), []);
    });
});
