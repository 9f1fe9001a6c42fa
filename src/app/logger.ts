import { inspect } from 'node:util';
import pino from 'pino';
import type { Clock } from '../domain/clock';
import type { Logger } from '../kit/Logger';
import { RepeatLog } from '../kit/RepeatLog';
import { systemClock } from '../kit/systemClock';

/**
 * Structured JSON logs. Secrets and message contents are redacted by path wherever they could appear,
 * as a second line of defence: the first is that credential holders never expose them (`toJSON`).
 */
export function createLogger(
    options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}
): Logger {
    return pino(
        {
            name: options.name ?? 'adherence-drift-bot',
            level: options.level ?? 'info',
            redact: {
                paths: [
                    '*.password',
                    '*.secret',
                    '*.clientSecret',
                    '*.token',
                    '*.accessToken',
                    '*.access_token',
                    '*.authorization',
                    '*.Authorization',
                    'headers.authorization',
                    'req.headers.authorization',
                    '*.text'
                ],
                censor: '[redacted]'
            },
            base: undefined
        },
        options.destination
    );
}

const CONSOLE_LEVELS = {
    error: 'warn',
    warn: 'warn',
    info: 'info',
    log: 'info',
    debug: 'debug',
    trace: 'debug'
} as const;

/** Source paths (`/x/y/file.js:12:3`) and stack frames left out of what a library printed. */
function scrub(text: string): string {
    return text
        .split('\n')
        .filter((line) => !/^\s*at\s/.test(line))
        .join(' ')
        .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+)+\.(?:[cm]?js|ts)(?::\d+)*/g, '[path]')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 500);
}

function describeArg(arg: unknown): string {
    if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
    if (typeof arg === 'string') return arg;
    return inspect(arg, { depth: 2, breakLength: Infinity, maxStringLength: 200, maxArrayLength: 10 });
}

/**
 * Routes what libraries print with `console.*` (botbuilder prints rejected tokens with their stack) through the
 * logger: one JSON line per call, at warn level at most (a library's complaint is not the product's error), with the
 * message only (no stack, no source paths), and each distinct message at most once a minute. Returns the restorer.
 */
export function routeConsole(logger: Logger, clock: Clock = systemClock): () => void {
    const repeats = new RepeatLog(logger, clock);
    const saved = new Map<keyof typeof CONSOLE_LEVELS, (...args: unknown[]) => void>();
    for (const method of Object.keys(CONSOLE_LEVELS) as Array<keyof typeof CONSOLE_LEVELS>) {
        saved.set(method, console[method]);
        console[method] = (...args: unknown[]) => {
            const message = scrub(args.map(describeArg).join(' '));
            repeats.log(CONSOLE_LEVELS[method], `console:${message}`, { source: 'console' }, message);
        };
    }
    return () => {
        for (const [method, original] of saved) console[method] = original;
    };
}
