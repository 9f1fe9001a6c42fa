import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/app/config';
import { isConfigError, type ConfigError } from '../../src/kit/ConfigError';
import { parseTeamsConfig } from '../../src/adapters/teams/teamsConfig';
import { parseEngineConfig } from '../../src/engine/engineConfig';

/** The error `loadConfig` throws for `env`; the test fails when it throws nothing or something else. */
function refusal(env: Record<string, string | undefined>): ConfigError {
    try {
        loadConfig(env);
    } catch (error) {
        assert.ok(isConfigError(error), String(error));
        return error;
    }
    return assert.fail('loadConfig should have thrown');
}

describe('loadConfig', () => {
    it('refuses to start in production without credentials and lists every missing item, pointing at the sandbox', () => {
        const error = refusal({});
        const text = error.message;
        assert.match(text, /BOT_ID and BOT_PASSWORD are required in production/);
        assert.match(text, /npm run sandbox/);
        assert.match(text, /ACTION_SIGNING_SECRET is required in production/);
        assert.match(text, /REDIS_URL is required in production/);
        assert.match(text, /GENESYS_CLIENT_ID is required/);
    });

    it('reports problems of every part at once', () => {
        assert.throws(
            () =>
                loadConfig({
                    ADHERENCE_MODE: 'test',
                    PORT: 'x',
                    TEAMS_RATE_PER_APP: 'fast',
                    ADHERENCE_NUDGE_AFTER_MS: '-1'
                }),
            (e: Error) =>
                /PORT/.test(e.message) &&
                /TEAMS_RATE_PER_APP/.test(e.message) &&
                /ADHERENCE_NUDGE_AFTER_MS/.test(e.message)
        );
    });

    it("counts every problem once, the sync worker's one by one and REDIS_URL once, without the password", () => {
        const error = refusal({
            ADHERENCE_MODE: 'sandbox',
            SYNC_INGEST_TOKEN: 'short',
            SYNC_TARGET: 'span',
            SYNC_MAX_BATCH: 'abc',
            PORT: 'x',
            REDIS_URL: 'http://:hunter2@h:1'
        });
        assert.deepEqual(
            error.problems.map((p) => p.split(/[ :]/)[0]),
            ['PORT', 'REDIS_URL', 'SYNC_MAX_BATCH', 'SYNC_INGEST_TOKEN', 'SYNC_SPAN_URL', 'SYNC_REASON_CODES_FILE']
        );
        assert.ok(error.problems.every((p) => !p.includes('\n')));
        assert.match(error.message, /^Invalid configuration \(6 problems\):/);
        assert.equal(error.message.split('\n').length, 1 + 6);
        assert.doesNotMatch(error.message, /hunter2/);
    });

    it("lists the Genesys part's problems one by one", () => {
        const error = refusal({
            ADHERENCE_MODE: 'sandbox',
            GENESYS_REGION: 'not a host',
            GENESYS_REQUESTS_PER_MINUTE: 'lots'
        });
        assert.deepEqual(
            error.problems.map((p) => p.split(/[ :]/)[0]),
            ['GENESYS_REGION', 'GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET', 'GENESYS_REQUESTS_PER_MINUTE']
        );
        assert.match(error.message, /^Invalid configuration \(4 problems\):/);
    });

    it('runs without credentials in sandbox and test mode, with in-memory stores', () => {
        const config = loadConfig({ ADHERENCE_MODE: 'sandbox' });
        assert.equal(config.teams.botId, '');
        assert.equal(config.store.kind, 'memory');
        assert.equal(config.app.port, 3978);
        assert.ok(Object.isFrozen(config));
    });

    it('reads BOT_OPENID_METADATA_URL (unset: the public cloud) and refuses a non-http(s) one', () => {
        assert.equal(parseTeamsConfig({ ADHERENCE_MODE: 'test' }).botOpenIdMetadataUrl, undefined);
        const url = 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration';
        assert.equal(
            parseTeamsConfig({ ADHERENCE_MODE: 'test', BOT_OPENID_METADATA_URL: url }).botOpenIdMetadataUrl,
            url
        );
        assert.ok(
            refusal({ ADHERENCE_MODE: 'test', BOT_OPENID_METADATA_URL: 'ftp://x' }).problems.some((p) =>
                p.startsWith('BOT_OPENID_METADATA_URL')
            )
        );
    });

    it('accepts a full production configuration and never serialises secrets', () => {
        const config = loadConfig({
            BOT_ID: 'app-id',
            BOT_PASSWORD: 'super-secret-password',
            ACTION_SIGNING_SECRET: 'x'.repeat(40),
            REDIS_URL: 'redis://:pw-secret@redis:6379',
            GENESYS_REGION: 'mypurecloud.ie',
            GENESYS_CLIENT_ID: 'client',
            GENESYS_CLIENT_SECRET: 'genesys-secret-value'
        });
        const json = JSON.stringify(config);
        assert.doesNotMatch(json, /super-secret-password|xxxxxxxx|pw-secret|genesys-secret-value/);
        assert.equal(config.genesys?.clientId, 'client');
        assert.equal(config.teams.botPassword.reveal(), 'super-secret-password');
    });
});

