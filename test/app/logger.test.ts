import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routeConsole } from '../../src/app/logger';
import { capturingLogger } from '../support/capturingLogger';
import { FakeClock } from '../support/FakeClock';

describe('routeConsole', () => {
    it("turns a library's console output into one log line per call: no stack, no source path, at most warn", () => {
        const logger = capturingLogger();
        const clock = new FakeClock();
        const restore = routeConsole(logger, clock);
        try {
            const error = new Error('The token has expired');
            error.name = 'AuthenticationError';
            console.error(error);
            console.error('Error finding key for token. Available keys: /srv/app/node_modules/x/lib/a.js:12:3');
            console.warn('BadRequest: Missing activity or activity type.');
            console.log({ statusCode: 401 });
        } finally {
            restore();
        }
        assert.deepEqual(
            logger.lines.map((l) => [l.level, l.msg]),
            [
                ['warn', 'AuthenticationError: The token has expired'],
                ['warn', 'Error finding key for token. Available keys: [path]'],
                ['warn', 'BadRequest: Missing activity or activity type.'],
                ['info', '{ statusCode: 401 }']
            ]
        );
        assert.ok(logger.lines.every((l) => !/\n|\bat\s/.test(l.msg)));
    });

    it('logs a repeated message once a minute with the number left out', () => {
        const logger = capturingLogger();
        const clock = new FakeClock();
        const restore = routeConsole(logger, clock);
        try {
            for (let i = 0; i < 50; i++) console.error('Unauthorized Access. Request is not authorized');
            clock.advance(60_000);
            console.error('Unauthorized Access. Request is not authorized');
        } finally {
            restore();
        }
        assert.equal(logger.lines.length, 2);
        assert.equal(logger.lines[1].fields.repeats, 49);
    });
});
