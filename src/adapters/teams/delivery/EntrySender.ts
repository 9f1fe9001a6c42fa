import type { Clock, Random } from '../../../domain/clock';
import type { AgentStateStore, OutboxEntry } from '../../../engine/ports';
import { equalJitterMs, retryAfterJitterMs, type BackoffOptions } from '../../../kit/backoff';
import { clockSleep } from '../../../kit/abort';
import type { Logger } from '../../../kit/Logger';
import { retry } from '../../../kit/retry';
import type { RateGate } from '../../../kit/RateGate';
import type { ConversationQueues, Queued } from './ConversationQueues';
import { isDeliveryError, type DeliveryError } from './DeliveryError';
import type { InstanceClaims } from './InstanceClaims';
import type { Deliverer, DispatcherMetrics, PreparedSend } from './ports';

/** How often a send's completion is written again while the claims store is unreachable, ms. */
const COMPLETE_RETRY_MS = 250;

function* constantDelays(ms: number): Generator<number, never, void> {
    for (;;) yield ms;
}

export interface EntrySenderOptions {
    store: Pick<AgentStateStore, 'ackOutbox' | 'retryOutbox'>;
    deliverer: Deliverer;
    claims: InstanceClaims;
    /** Teams' limits, shared by every instance of the fleet (Redis) or by this process only (memory). */
    gate: RateGate;
    /** Where a failed entry goes back to wait for its retry. */
    queues: ConversationQueues;
    clock: Clock;
    random: Random;
    backoff: BackoffOptions;
    maxAttempts: number;
    /** How long a conversation whose head another instance is sending waits before looking again, ms. */
    recheckMs: number;
    logger: Logger;
    metrics: DispatcherMetrics;
    /** The entry left this instance's memory (settled, set aside or taken over by another instance). */
    forget(key: string): void;
}

/** The head of a conversation goes back and waits until `until`; `overall`: the app's budget is spent (all wait). */
export interface Hold {
    until: number;
    overall: boolean;
}

/**
 * One attempt on the head of a conversation and its outcome. The look-ups and the card come first; then the entry is
 * claimed (or its claim renewed), a rate slot taken, and the request follows at once, so neither a claim nor a slot
 * waits on anything but the request. Another instance's claim, a rate limit or a pause holds the conversation (its head kept:
 * order). A send is sent (claim completed, outbox acked); retried with backoff, never before `Retry-After` (a 429
 * pauses the conversation for every instance), at the head of its conversation; set aside when not ready; dropped on
 * a 403 (the reference goes too); abandoned, logged, when Teams refuses it or after `maxAttempts`.
 */
export class EntrySender {
    /** The claims store or the gate failed the last attempt. */
    private outage = false;

    constructor(private readonly o: EntrySenderOptions) {}

    /** Try the head `item`: undefined when it left the head (or was put back by a failed send), else a hold. */
    async attempt(item: Queued): Promise<Hold | undefined> {
        const { clock, claims, gate } = this.o;
        let prepared: PreparedSend;
        try {
            prepared = await this.prepare(item);
        } catch (error) {
            await this.failed(item, error);
            return undefined;
        }
        let slot: string;
        try {
            // Claimed, then the slot taken, right before the request: the claim's lease runs from (about) the send, and
            // the window counts the request from (about) its arrival.
            const claim = await this.renew(item, claims.leaseMs);
            if (claim === 'busy') return { until: clock.now() + this.o.recheckMs, overall: false };
            if (claim === 'done') return undefined;
            const now = clock.now();
            const taken = await gate.acquire(item.conversationKey, now);
            if (taken.waitMs > 0 || taken.slot === undefined) {
                // Not sent now: let the claim go, so that a process dying while it waits holds nothing up.
                await claims.release(item.entry.key);
                return { until: now + Math.max(1, taken.waitMs), overall: taken.overall };
            }
            slot = taken.slot;
        } catch (error) {
            // The claims store or the gate is unreachable (Redis): nothing was sent; look again shortly.
            return this.unreachable(error);
        }
        if (this.outage) {
            this.outage = false;
            this.o.logger.info({}, 'delivery claims and rate slots reachable again');
        }
        await this.post(item, prepared, slot);
        return undefined;
    }

    private prepare(item: Queued): Promise<PreparedSend> {
        const { deliverer } = this.o;
        const { entry, conversationKey } = item;
        if (deliverer.prepare) return deliverer.prepare(entry.notification, conversationKey);
        return Promise.resolve({ post: () => deliverer.send(entry.notification, conversationKey) });
    }

