import type { Clock, Random } from '../../../domain/clock';
import type { AgentStateStore, OutboxEntry } from '../../../engine/ports';
import { equalJitterMs, retryAfterJitterMs, type BackoffOptions } from '../../../kit/backoff';
import type { Logger } from '../../../kit/Logger';
import type { ConversationQueues, Queued } from './ConversationQueues';
import { isDeliveryError, type DeliveryError } from './DeliveryError';
import type { InstanceClaims } from './InstanceClaims';
import type { Deliverer, DispatcherMetrics } from './ports';

export interface EntrySenderOptions {
    store: Pick<AgentStateStore, 'ackOutbox' | 'retryOutbox'>;
    deliverer: Deliverer;
    claims: InstanceClaims;
    /** Where a failed entry goes back to wait for its retry. */
    queues: ConversationQueues;
    clock: Clock;
    random: Random;
    backoff: BackoffOptions;
    maxAttempts: number;
    logger: Logger;
    metrics: DispatcherMetrics;
    /** The entry left this instance's memory (settled, set aside or taken over by another instance). */
    forget(key: string): void;
}

/**
 * One send of a routed outbox entry and its outcome: sent (claim completed, outbox acked); retried with backoff,
 * never before `Retry-After`, at the head of its conversation; set aside when not ready; dropped on a 403 (the
 * reference goes too); abandoned, logged, when Teams refuses it or after `maxAttempts`.
 */
export class EntrySender {
    constructor(private readonly o: EntrySenderOptions) {}

    async send(item: Queued): Promise<void> {
        const { entry, conversationKey } = item;
        const { clock, claims } = this.o;
        try {
            // The claim taken at admission may have expired while the entry waited for a rate slot or a retry, and
            // another instance may have taken it over: renew it right before the send, and send only if still ours.
            // (A claim with at least half its lease left cannot have been taken over: the send keeps one round trip.)
            if (item.leaseUntil - clock.now() < claims.leaseMs / 2 && !(await this.stillOwned(item, claims.leaseMs)))
                return;
            await this.o.deliverer.send(entry.notification, conversationKey);
        } catch (error) {
            await this.failed(item, error);
            return;
        }
        this.o.metrics.sent?.(entry.notification.kind, Math.max(0, clock.now() - entry.notBefore));
        await this.finish(entry, { sent: true });
    }

    /** The entry leaves the outbox and this instance's memory: sent, or dropped on purpose (counted, logged). */
    async finish(entry: OutboxEntry, outcome: { sent: true } | { dropped: string }): Promise<void> {
        const { logger } = this.o;
        if ('dropped' in outcome) {
            this.o.metrics.dropped?.(outcome.dropped);
            logger.info({ key: entry.key, reason: outcome.dropped }, 'outbox entry dropped');
        }
        try {
            if ('sent' in outcome) await this.o.claims.complete(entry.key);
            await this.o.store.ackOutbox(entry.key);
        } catch (error) {
            logger.error({ err: String(error), key: entry.key }, 'could not remove a settled outbox entry');
        }
        this.o.forget(entry.key);
    }

    /**
     * Renew this instance's claim on `entry` for `leaseMs`. False (and the entry leaves this instance's memory) when
     * another instance holds it now or it was already delivered.
     */
    private async stillOwned(item: Queued, leaseMs: number): Promise<boolean> {
        const { entry } = item;
        const at = this.o.clock.now();
        const claim = await this.o.claims.claim(entry.key, leaseMs);
        if (claim === 'claimed') {
            item.leaseUntil = at + leaseMs;
            return true;
        }
        this.o.logger.info({ key: entry.key, claim }, 'outbox entry taken over by another instance; not sending it');
        if (claim === 'done') await this.o.store.ackOutbox(entry.key);
        this.o.forget(entry.key);
        return false;
    }

    private async failed(item: Queued, error: unknown): Promise<void> {
        const { entry, conversationKey } = item;
        const { logger, metrics } = this.o;
        const e: DeliveryError | undefined = isDeliveryError(error) ? error : undefined;
        // Anything that is not a classified Teams answer (a directory or store blip while building the card, a bug)
        // is retried like a 5xx: only Teams' own refusals are final.
        const code = e?.code ?? 'INTERNAL';
        const retryable = e?.retryable ?? true;
        metrics.failed?.(code);
        if (e?.code === 'TEAMS_FORBIDDEN') {
            logger.warn(
                { key: entry.key, conversationKey, code },
                'Teams refused the send; dropping the conversation reference'
            );
            try {
                await this.o.deliverer.forbidden?.(entry.notification, conversationKey);
            } catch (dropError) {
                logger.error({ err: String(dropError) }, 'could not drop the conversation reference');
            }
            await this.finish(entry, { dropped: 'forbidden' });
            return;
        }
        const attempts = entry.attempts + 1;
        if (!retryable || attempts >= this.o.maxAttempts) {
            logger.error(
                { key: entry.key, code, attempts, kind: entry.notification.kind, ...(e ? {} : { err: String(error) }) },
                'delivery abandoned'
            );
            await this.finish(entry, { dropped: retryable ? 'max-attempts' : code });
            return;
        }
        if (code === 'TEAMS_THROTTLED') metrics.throttled?.();
        const delay =
            e?.retryAfterMs !== undefined
                ? retryAfterJitterMs(e.retryAfterMs, this.o.backoff, this.o.random)
                : equalJitterMs(attempts, this.o.backoff, this.o.random);
        const now = this.o.clock.now();
        if (code === 'NOT_READY') {
            await this.setAside(entry, attempts, now + delay);
            return;
        }
        // Keep the claim through the backoff, so another instance does not take the entry over meanwhile.
        try {
            if (!(await this.stillOwned(item, delay + this.o.claims.leaseMs))) return;
        } catch (claimError) {
            logger.warn({ err: String(claimError), key: entry.key }, 'could not renew the delivery claim');
        }
        logger.warn(
            { key: entry.key, code, attempts, delayMs: delay, ...(e ? {} : { err: String(error) }) },
            'delivery failed; will retry'
        );
        // Keep it in memory at the head of its conversation (order), and persist the attempt for a restart.
        entry.attempts = attempts;
        this.o.queues.retryAt(item, now + delay);
        await this.persistRetry(entry, now + delay);
    }

    /**
     * Not sendable yet (it waits for another entry, possibly queued behind it in the same conversation): leave the
     * queue without blocking the conversation, and come back from the store once `notBefore` is due.
     */
    private async setAside(entry: OutboxEntry, attempts: number, notBefore: number): Promise<void> {
        this.o.logger.info(
            { key: entry.key, attempts, delayMs: notBefore - this.o.clock.now() },
            'outbox entry not ready; will retry'
        );
        await this.persistRetry(entry, notBefore);
        await this.o.claims.release(entry.key);
        this.o.forget(entry.key);
    }

    private async persistRetry(entry: OutboxEntry, notBefore: number): Promise<void> {
        try {
            await this.o.store.retryOutbox(entry.key, notBefore);
        } catch (storeError) {
            this.o.logger.error({ err: String(storeError), key: entry.key }, 'could not persist the retry');
        }
    }
}
