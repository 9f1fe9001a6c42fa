import type { Observation } from '../../domain/adherence/types';
import { decorrelatedJitter } from '../../kit/backoff';
import { silentLogger, type Logger } from '../../kit/Logger';
import { describeError } from './errors';
import { createGenesysMetrics, type GenesysMetrics } from './genesysMetrics';
import { InputRejections } from './InputRejections';
import type { AdherenceStreamOptions, StreamEvent } from './streamTypes';
import { TopicRejections } from './TopicRejections';

/**
 * What the channels of one stream share and report into: the options, the logger and metrics, the refusals (frames
 * and topics), and the figures of `status()`.
 */
export class StreamContext {
    readonly log: Logger;
    readonly metrics: GenesysMetrics;
    /** Refused frames, counted per kind and logged once per kind. */
    readonly refused: InputRejections;
    /** Topics Genesys refused to subscribe. */
    readonly rejections: TopicRejections;
    /** Epoch ms of the last adherence or schedule event. */
    lastEventAt: number | undefined;
    /** Epoch ms of the last complete re-sync. */
    lastResyncAt: number | undefined;
    reconnects = 0;
    framesReceived = 0;
    lastError: string | undefined;
    private readonly unknownSeen = new Set<string>();

    constructor(readonly options: AdherenceStreamOptions) {
        this.log = options.logger ?? silentLogger();
        this.metrics = options.metrics ?? createGenesysMetrics();
        this.refused = new InputRejections(this.log, 'genesys-stream');
        this.rejections = new TopicRejections(this.log, this.metrics);
    }

    /** A fresh reconnect backoff (decorrelated jitter between the configured bounds). */
    newBackoff(): Iterator<number> {
        const { reconnectInitialMs, reconnectMaxMs } = this.options.config;
        return decorrelatedJitter({ initialMs: reconnectInitialMs, maxMs: reconnectMaxMs }, this.options.random);
    }

    /**
     * An event kept with a category none of the known ones (the topic model types categories as free strings): counted
     * per field in `genesys_unknown_categories_total`, each value logged once.
     */
    unknownCategories(observation: Observation, fields: readonly string[]): void {
        for (const field of fields) {
            this.metrics.unknownCategories.inc({ field });
            const value =
                field === 'scheduledActivityCategory' ? observation.scheduledCategory : observation.actualCategory;
            if (value === undefined || this.unknownSeen.has(value)) continue;
            this.unknownSeen.add(value);
            this.log.warn(
                { field, value, userId: observation.userId },
                `genesys sent the activity category "${value}", which the bot does not know: kept and shown as sent`
            );
        }
    }

    /** Run a sink call; a sink that throws is logged, never propagated. */
    safely(fn: () => void): void {
        try {
            fn();
        } catch (error) {
            this.log.error({ err: describeError(error) }, 'adherence sink threw');
        }
    }

    /** Tell the `onEvent` listener; a listener that throws is logged, never propagated. */
    emit(event: StreamEvent): void {
        try {
            this.options.onEvent?.(event);
        } catch (error) {
            this.log.warn({ err: error }, 'stream event listener failed');
        }
    }
}