    /** Hold the conversation and look again shortly; logged once per outage (every conversation retries meanwhile). */
    private unreachable(error: unknown): Hold {
        if (!this.outage) {
            this.outage = true;
            this.o.logger.warn(
                { err: String(error) },
                'delivery claims or rate slots unavailable (Redis); holding sends until they are back'
            );
        }
        return { until: this.o.clock.now() + this.o.recheckMs, overall: false };
    }

    private async post(item: Queued, prepared: PreparedSend, slot: string): Promise<void> {
        const { entry, conversationKey } = item;
        const { clock } = this.o;
        try {
            await prepared.post();
        } catch (error) {
            await this.settleSlot(conversationKey, slot);
            await this.failed(item, error);
            return;
        }
        this.o.metrics.sent?.(entry.notification.kind, Math.max(0, clock.now() - entry.notBefore));
        // Recording the send comes first (the fewer round trips before it, the fewer repeats after a crash); the slot
        // is settled alongside (until then it counts later than it should: more careful, never less).
        const settled = this.settleSlot(conversationKey, slot);
        await this.finish(entry, { sent: true });
        await settled;
    }

    /** The request has ended: its slot counts from now (Teams counted it on arrival, before now). */
    private async settleSlot(conversationKey: string, slot: string): Promise<void> {
        const at = this.o.clock.now();
        try {
            await this.o.gate.settle(conversationKey, slot, at);
        } catch (error) {
            this.o.logger.warn({ err: String(error), conversationKey }, 'could not settle a rate slot');
        }
    }

    /** The entry leaves the outbox and this instance's memory: sent, or dropped on purpose (counted, logged). */
    async finish(entry: OutboxEntry, outcome: { sent: true } | { dropped: string }): Promise<void> {
        const { logger } = this.o;
        if ('dropped' in outcome) {
            this.o.metrics.dropped?.(outcome.dropped);
            logger.info({ key: entry.key, reason: outcome.dropped }, 'outbox entry dropped');
        }
        try {
            // Dropped on purpose counts as done too: no other instance holding a copy tries it again.
            await this.complete(entry.key);
            await this.o.store.ackOutbox(entry.key);
        } catch (error) {
            logger.error({ err: String(error), key: entry.key }, 'could not remove a settled outbox entry');
        }
        this.o.forget(entry.key);
    }

    /**
     * Mark `key` done for every instance, retried every {@link COMPLETE_RETRY_MS} while the claims store is unreachable
     * (a Redis blip) for at most one lease: until then no other instance may take the entry over, so the send recorded
     * in time is never repeated. (Once done, a failed outbox removal is made good by whoever reads the entry next.)
     */
    private complete(key: string): Promise<void> {
        const { claims, clock } = this.o;
        return retry(() => claims.complete(key), {
            maxAttempts: Math.max(1, Math.floor(claims.leaseMs / COMPLETE_RETRY_MS)),
            backoff: () => constantDelays(COMPLETE_RETRY_MS),
            sleep: clockSleep(clock),
            isRetryable: () => true
        });
    }

    /**
     * Claim or renew `item` for this instance for `leaseMs`. `done` (someone delivered it): acked and forgotten here.
     * `busy`: another instance holds it now; the caller decides.
     */
    private async renew(item: Queued, leaseMs: number): Promise<'claimed' | 'busy' | 'done'> {
        const { entry } = item;
        const claim = await this.o.claims.claim(entry.key, leaseMs);
        if (claim === 'done') {
            await this.o.store.ackOutbox(entry.key);
            this.o.forget(entry.key);
        }
        return claim;
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
            try {
                await this.o.deliverer.abandoned?.(entry.notification);
            } catch (hookError) {
                logger.error({ err: String(hookError), key: entry.key }, 'could not report an abandoned delivery');
            }
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
        // A 429 pauses the conversation for every instance until Retry-After. Keep the claim through the backoff too,
        // so another instance does not take the entry over meanwhile.
        if (code === 'TEAMS_THROTTLED') await this.pause(conversationKey, now + delay, now);
        try {
            const claim = await this.renew(item, delay + this.o.claims.leaseMs);
            if (claim === 'done') return;
            if (claim === 'busy') {
                logger.info({ key: entry.key }, 'outbox entry taken over by another instance; not retrying it here');
                this.o.forget(entry.key);
                return;
            }
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

    private async pause(conversationKey: string, until: number, now: number): Promise<void> {
        try {
            await this.o.gate.pause(conversationKey, until, now);
        } catch (error) {
            this.o.logger.warn(
                { err: String(error), conversationKey },
                'could not share the pause of a throttled conversation'
            );
        }
    }

    private async persistRetry(entry: OutboxEntry, notBefore: number): Promise<void> {
        try {
            await this.o.store.retryOutbox(entry.key, notBefore);
        } catch (storeError) {
            this.o.logger.error({ err: String(storeError), key: entry.key }, 'could not persist the retry');
        }
    }
}