describe('parseTeamsConfig', () => {
    it('parses supervisors, user overrides and rate limits with defaults from the Teams reference', () => {
        const c = parseTeamsConfig({
            ADHERENCE_MODE: 'test',
            TEAMS_SUPERVISORS: 'aad-1:mu1|mu2,29:x:*',
            TEAMS_USER_MAP: 'Ann@Contoso.com=g1'
        });
        assert.deepEqual(c.supervisors.get('aad-1'), ['mu1', 'mu2']);
        assert.deepEqual(c.supervisors.get('29:x'), ['*']);
        assert.equal(c.userOverrides.get('ann@contoso.com'), 'g1');
        assert.deepEqual(
            c.limits.perConversation.map((w) => `${w.limit}/${w.windowMs}`),
            ['7/1000', '8/2000', '60/30000', '1800/3600000']
        );
        assert.deepEqual(c.limits.perApp, [{ limit: 50, windowMs: 1000 }]);
        assert.equal(c.deliveryLeaseMs, 13_000);
    });

    it('reads TEAMS_DELIVERY_LEASE_MS and refuses one under a second', () => {
        assert.equal(
            parseTeamsConfig({ ADHERENCE_MODE: 'test', TEAMS_DELIVERY_LEASE_MS: '9000' }).deliveryLeaseMs,
            9_000
        );
        assert.throws(
            () => parseTeamsConfig({ ADHERENCE_MODE: 'test', TEAMS_DELIVERY_LEASE_MS: '500' }),
            (e: Error) => /TEAMS_DELIVERY_LEASE_MS/.test(e.message)
        );
    });

    it('reads the escalation (default one level after 5 min; 0 levels = off) and bounds it', () => {
        assert.deepEqual(parseEngineConfig({}).policy.escalation, { afterMs: 300_000, levels: 1 });
        assert.deepEqual(
            parseEngineConfig({ ADHERENCE_ESCALATE_AFTER_MS: '120000', ADHERENCE_ESCALATION_LEVELS: '3' }).policy
                .escalation,
            { afterMs: 120_000, levels: 3 }
        );
        assert.equal(parseEngineConfig({ ADHERENCE_ESCALATION_LEVELS: '0' }).policy.escalation, undefined);
        assert.throws(() => parseEngineConfig({ ADHERENCE_ESCALATION_LEVELS: '6' }), /ADHERENCE_ESCALATION_LEVELS/);
        assert.throws(() => parseEngineConfig({ ADHERENCE_ESCALATE_AFTER_MS: '10' }), /ADHERENCE_ESCALATE_AFTER_MS/);
    });

    it('reads TEAMS_ESCALATE_TO, each person a Teams user id and a supervisor of their units', () => {
        const c = parseTeamsConfig({
            ADHERENCE_MODE: 'test',
            TEAMS_SUPERVISORS: '29:a:mu1|mu2,29:b',
            TEAMS_ESCALATE_TO: '29:a:mu1,29:b'
        });
        assert.deepEqual(
            [...c.escalateTo],
            [
                ['29:a', ['mu1']],
                ['29:b', ['*']]
            ]
        );
        assert.throws(
            () =>
                parseTeamsConfig({
                    ADHERENCE_MODE: 'test',
                    TEAMS_SUPERVISORS: '29:a:mu1',
                    TEAMS_ESCALATE_TO: '29:a:mu3,aad-1'
                }),
            (e: ConfigError) =>
                e.problems.some((p) => /29:a must be a supervisor of mu3/.test(p)) &&
                e.problems.some((p) => /"aad-1" is not 29:<id>/.test(p))
        );
    });

    it('reads TEAMS_SUBSCRIPTION_REFRESH_MS (default 30 s) and bounds it', () => {
        assert.equal(parseTeamsConfig({ ADHERENCE_MODE: 'test' }).subscriptionRefreshMs, 30_000);
        assert.equal(
            parseTeamsConfig({ ADHERENCE_MODE: 'test', TEAMS_SUBSCRIPTION_REFRESH_MS: '5000' }).subscriptionRefreshMs,
            5_000
        );
        assert.throws(
            () => parseTeamsConfig({ ADHERENCE_MODE: 'test', TEAMS_SUBSCRIPTION_REFRESH_MS: '10' }),
            /TEAMS_SUBSCRIPTION_REFRESH_MS/
        );
    });

    it('reads a bare Teams user id (29:…) as a supervisor of every unit and 29:…:<units> as scoped', () => {
        const c = parseTeamsConfig({
            ADHERENCE_MODE: 'test',
            TEAMS_SUPERVISORS:
                '29:1AbCdEf-teams-user,5f1c2d3e-aad-object-id, 29:scoped:mu1|mu2,aad-2:*,29:1AbCdEf-teams-user:mu3'
        });
        assert.deepEqual(
            [...c.supervisors],
            [
                ['29:1AbCdEf-teams-user', ['*', 'mu3']],
                ['5f1c2d3e-aad-object-id', ['*']],
                ['29:scoped', ['mu1', 'mu2']],
                ['aad-2', ['*']]
            ]
        );
    });

    it('rejects ambiguous or malformed supervisor entries with a clear problem each', () => {
        for (const bad of [
            '29:x:mu1:mu2',
            'aad:mu1:mu2',
            '29',
            '29:',
            '8:orgid:abc',
            'aad-1:',
            'aad-1:mu1||mu2',
            ':mu1'
        ]) {
            assert.throws(
                () => parseTeamsConfig({ ADHERENCE_MODE: 'test', TEAMS_SUPERVISORS: bad }),
                (e: Error) => e.message.includes(`TEAMS_SUPERVISORS: "${bad}"`),
                bad
            );
        }
    });

    it('rejects a wildcard supervisor in production, a bad time zone and a short signing secret', () => {
        assert.throws(
            () =>
                parseTeamsConfig({
                    BOT_ID: 'a',
                    BOT_PASSWORD: 'b',
                    ACTION_SIGNING_SECRET: 'short',
                    TEAMS_SUPERVISORS: '*:*',
                    TEAMS_TIME_ZONE: 'Mars/Base'
                }),
            (e: Error) =>
                /wildcard/.test(e.message) && /TEAMS_TIME_ZONE/.test(e.message) && /at least 32/.test(e.message)
        );
    });

    it('reads the Explain reasons (ADHERENCE_EXPLANATION_REASONS) and refuses empty, long or repeated ones', () => {
        assert.deepEqual(parseTeamsConfig({ ADHERENCE_MODE: 'test' }).explanationReasons, [
            'Still with a customer',
            'System or tool problem',
            'My supervisor asked me',
            'Other'
        ]);
        const c = parseTeamsConfig({ ADHERENCE_MODE: 'test', ADHERENCE_EXPLANATION_REASONS: 'Coaching, Other' });
        assert.deepEqual(c.explanationReasons, ['Coaching', 'Other']);
        assert.throws(
            () =>
                parseTeamsConfig({
                    ADHERENCE_MODE: 'test',
                    ADHERENCE_EXPLANATION_REASONS: `Other,Other,${'x'.repeat(61)}`
                }),
            (e: Error) => /lists a reason twice/.test(e.message) && /longer than 60 characters/.test(e.message)
        );
        assert.throws(
            () => parseTeamsConfig({ ADHERENCE_MODE: 'test', ADHERENCE_EXPLANATION_REASONS: 'none' }),
            /must list 1 to 10 reasons/
        );
    });
});
