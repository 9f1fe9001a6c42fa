import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { parseGenesysConfig } from '../../../src/adapters/genesys/genesysConfig';
import { isConfigError } from '../../../src/kit/ConfigError';

const base = {
    GENESYS_REGION: 'mypurecloud.ie',
    GENESYS_CLIENT_ID: 'cid',
    GENESYS_CLIENT_SECRET: 'super-secret-value'
};

describe('parseGenesysConfig', () => {
    it('derives api and login bases from GENESYS_REGION and applies defaults', () => {
        const c = parseGenesysConfig(base);
        assert.equal(c.apiBaseUrl, 'https://api.mypurecloud.ie');
        assert.equal(c.loginBaseUrl, 'https://login.mypurecloud.ie');
        assert.deepEqual(c.managementUnitIds, []);
        assert.equal(c.tokenRefreshMarginMs, 300_000);
        assert.equal(c.requestsPerMinute, 300);
        assert.equal(c.clientSecret.reveal(), 'super-secret-value');
        assert.ok(Object.isFrozen(c));
    });

    it('lets GENESYS_API_URL and GENESYS_LOGIN_URL override the bases and splits GENESYS_MANAGEMENT_UNITS', () => {
        const c = parseGenesysConfig({
            GENESYS_API_URL: 'http://127.0.0.1:9090/',
            GENESYS_LOGIN_URL: 'http://127.0.0.1:9090',
            GENESYS_CLIENT_ID: 'a',
            GENESYS_CLIENT_SECRET: 'b',
            GENESYS_MANAGEMENT_UNITS: ' mu-1, mu-2 ,',
            GENESYS_REQUESTS_PER_MINUTE: '120'
        });
        assert.equal(c.apiBaseUrl, 'http://127.0.0.1:9090');
        assert.deepEqual(c.managementUnitIds, ['mu-1', 'mu-2']);
        assert.equal(c.requestsPerMinute, 120);
    });

    it('reads how often refused adherence is asked for again (GENESYS_REFUSED_RETRY_MS), at least 1 s', () => {
        assert.equal(parseGenesysConfig(base).refusedRetryMs, 300_000);
        assert.equal(parseGenesysConfig({ ...base, GENESYS_REFUSED_RETRY_MS: '60000' }).refusedRetryMs, 60_000);
        assert.throws(
            () => parseGenesysConfig({ ...base, GENESYS_REFUSED_RETRY_MS: '10' }),
            (e: unknown) => isConfigError(e) && e.problems.some((p) => p.startsWith('GENESYS_REFUSED_RETRY_MS'))
        );
    });

    it('reports every problem at once', () => {
        try {
            parseGenesysConfig({
                GENESYS_REGION: 'https://bad/region',
                GENESYS_REQUESTS_PER_MINUTE: 'lots',
                GENESYS_PING_INTERVAL_MS: '90000',
                GENESYS_HEARTBEAT_TIMEOUT_MS: '60000',
                GENESYS_EXCEPTION_CATEGORIES: 'TimeOff,Holiday'
            });
            assert.fail('should throw');
        } catch (e) {
            assert.ok(isConfigError(e));
            assert.equal(e.code, 'CONFIG_INVALID');
            for (const key of [
                'GENESYS_REGION',
                'GENESYS_CLIENT_ID',
                'GENESYS_CLIENT_SECRET',
                'GENESYS_REQUESTS_PER_MINUTE',
                'GENESYS_HEARTBEAT_TIMEOUT_MS',
                'Holiday'
            ]) {
                assert.match(e.message, new RegExp(key));
            }
        }
    });

    it('requires the API and login URLs together when no region is given', () => {
        assert.throws(
            () =>
                parseGenesysConfig({ GENESYS_API_URL: 'http://x', GENESYS_CLIENT_ID: 'a', GENESYS_CLIENT_SECRET: 'b' }),
            /must be set together/
        );
    });

    it('never exposes the secret through JSON.stringify, inspect or error text', () => {
        const c = parseGenesysConfig(base);
        assert.doesNotMatch(JSON.stringify(c), /super-secret-value/);
        assert.doesNotMatch(inspect(c), /super-secret-value/);
        try {
            parseGenesysConfig({ ...base, GENESYS_REGION: '??' });
        } catch (e) {
            assert.doesNotMatch(String((e as Error).message), /super-secret-value/);
        }
    });
});
