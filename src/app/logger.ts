import pino from 'pino';
import type { Logger } from '../kit/Logger';

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
