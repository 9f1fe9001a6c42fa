import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import axios, { type AxiosInstance } from 'axios';
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

    /** The login service, switchable off (connection refused) for the next requests. */
    function flakyLogin(): { http: AxiosInstance; down: (on: boolean) => void; calls: () => number } {
        let down = false;
        let calls = 0;
        const real = axios.create();
        const http = {
            post: (...args: Parameters<AxiosInstance['post']>) => {
                calls++;
                if (down)
                    return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
                return real.post(...args);
            }
        } as unknown as AxiosInstance;
        return { http, down: (on) => void (down = on), calls: () => calls };
    }

    it('keeps serving the still-valid token when an early refresh fails, and retries the refresh after a pause', async () => {
        const login = flakyLogin();
        const tokens = new TokenManager({
            loginBaseUrl: emulator.loginUrl,
            clientId: emulator.clientId,
            clientSecret: emulator.clientSecret,
            clock,
            refreshMarginMs: 300_000,
            http: login.http
        });
        const first = await tokens.getToken();
        clock.advance(3_600_000 - 200_000); // inside the refresh margin, 200 s before expiry
        login.down(true);
        const got = await Promise.all(Array.from({ length: 5 }, () => tokens.getToken()));
        assert.deepEqual(new Set(got), new Set([first]), 'callers keep working on the valid token');
        assert.equal(login.calls(), 2, 'one failed refresh for the 5 callers');
        assert.equal(await tokens.getToken(), first);
        assert.equal(login.calls(), 2, 'no new attempt right after the failure');
        clock.advance(10_000);
        login.down(false);
        const fresh = await tokens.getToken();
        assert.notEqual(fresh, first);
        assert.equal(login.calls(), 3);
        // Past expiry there is nothing valid to fall back on: the failure reaches the caller.
        clock.advance(3_600_000);
        login.down(true);
        await assert.rejects(tokens.getToken(), (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_NETWORK');
    });

    it('lets one caller give up waiting without cancelling the shared token request of the others', async () => {
        emulator.control.setLatency(50);
        try {
            const tokens = manager();
            const before = emulator.control.tokenRequests;
            const controller = new AbortController();
            const quitter = tokens.getToken(controller.signal);
            const patient = tokens.getToken();
            controller.abort();
            await assert.rejects(quitter, (e: unknown) => isGenesysError(e) && e.code === 'GENESYS_ABORTED');
            assert.match(await patient, /.+/);
            assert.equal(emulator.control.tokenRequests - before, 1);
        } finally {
            emulator.control.setLatency(0);
        }
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
