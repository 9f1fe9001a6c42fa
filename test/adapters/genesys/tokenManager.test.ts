import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { FakeClock } from '../../support/FakeClock';
import { TokenManager } from '../../../src/adapters/genesys/tokenManager';
import { isGenesysError } from '../../../src/adapters/genesys/errors';
import { startGenesysEmulator, type RunningEmulator } from '../../../src/emulator/GenesysEmulator';

describe('TokenManager against the emulator', () => {
    const clock = new FakeClock();
    let emulator: RunningEmulator;

    before(async () => {
        emulator = await startGenesysEmulator({ clock, units: 1, agentsPerUnit: 2, tokenLifetimeSec: 3_600 });
    });
    after(() => emulator.close());

    const manager = (secret = emulator.clientSecret, refreshMarginMs = 300_000): TokenManager =>
        new TokenManager({
            loginBaseUrl: emulator.loginUrl,
            clientId: emulator.clientId,
            clientSecret: secret,
            clock,
            refreshMarginMs
        });

    it('sends exactly one token request for 50 concurrent callers, then serves the cache', async () => {
        const tokens = manager();
        const before = emulator.control.tokenRequests;
        const got = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
        assert.equal(emulator.control.tokenRequests - before, 1);
        assert.equal(new Set(got).size, 1);
        assert.equal(tokens.lastRefreshAt, clock.now());
        assert.equal(await tokens.getToken(), got[0]);
        assert.equal(emulator.control.tokenRequests - before, 1);
    });

    it('refreshes once, refreshMarginMs before expires_in runs out, for 50 callers at expiry', async () => {
        const tokens = manager();
        const first = await tokens.getToken();
        const before = emulator.control.tokenRequests;
        clock.advance(3_600_000 - 300_000 - 1);
        assert.equal(await tokens.getToken(), first);
        assert.equal(emulator.control.tokenRequests, before);
        clock.advance(1);
        const got = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
        assert.equal(emulator.control.tokenRequests - before, 1);
        assert.equal(new Set(got).size, 1);
        assert.notEqual(got[0], first);
    });

    it('uses half the lifetime as margin for short-lived tokens', async () => {
        emulator.control.setTokenLifetime(60);
        try {
            const tokens = manager();
            const first = await tokens.getToken();
            clock.advance(29_999);
            assert.equal(await tokens.getToken(), first);
            clock.advance(1);
            assert.notEqual(await tokens.getToken(), first);
        } finally {
            emulator.control.setTokenLifetime(3_600);
        }
    });

    it('fetches a new token after invalidate(token)', async () => {
        const tokens = manager();
        const first = await tokens.getToken();
        tokens.invalidate('some-other-token');
        assert.equal(await tokens.getToken(), first);
        tokens.invalidate(first);
        assert.notEqual(await tokens.getToken(), first);
    });

    it('fails with a non-retryable GENESYS_AUTH_FAILED on bad credentials, without leaking the secret', async () => {
        const tokens = manager('wrong-secret-123');
        await assert.rejects(tokens.getToken(), (e: unknown) => {
            assert.ok(isGenesysError(e));
            assert.equal(e.code, 'GENESYS_AUTH_FAILED');
            assert.equal(e.retryable, false);
            assert.doesNotMatch(JSON.stringify(e) + e.message + inspect(e), /wrong-secret-123/);
            return true;
        });
    });

    it('never shows the secret in JSON.stringify or inspect', async () => {
        const tokens = manager('top-secret-xyz');
        assert.doesNotMatch(JSON.stringify(tokens), /top-secret-xyz/);
        assert.doesNotMatch(inspect(tokens, { showHidden: true, depth: 5 }), /top-secret-xyz/);
        assert.doesNotMatch(JSON.stringify({ wrapper: tokens }), /top-secret-xyz|dG9wLXNlY3JldC14eXo/);
    });
});
