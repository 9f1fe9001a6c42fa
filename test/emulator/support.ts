import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { FakeClock } from '../support/FakeClock';
import {
    startGenesysEmulator,
    type GenesysEmulatorOptions,
    type RunningEmulator
} from '../../src/emulator/GenesysEmulator';

/**
 * Wait until `cond` holds, yielding to the event loop (real sockets need real I/O turns). This polls a condition;
 * the deadline only stops a broken test from hanging.
 */
export async function until(cond: () => boolean, what: string): Promise<void> {
    const start = Date.now();
    while (!cond()) {
        if (Date.now() - start > 5_000) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((r) => setImmediate(r));
    }
}

/**
 * The emulator the raw-protocol suites talk to (2 units of 5 agents, 5 calls per minute per token, 600 s tokens, unless
 * `options` say otherwise) on a fake clock, started before and closed after the enclosing `describe`, with raw HTTP
 * helpers.
 */
export function useRawEmulator(options: GenesysEmulatorOptions = {}) {
    const clock = new FakeClock();
    let running: RunningEmulator | undefined;
    before(async () => {
        running = await startGenesysEmulator({
            clock,
            units: 2,
            agentsPerUnit: 5,
            rateLimitPerMinute: 5,
            tokenLifetimeSec: 600,
            ...options
        });
    });
    after(() => running?.close());
    const emulator = (): RunningEmulator => {
        if (!running) throw new Error('the emulator starts in before()');
        return running;
    };
    const basic = (id = emulator().clientId, secret = emulator().clientSecret) =>
        'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');
    async function token(): Promise<string> {
        const res = await fetch(`${emulator().loginUrl}/oauth/token`, {
            method: 'POST',
            headers: { Authorization: basic(), 'Content-Type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials'
        });
        const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
        assert.equal(body.token_type, 'bearer');
        assert.equal(body.expires_in, options.tokenLifetimeSec ?? 600);
        return body.access_token;
    }
    const api = (t: string, path: string, init: RequestInit = {}) =>
        fetch(`${emulator().url}${path}`, {
            ...init,
            headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json', ...init.headers }
        });
    return {
        clock,
        get emu(): RunningEmulator {
            return emulator();
        },
        basic,
        token,
        api
    };
}
