import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSandboxConfig } from '../../src/sandbox/sandboxConfig';
import { isConfigError } from '../../src/kit/ConfigError';

describe('parseSandboxConfig', () => {
    it('runs with no configuration at all: ports, two units of 25 agents, thresholds that show all stages in 3 minutes', () => {
        const c = parseSandboxConfig({});
        assert.deepEqual([c.botPort, c.emulatorPort, c.playgroundPort], [3978, 9090, 56150]);
        assert.deepEqual([c.units, c.agentsPerUnit, c.simulate, c.playground], [2, 25, true, true]);
        assert.deepEqual([c.nudgeAfterMs, c.alertAfterMs, c.exceptionAfterMs], [45_000, 90_000, 150_000]);
        assert.ok(
            c.scenarioDelayMs + c.exceptionAfterMs <= 180_000,
            'the exception is recorded within 3 minutes of the chat opening'
        );
        assert.ok(
            c.scenarioReturnMs > c.exceptionAfterMs,
            'the agent returns after the exception, so the card shows "back in adherence"'
        );
        assert.ok(c.republishAfterMs > 0);
        assert.equal(c.logFile, 'artifacts/sandbox/bot.log');
        assert.ok(Object.isFrozen(c));
    });

    it('takes thresholds in seconds, fractions allowed, and ports 0 for any free port', () => {
        const c = parseSandboxConfig({
            SANDBOX_NUDGE_AFTER_S: '0.5',
            SANDBOX_ALERT_AFTER_S: '1.25',
            SANDBOX_EXCEPTION_AFTER_S: '3',
            SANDBOX_BOT_PORT: '0',
            SANDBOX_EMULATOR_PORT: '0',
            SANDBOX_PLAYGROUND_PORT: '0',
            SANDBOX_PLAYGROUND: 'false',
            SANDBOX_SIMULATE: 'no'
        });
        assert.deepEqual([c.nudgeAfterMs, c.alertAfterMs, c.exceptionAfterMs], [500, 1250, 3000]);
        assert.deepEqual(
            [c.botPort, c.emulatorPort, c.playgroundPort, c.playground, c.simulate],
            [0, 0, 0, false, false]
        );
    });

    it('lists every problem in one CONFIG_INVALID error', () => {
        try {
            parseSandboxConfig({
                SANDBOX_BOT_PORT: '70000',
                SANDBOX_AGENTS_PER_UNIT: 'many',
                SANDBOX_NUDGE_AFTER_S: '100',
                SANDBOX_ALERT_AFTER_S: '50',
                SANDBOX_PLAYGROUND: 'maybe',
                SANDBOX_DRIFT_PER_HOUR: '-1',
                LOG_LEVEL: 'loud'
            });
            assert.fail('should throw');
        } catch (error) {
            assert.ok(isConfigError(error));
            assert.equal(error.code, 'CONFIG_INVALID');
            for (const name of [
                'SANDBOX_BOT_PORT',
                'SANDBOX_AGENTS_PER_UNIT',
                'SANDBOX_NUDGE_AFTER_S <',
                'SANDBOX_PLAYGROUND',
                'SANDBOX_DRIFT_PER_HOUR',
                'LOG_LEVEL'
            ]) {
                assert.ok(
                    error.problems.some((p) => p.includes(name)),
                    `reports ${name}: ${error.problems.join(' | ')}`
                );
            }
            assert.equal(error.problems.length, 6);
        }
    });

    it('refuses two components on the same port and a repeat shorter than the return', () => {
        assert.throws(
            () => parseSandboxConfig({ SANDBOX_BOT_PORT: '4000', SANDBOX_PLAYGROUND_PORT: '4000' }),
            /SANDBOX_BOT_PORT and SANDBOX_PLAYGROUND_PORT are both 4000/
        );
        assert.throws(
            () => parseSandboxConfig({ SANDBOX_SCENARIO_RETURN_S: '100', SANDBOX_SCENARIO_REPEAT_S: '60' }),
            /SANDBOX_SCENARIO_REPEAT_S must be longer/
        );
    });
});
