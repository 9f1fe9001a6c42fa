import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { parseAnalyticsConfig, timeZoneOfConfig } from '../../src/analytics/analyticsConfig';
import { isConfigError } from '../../src/kit/ConfigError';

const TOKEN = 's3cr3t-token-0123456789';

describe('parseAnalyticsConfig', () => {
    it('applies the defaults when nothing is set, with the endpoint off', () => {
        const config = parseAnalyticsConfig({});
        assert.equal(config.reportApiToken, undefined);
        assert.equal(config.retentionDays, 35);
        assert.equal(config.trimIntervalMs, 3_600_000);
        assert.equal(config.defaultTimeZone, 'UTC');
        assert.deepEqual(config.unitTimeZones, {});
        assert.equal(config.defaultDays, 7);
        assert.equal(config.maxDays, 35);
        assert.equal(config.topAgents, 10);
        assert.equal(config.cacheMs, 30_000);
        assert.ok(Object.isFrozen(config));
    });

    it('reads every variable', () => {
        const config = parseAnalyticsConfig({
            REPORT_API_TOKEN: TOKEN,
            ADHERENCE_LOG_RETENTION_DAYS: '60',
            ADHERENCE_LOG_TRIM_INTERVAL_MS: '600000',
            REPORT_TIME_ZONE: 'Europe/Dublin',
            REPORT_UNIT_TIME_ZONES: 'mu1=Europe/Dublin, mu2=America/Chicago',
            REPORT_DEFAULT_DAYS: '14',
            REPORT_MAX_DAYS: '30',
            REPORT_TOP_AGENTS: '5',
            REPORT_CACHE_MS: '0'
        });
        assert.equal(config.reportApiToken?.reveal(), TOKEN);
        assert.equal(config.retentionDays, 60);
        assert.equal(config.trimIntervalMs, 600_000);
        assert.deepEqual(config.unitTimeZones, { mu1: 'Europe/Dublin', mu2: 'America/Chicago' });
        assert.equal(config.defaultDays, 14);
        assert.equal(config.maxDays, 30);
        assert.equal(config.topAgents, 5);
        assert.equal(config.cacheMs, 0);
        const timeZoneOf = timeZoneOfConfig(config);
        assert.equal(timeZoneOf('mu2'), 'America/Chicago');
        assert.equal(timeZoneOf('other'), 'Europe/Dublin');
        assert.equal(timeZoneOf('toString'), 'Europe/Dublin');
    });

    it('lists every problem in one error', () => {
        let caught: unknown;
        try {
            parseAnalyticsConfig({
                REPORT_API_TOKEN: 'short',
                ADHERENCE_LOG_RETENTION_DAYS: 'ten',
                REPORT_TIME_ZONE: 'Mars/Olympus',
                REPORT_UNIT_TIME_ZONES: 'mu1=Europe/Dublin,broken,mu2=Nowhere/Town,mu1=UTC',
                REPORT_TOP_AGENTS: '0'
            });
        } catch (err) {
            caught = err;
        }
        assert.ok(isConfigError(caught));
        assert.equal(caught.code, 'CONFIG_INVALID');
        assert.equal(caught.problems.length, 7, caught.problems.join('\n'));
        for (const name of [
            'REPORT_API_TOKEN',
            'ADHERENCE_LOG_RETENTION_DAYS',
            'REPORT_TIME_ZONE',
            'REPORT_TOP_AGENTS'
        ]) {
            assert.match(caught.message, new RegExp(name));
        }
        assert.match(caught.message, /"broken"/);
        assert.match(caught.message, /Nowhere\/Town/);
        assert.match(caught.message, /unit mu1 more than once/);
        assert.doesNotMatch(caught.message, /short/);
    });

    it('refuses a report period longer than the retained log', () => {
        assert.throws(
            () => parseAnalyticsConfig({ ADHERENCE_LOG_RETENTION_DAYS: '10', REPORT_MAX_DAYS: '20' }),
            /REPORT_MAX_DAYS \(20\) must not exceed ADHERENCE_LOG_RETENTION_DAYS \(10\)/
        );
        assert.equal(parseAnalyticsConfig({ ADHERENCE_LOG_RETENTION_DAYS: '5' }).defaultDays, 5);
    });

    it('never serialises the token', () => {
        const config = parseAnalyticsConfig({ REPORT_API_TOKEN: TOKEN });
        const json = JSON.stringify(config);
        assert.doesNotMatch(json, new RegExp(TOKEN));
        assert.equal(JSON.parse(json).reportApiToken, '[redacted]');
        assert.equal(JSON.parse(json).retentionDays, 35);
        assert.doesNotMatch(inspect(config), new RegExp(TOKEN));
        assert.doesNotMatch(`${JSON.stringify({ config })}`, new RegExp(TOKEN));
        assert.deepEqual(Object.keys(JSON.parse(json)).sort(), Object.keys(config).sort());
    });
});
