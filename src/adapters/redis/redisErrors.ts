import type { Clock } from '../../domain/clock';
import type { Logger } from '../../kit/Logger';
import { RepeatLog } from '../../kit/RepeatLog';
import { systemClock } from '../../kit/systemClock';

/** What an ioredis client (or cluster) offers for its connection errors. */
export interface ErrorEmitter {
    on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Gives a Redis client its `error` listener: without one ioredis prints `[ioredis] Unhandled error event` with a stack
 * to stderr on every failed reconnect. Each kind of error (its code, else its message) is logged at warn level, once
 * a minute per client name; the client keeps reconnecting and its queued commands run once it is back.
 */
export function logRedisErrors(client: ErrorEmitter, logger: Logger, name: string, clock: Clock = systemClock): void {
    const repeats = new RepeatLog(logger, clock);
    client.on('error', (error) => {
        const code = (error as Error & { code?: string }).code;
        const kind = code ?? error.message.slice(0, 100);
        repeats.log('warn', kind, { client: name, err: error.message.slice(0, 200), code }, 'redis connection error');
    });
}
