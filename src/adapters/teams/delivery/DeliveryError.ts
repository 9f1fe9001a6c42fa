import { parseRetryAfterMs } from '../../../kit/retryAfter';

export type DeliveryErrorCode =
    | 'TEAMS_THROTTLED'
    | 'TEAMS_UNAVAILABLE'
    | 'TEAMS_FORBIDDEN'
    | 'TEAMS_NOT_FOUND'
    | 'TEAMS_REJECTED'
    | 'TEAMS_NETWORK'
    /** Not sendable yet (e.g. an alert update whose alert card is not posted yet): retried later, off the queue. */
    | 'NOT_READY';

/** A failed send to Teams, classified so the outbox knows whether (and when) to try again. */
export class DeliveryError extends Error {
    constructor(
        readonly code: DeliveryErrorCode,
        message: string,
        readonly retryable: boolean,
        readonly status?: number,
        /** From `Retry-After`, when the service gave one. */
        readonly retryAfterMs?: number
    ) {
        super(message);
        this.name = 'DeliveryError';
    }
}

/**
 * The entry depends on something not delivered yet. The dispatcher sets it aside (the conversation keeps flowing),
 * retries it with the normal backoff and drops it, logged, after `maxAttempts`.
 */
export function notReady(message: string): DeliveryError {
    return new DeliveryError('NOT_READY', message, true);
}

export function isDeliveryError(e: unknown): e is DeliveryError {
    return e instanceof DeliveryError;
}

/** Statuses Teams asks us to retry (reference: rate limits for bots). */
const RETRYABLE = new Set([412, 429, 502, 503, 504]);

/** Map an HTTP status (and optional `Retry-After` header value) to a {@link DeliveryError}. */
export function deliveryErrorFromStatus(
    status: number | undefined,
    retryAfter?: string | null,
    now?: number
): DeliveryError {
    const retryAfterMs = parseRetryAfterMs(retryAfter, now);
    if (status === undefined) return new DeliveryError('TEAMS_NETWORK', 'Teams could not be reached', true);
    if (status === 429)
        return new DeliveryError('TEAMS_THROTTLED', 'Teams throttled the bot (429)', true, status, retryAfterMs);
    if (RETRYABLE.has(status) || status >= 500) {
        return new DeliveryError(
            'TEAMS_UNAVAILABLE',
            `Teams answered ${status}`,
            RETRYABLE.has(status) || status >= 500,
            status,
            retryAfterMs
        );
    }
    if (status === 403)
        return new DeliveryError(
            'TEAMS_FORBIDDEN',
            'Teams refused the send (403: app uninstalled or blocked)',
            false,
            status
        );
    if (status === 404)
        return new DeliveryError('TEAMS_NOT_FOUND', 'Teams conversation or activity not found (404)', false, status);
    return new DeliveryError('TEAMS_REJECTED', `Teams rejected the send (${status})`, false, status);
}
