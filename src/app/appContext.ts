import type { Clock, Random } from '../domain/clock';
import type { Logger } from '../kit/Logger';
import type { AppMetrics } from './metrics';

/** What every wiring part of {@link createApp} gets: the app's clock, randomness, logger and metrics. */
export interface AppContext {
    clock: Clock;
    random: Random;
    logger: Logger;
    metrics: AppMetrics;
    /**
     * Registers a shutdown step of something the part built (a client, a store). `close()` runs them in reverse
     * order, after the long-running parts (server, stream, sync, retention, dispatcher, engine) stopped.
     */
    onClose(step: () => Promise<void> | void): void;
}
