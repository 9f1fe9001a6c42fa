import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { isConfigError } from '../../src/kit/ConfigError';
import { EnvReader, alternatives, isTimeZone, parseEnv, redactUrl } from '../../src/kit/env';

/** A reader of `env`, and what it found after `read`. */
function read<T>(env: Record<string, string | undefined>, fn: (r: EnvReader) => T): { value: T; problems: string[] } {
    const reader = new EnvReader(env);
    const value = fn(reader);
    return { value, problems: [...reader.problems] };
}

describe('EnvReader', () => {
    it('treats unset, empty and whitespace-only values alike: the default applies', () => {
        for (const blank of [undefined, '', '   ', '\t\n']) {
            const env = { V: blank };
            const r = new EnvReader(env);
            assert.equal(r.isSet('V'), false);
            assert.equal(r.text('V'), undefined);
            assert.equal(r.text('V', 'd'), 'd');
            assert.equal(r.integer('V', 7), 7);
            assert.equal(r.duration('V', 1000), 1000);
            assert.equal(r.flag('V', true), true);
            assert.deepEqual(r.list('V', { default: ['a'] }), ['a']);
            assert.equal(r.map('V', { key: 'k', value: 'v' }).size, 0);
            assert.equal(r.url('V'), undefined);
            assert.equal(r.timeZone('V', 'UTC'), 'UTC');
            assert.equal(r.secret('V'), undefined);
            assert.equal(r.oneOf('V', ['a', 'b'], 'b'), 'b');
            assert.deepEqual(r.problems, []);
        }
    });

    it('trims every value', () => {
        const r = new EnvReader({ T: '  x  ', N: ' 42 ', F: ' Yes ', Z: ' Europe/Dublin ' });
        assert.equal(r.text('T'), 'x');
        assert.equal(r.integer('N', 0), 42);
        assert.equal(r.flag('F', false), true);
        assert.equal(r.timeZone('Z', 'UTC'), 'Europe/Dublin');
    });

    it('reads whole numbers as digits only, within bounds, and names the variable, the form and the value', () => {
        const { value, problems } = read(
            { A: '12', B: '-1', C: '1.5', D: '1e3', E: '0x10', F: '99', G: 'many', H: '5' },
            (r) => [
                r.integer('A', 0, { min: 1 }),
                r.integer('B', 3, { min: 1 }),
                r.integer('C', 3),
                r.integer('D', 3),
                r.integer('E', 3),
                r.integer('F', 3, { min: 1, max: 50 }),
                r.integer('G', 3, { min: 100 }),
                r.integer('H', 3, { max: 4 })
            ]
        );
        assert.deepEqual(value, [12, 3, 3, 3, 3, 3, 3, 3]);
        assert.deepEqual(problems, [
            'B must be a whole number >= 1 (got "-1")',
            'C must be a whole number (got "1.5")',
            'D must be a whole number (got "1e3")',
            'E must be a whole number (got "0x10")',
            'F must be a whole number between 1 and 50 (got "99")',
            'G must be a whole number >= 100 (got "many")',
            'H must be a whole number between 0 and 4 (got "5")'
        ]);
    });

    it('refuses whole numbers beyond the safe integers', () => {
        const { value, problems } = read({ N: '9007199254740993' }, (r) => r.integer('N', 1));
        assert.equal(value, 1);
        assert.equal(problems.length, 1);
    });

    it('reads durations in milliseconds, or in seconds with decimals when asked', () => {
        const { value, problems } = read({ MS: '250', BAD: '2.5', S: '1.25', S0: '0.0004', S_BAD: '-3' }, (r) => [
            r.duration('MS', 0, { min: 1 }),
            r.duration('BAD', 9, { min: 1 }),
            r.duration('S', 0, { unit: 's', min: 1 }),
            r.duration('S0', 9, { unit: 's', min: 1, max: 60_000 }),
            r.duration('S_BAD', 9, { unit: 's' })
        ]);
        assert.deepEqual(value, [250, 9, 1250, 9, 9]);
        assert.deepEqual(problems, [
            'BAD must be a whole number of milliseconds >= 1 (got "2.5")',
            'S0 must be a number of seconds between 0.001 and 60 (got "0.0004")',
            'S_BAD must be a number of seconds (got "-3")'
        ]);
    });

    it('reads decimal numbers within bounds', () => {
        const { value, problems } = read({ A: '0.85', B: '.5', C: '1.5', D: 'NaN' }, (r) => [
            r.number('A', 0, { max: 1 }),
            r.number('B', 0, { max: 1 }),
            r.number('C', 0.1, { max: 1 }),
            r.number('D', 0.1)
        ]);
        assert.deepEqual(value, [0.85, 0.5, 0.1, 0.1]);
        assert.deepEqual(problems, [
            'C must be a number between 0 and 1 (got "1.5")',
            'D must be a number (got "NaN")'
        ]);
    });

    it('reads flags with one rule: true/1/yes/on and false/0/no/off in any case', () => {
        const truthy = ['true', 'TRUE', '1', 'yes', 'Yes', 'on', 'ON'];
        const falsy = ['false', 'False', '0', 'no', 'NO', 'off', 'Off'];
        for (const v of truthy) assert.equal(new EnvReader({ F: v }).flag('F', false), true, v);
        for (const v of falsy) assert.equal(new EnvReader({ F: v }).flag('F', true), false, v);
        const { value, problems } = read({ F: 'maybe' }, (r) => r.flag('F', true));
        assert.equal(value, true);
        assert.deepEqual(problems, ['F must be true or false (or 1/0, yes/no, on/off; got "maybe")']);
    });

    it('reads one of a set of values, spelled exactly', () => {
        const { value, problems } = read({ M: 'Sandbox' }, (r) =>
            r.oneOf('M', ['production', 'sandbox', 'test'], 'test')
        );
        assert.equal(value, 'test');
        assert.deepEqual(problems, ['M must be production, sandbox or test (got "Sandbox")']);
    });

    it('reads lists: comma-separated, trimmed, empty items ignored, `none` for no item', () => {
        const r = new EnvReader({ L: ' a, b ,,c, ', N: 'none', U: 'NONE' });
        assert.deepEqual(r.list('L'), ['a', 'b', 'c']);
        assert.deepEqual(r.list('N', { default: ['x'] }), []);
        assert.deepEqual(r.list('U', { default: ['x'] }), []);
        assert.deepEqual(r.list('UNSET', { default: ['x'] }), ['x']);
        assert.deepEqual(r.problems, []);
    });

    it('refuses list items outside the allowed values or form and leaves them out', () => {
        const { value, problems } = read({ L: 'Meal,Holiday', I: 'mu-1,mu 2' }, (r) => [
            r.list('L', { oneOf: ['Meal', 'Break'] }),
            r.list('I', { item: { pattern: /^[\w-]+$/, form: 'unit ids' } })
        ]);
        assert.deepEqual(value, [['Meal'], ['mu-1']]);
        assert.deepEqual(problems, [
            'L may only list Meal or Break (got "Holiday")',
            'I items must be unit ids (got "mu 2")'
        ]);
    });

    it('reads key=value maps and refuses malformed items and repeated keys', () => {
        const { value, problems } = read({ M: 'mu1=Europe/Dublin, mu2 = UTC ,broken,=x,mu1=UTC,url=a=b' }, (r) =>
            r.map('M', { key: 'unit', value: 'zone' })
        );
        assert.deepEqual(
            [...value],
            [
                ['mu1', 'Europe/Dublin'],
                ['mu2', 'UTC'],
                ['url', 'a=b']
            ]
        );
        assert.deepEqual(problems, [
            'M items must look like <unit>=<zone> (got "broken")',
            'M items must look like <unit>=<zone> (got "=x")',
            'M lists unit mu1 more than once'
        ]);
    });

    it('reads absolute URLs of the given schemes, without credentials, never echoing a password', () => {
        const { value, problems } = read(
            {
                OK: 'https://api.example.com/v2/',
                REL: '/relative',
                FTP: 'ftp://example.com',
                CRED: 'https://user:hunter2@example.com'
            },
            (r) => [r.url('OK'), r.url('REL'), r.url('FTP', ['https:']), r.url('CRED')]
        );
        assert.deepEqual(value, ['https://api.example.com/v2/', undefined, undefined, undefined]);
        assert.deepEqual(problems, [
            'REL must be an absolute http or https URL (got "/relative")',
            'FTP must be an absolute https URL (got "ftp://example.com")',
            'CRED must not contain credentials (got "https://***@example.com")'
        ]);
    });

    it('reads IANA time zones', () => {
        const { value, problems } = read({ A: 'America/Chicago', B: 'Mars/Olympus' }, (r) => [
            r.timeZone('A', 'UTC'),
            r.timeZone('B', 'UTC')
        ]);
        assert.deepEqual(value, ['America/Chicago', 'UTC']);
        assert.deepEqual(problems, ['B must be an IANA time zone such as Europe/Dublin or UTC (got "Mars/Olympus")']);
        assert.equal(isTimeZone('Europe/Dublin'), true);
        assert.equal(isTimeZone(''), false);
    });

    it('holds secrets in a Secret and never puts their value in a problem', () => {
        const r = new EnvReader({
            OK: 'a-long-enough-secret-value',
            SHORT: 'hunter2',
            SPACED: 'two words-here-long-enough',
            URL: 'http://:hunter2@cache:6379'
        });
        const ok = r.secret('OK', { minLength: 16 });
        assert.equal(ok?.reveal(), 'a-long-enough-secret-value');
        assert.equal(JSON.stringify({ ok }), '{"ok":"[redacted]"}');
        assert.equal(r.secret('SHORT', { minLength: 16 }), undefined);
        assert.equal(r.secret('SPACED', { pattern: /^\S+$/, form: 'a single word' }), undefined);
        const url = r.secret('URL', { pattern: /^rediss?:\/\//, form: 'a redis:// URL', shown: redactUrl });
        assert.equal(url, undefined);
        assert.deepEqual(r.problems, [
            'SHORT must be at least 16 characters long',
            'SPACED must be a single word',
            'URL must be a redis:// URL (got "http://***@cache:6379")'
        ]);
        assert.doesNotMatch(r.problems.join('\n'), /hunter2|two words/);
        const shown = new EnvReader({ U: 'redis://:pw-1234@h:1' }).secret('U', { shown: redactUrl });
        assert.equal(`${shown}`, 'redis://***@h:1');
        assert.equal(shown?.reveal(), 'redis://:pw-1234@h:1');
    });

    it('tells whether any variable of a prefix is set', () => {
        const r = new EnvReader({ GENESYS_A: ' ', OTHER: 'x' });
        assert.equal(r.anySet('GENESYS_'), false);
        assert.equal(new EnvReader({ GENESYS_B: 'x' }).anySet('GENESYS_'), true);
    });

    it('collects every problem and throws one ConfigError listing them all', () => {
        const reader = new EnvReader({ A: 'x', B: 'y' });
        reader.integer('A', 1);
        reader.flag('B', true);
        reader.problem('A and B disagree');
        assert.throws(
            () => reader.throwIfProblems(),
            (e: unknown) =>
                isConfigError(e) &&
                e.problems.length === 3 &&
                e.message.startsWith('Invalid configuration (3 problems):\n  - A must be') &&
                e.message.endsWith('\n  - A and B disagree')
        );
        assert.doesNotThrow(() => new EnvReader({}).throwIfProblems());
    });

    it('parseEnv returns what the read function built, or throws after it read everything', () => {
        assert.equal(
            parseEnv({ N: '3' }, (r) => r.integer('N', 1)),
            3
        );
        let reads = 0;
        assert.throws(
            () =>
                parseEnv({ A: 'x', B: 'y' }, (r) => {
                    reads++;
                    return [r.integer('A', 1), r.integer('B', 1)];
                }),
            (e: unknown) => isConfigError(e) && e.problems.length === 2
        );
        assert.equal(reads, 1);
    });
});

describe('alternatives', () => {
    it('joins values as a reader would say them', () => {
        assert.equal(alternatives(['a']), 'a');
        assert.equal(alternatives(['a', 'b']), 'a or b');
        assert.equal(alternatives(['a', 'b', 'c']), 'a, b or c');
    });
});

describe('redactUrl', () => {
    it('hides everything between // and the last @, and keeps a URL without credentials as is', () => {
        assert.equal(redactUrl('redis://:a/b@c@cache:6380/2'), 'redis://***@cache:6380/2');
        assert.equal(redactUrl('https://api.example.com'), 'https://api.example.com');
    });
});

describe('a Secret inside a config object', () => {
    it('stays hidden from JSON.stringify and util.inspect', () => {
        const config = { token: new EnvReader({ T: 'secret-token-value-123' }).secret('T') };
        assert.doesNotMatch(JSON.stringify(config), /secret-token-value/);
        assert.doesNotMatch(inspect(config, { depth: 5 }), /secret-token-value/);
    });
});
