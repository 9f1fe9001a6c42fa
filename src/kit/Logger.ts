/**
 * The logging port: structured fields first, then the message (the pino argument order). Adapters, the engine and
 * the sync worker take one as an argument; only `app/logger.ts` knows how lines are written.
 */
export interface Logger {
    debug(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
}

/** A logger that writes nothing (the default where logging is optional; tests, benchmarks). */
export function silentLogger(): Logger {
    const nothing = (): void => undefined;
    return { debug: nothing, info: nothing, warn: nothing, error: nothing };
}
