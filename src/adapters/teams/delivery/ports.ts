import type { Notification } from '../../../domain/adherence/types';
import type { WindowLimit } from '../../../kit/SlidingWindowLimiter';

/** Where a notification goes, decided by the Teams side before any send. */
export type Route = { conversationKey: string } | { drop: string };

/** A send whose look-ups and card are ready: `post` makes the request to Teams. */
export interface PreparedSend {
    /** Throws a `DeliveryError` on failure. */
    post(): Promise<void>;
}

/** The Teams side of delivery: routing (stored references) and the send itself. */
export interface Deliverer {
    route(notification: Notification): Promise<Route>;
    /** Send (or update) in the routed conversation. Throws a `DeliveryError` on failure. */
    send(notification: Notification, conversationKey: string): Promise<void>;
    /**
     * The work of {@link send} before its request (look-ups, the card), so that the rate slot is taken right before
     * the request. Without it, the whole send is the request.
     */
    prepare?(notification: Notification, conversationKey: string): Promise<PreparedSend>;
    /** A 403 from Teams: the app is gone from that conversation. Drop the reference (reported once). */
    forbidden?(notification: Notification, conversationKey: string): Promise<void>;
    /** The outbox gave up on the notification (not retryable, or `maxAttempts` failures): last word, never throws. */
    abandoned?(notification: Notification): Promise<void>;
}

/** Cross-instance "sent once" bookkeeping per outbox key (the bot store implements it). */
export interface DeliveryClaims {
    /** `claimed`: this instance may send; `busy`: another holds the lease; `done`: already delivered. */
    claimDelivery(key: string, owner: string, leaseMs: number): Promise<'claimed' | 'busy' | 'done'>;
    completeDelivery(key: string): Promise<void>;
    releaseDelivery(key: string, owner: string): Promise<void>;
}

/** Teams' send limits, as sliding windows. Defaults: `TEAMS_DEFAULTS.limits`. */
export interface DeliveryLimits {
    /** Per bot per conversation. @default 7/1s, 8/2s, 60/30s, 1800/3600s */
    perConversation: WindowLimit[];
    /** Per app (tenant). @default 50/1s */
    perApp: WindowLimit[];
}

/** Delivery outcomes, for counters and the latency histogram. */
export interface DispatcherMetrics {
    /** A notification went out; `latencyMs` from when it was due. */
    sent?(kind: Notification['kind'], latencyMs: number): void;
    failed?(code: string): void;
    throttled?(): void;
    dropped?(reason: string): void;
}
