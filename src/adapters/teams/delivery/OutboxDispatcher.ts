import type { Clock, Random, TimerHandle } from '../../../domain/clock';
import type { Notification } from '../../../domain/adherence/types';
import type { AgentStateStore, OutboxEntry } from '../../../engine/ports';
import { TEAMS_DEFAULTS } from '../teamsConfig';
import { equalJitterMs, retryAfterJitterMs, type BackoffOptions } from '../../../kit/backoff';
import { silentLogger, type Logger } from '../../../kit/Logger';
import { SlidingWindowLimiter, type WindowLimit } from '../../../kit/SlidingWindowLimiter';
import { isDeliveryError, type DeliveryError } from './DeliveryError';

/** Where a notification goes, decided by the Teams side before any send. */
export type Route = { conversationKey: string } | { drop: string };

/** The Teams side of delivery: routing (stored references) and the send itself. */
export interface Deliverer {
    route(notification: Notification): Promise<Route>;
    /** Send (or update) in the routed conversation. Throws a {@link DeliveryError} on failure. */
    send(notification: Notification, conversationKey: string): Promise<void>;
    /** A 403 from Teams: the app is gone from that conversation. Drop the reference (reported once). */
    forbidden?(notification: Notification, conversationKey: string): Promise<void>;
}

/** Cross-instance "sent once" bookkeeping per outbox key (the bot store implements it). */
export interface DeliveryClaims {
    /** `claimed`: this instance may send; `busy`: another holds the lease; `done`: already delivered. */
    claimDelivery(key: string, owner: string, leaseMs: number): Promise<'claimed' | 'busy' | 'done'>;
    completeDelivery(key: string): Promise<void>;
    releaseDelivery(key: string, owner: string): Promise<void>;
}

export interface DeliveryLimits {
    /** Per bot per conversation. @default 7/1s, 8/2s, 60/30s, 1800/3600s */
    perConversation: WindowLimit[];
    /** Per app (tenant). @default 50/1s */
    perApp: WindowLimit[];
}

export interface DispatcherMetrics {
    sent?(kind: Notification['kind'], latencyMs: number): void;
    failed?(code: string): void;
    throttled?(): void;
    dropped?(reason: string): void;
}

export interface OutboxDispatcherOptions {
    store: Pick<AgentStateStore, 'dueOutbox' | 'ackOutbox' | 'retryOutbox'>;
    deliverer: Deliverer;
    clock: Clock;
    /** Jitter source. Test seam. */
    random: Random;
    claims?: DeliveryClaims;
    /** Identifies this instance in delivery claims. */
    instanceId?: string;
    limits?: DeliveryLimits;
    backoff?: BackoffOptions;
    /** Give up (and log) after this many failed attempts. @default 8 */
    maxAttempts?: number;
    /** How often to look for due entries without being told, ms. @default 1000 */
    pollMs?: number;
    /** Entries held in memory (routed, waiting for a rate-limit slot). @default 10000 */
    maxQueued?: number;
    /** Sends in flight at once over all conversations. @default 64 */
    maxInFlight?: number;
    /** Lease on a claimed delivery, ms. @default 60000 */
    claimLeaseMs?: number;
    logger?: Logger;
    metrics?: DispatcherMetrics;
}

interface Queued {
    entry: OutboxEntry;
    conversationKey: string;
    /** When this instance's claim on the entry expires at the latest (with `claims`). */
    leaseUntil: number;
}

interface Conversation {
    queue: Queued[];
    busy: boolean;
    /** Throttled by Teams (429/5xx) until then. */
    blockedUntil: number;
}

/**
 * Delivers the durable outbox to Teams: reads due entries, routes each to its conversation, and sends in order
 * per conversation within Teams' per-conversation and per-app limits, on the injected clock. A throttled
 * conversation waits (honouring `Retry-After`) while the others keep flowing. An entry leaves the outbox only when
 * sent, dropped on purpose (no route, 403) or abandoned after `maxAttempts`; with `claims`, a restart between the
 * send and the outbox removal never sends twice.
 */
export class OutboxDispatcher {
    private readonly store: OutboxDispatcherOptions['store'];
    private readonly deliverer: Deliverer;
    private readonly clock: Clock;
    private readonly random: Random;
    private readonly claims: DeliveryClaims | undefined;
    private readonly owner: string;
    private readonly convLimiter: SlidingWindowLimiter;
    private readonly appLimiter: SlidingWindowLimiter;
    private readonly backoff: BackoffOptions;
    private readonly maxAttempts: number;
    private readonly pollMs: number;
    private readonly maxQueued: number;
    private readonly maxInFlight: number;
    private readonly leaseMs: number;
    private readonly logger: Logger;
    private readonly metrics: DispatcherMetrics;

    private readonly conversations = new Map<string, Conversation>();
    /** Keys read from the store and not yet settled. */
    private readonly known = new Set<string>();
    private inFlight = 0;
    private running = false;
    private reading: Promise<void> | undefined;
    private readAgain = false;
    private pollTimer: TimerHandle | undefined;
    private wakeTimer: TimerHandle | undefined;
    private wakeAt = Number.POSITIVE_INFINITY;
    private readonly settled = new Set<Promise<void>>();

    constructor(options: OutboxDispatcherOptions) {
        this.store = options.store;
        this.deliverer = options.deliverer;
        this.clock = options.clock;
        this.random = options.random;
        this.claims = options.claims;
        this.owner = options.instanceId ?? 'dispatcher';
        const limits = options.limits ?? TEAMS_DEFAULTS.limits;
        this.convLimiter = new SlidingWindowLimiter(limits.perConversation);
        this.appLimiter = new SlidingWindowLimiter(limits.perApp);
        this.backoff = options.backoff ?? TEAMS_DEFAULTS.backoff;
        this.maxAttempts = options.maxAttempts ?? TEAMS_DEFAULTS.maxAttempts;
        this.pollMs = options.pollMs ?? TEAMS_DEFAULTS.outboxPollMs;
        this.maxQueued = options.maxQueued ?? 10_000;
        this.maxInFlight = options.maxInFlight ?? 64;
        this.leaseMs = options.claimLeaseMs ?? 60_000;
        this.logger = options.logger ?? silentLogger();
        this.metrics = options.metrics ?? {};
    }

    start(): void {
        if (this.running) return;
        this.running = true;
        this.kick();
    }

    /** Stop reading and sending; sends in flight finish (their outcome is recorded). */
    async stop(): Promise<void> {
        this.running = false;
        if (this.pollTimer !== undefined) this.clock.clearTimeout(this.pollTimer);
        if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
        this.pollTimer = this.wakeTimer = undefined;
        await this.reading;
        await Promise.all([...this.settled]);
        this.conversations.clear();
        this.known.clear();
    }

    /** New entries may be due (the engine committed notifications). */
    kick(): void {
        if (!this.running) return;
        if (this.reading) {
            this.readAgain = true;
            return;
        }
        this.reading = this.read()
            .catch((error: unknown) => this.logger.error({ err: String(error) }, 'outbox read failed'))
            .finally(() => {
                this.reading = undefined;
                if (this.readAgain && this.running) {
                    this.readAgain = false;
                    this.kick();
                } else this.armPoll();
            });
    }

    /** Resolves when nothing is being read or sent (tests). Entries waiting for a slot or a retry do not count. */
    async idle(): Promise<void> {
        while (this.reading || this.settled.size > 0) {
            await this.reading;
            await Promise.all([...this.settled]);
        }
    }

    /** Entries routed and waiting in memory. */
    get queued(): number {
        let n = 0;
        for (const c of this.conversations.values()) n += c.queue.length;
        return n;
    }

    private armPoll(): void {
        if (!this.running || this.pollMs <= 0) return;
        if (this.pollTimer !== undefined) this.clock.clearTimeout(this.pollTimer);
        this.pollTimer = this.clock.setTimeout(() => {
            this.pollTimer = undefined;
            this.kick();
        }, this.pollMs);
    }

    private async read(): Promise<void> {
        // The store has no cursor: a read returns the oldest due entries, including those already held here. Re-read
        // only once the backlog in memory has halved, so a large backlog is not re-read on every commit or poll.
        if (this.known.size > this.maxQueued / 2) return;
        const room = this.maxQueued - this.known.size;
        const now = this.clock.now();
        const due = await this.store.dueOutbox(now, this.known.size + room);
        for (const entry of due) {
            if (!this.running) return;
            if (this.known.has(entry.key)) continue;
            this.known.add(entry.key);
            try {
                await this.admit(entry);
            } catch (error) {
                this.known.delete(entry.key);
                this.logger.error(
                    { err: String(error), key: entry.key },
                    'outbox entry could not be routed; will retry'
                );
                await this.claims?.releaseDelivery(entry.key, this.owner).catch(() => undefined);
            }
        }
        this.pump();
    }

    private async admit(entry: OutboxEntry): Promise<void> {
        const claimedAt = this.clock.now();
        if (this.claims) {
            const claim = await this.claims.claimDelivery(entry.key, this.owner, this.leaseMs);
            if (claim === 'done') {
                await this.store.ackOutbox(entry.key);
                this.known.delete(entry.key);
                return;
            }
            if (claim === 'busy') {
                this.known.delete(entry.key);
                return;
            }
        }
        const route = await this.deliverer.route(entry.notification);
        if ('drop' in route) {
            await this.finish(entry, { dropped: route.drop });
            return;
        }
        let conv = this.conversations.get(route.conversationKey);
        if (!conv) {
            conv = { queue: [], busy: false, blockedUntil: 0 };
            this.conversations.set(route.conversationKey, conv);
        }
        conv.queue.push({ entry, conversationKey: route.conversationKey, leaseUntil: claimedAt + this.leaseMs });
    }

    /** Start every send that the limits allow now; arm one timer for the earliest that must wait. */
    private pump(): void {
        if (!this.running) return;
        const now = this.clock.now();
        let nextAt = Number.POSITIVE_INFINITY;
        for (const [key, conv] of this.conversations) {
            if (conv.busy) continue;
            if (conv.queue.length === 0) {
                this.conversations.delete(key);
                continue;
            }
            if (this.inFlight >= this.maxInFlight) break;
            if (conv.blockedUntil > now) {
                nextAt = Math.min(nextAt, conv.blockedUntil);
                continue;
            }
            const convWait = this.convLimiter.delayFor(key, now);
            if (convWait > 0) {
                nextAt = Math.min(nextAt, now + convWait);
                continue;
            }
            const appWait = this.appLimiter.delayFor('app', now);
            if (appWait > 0) {
                nextAt = Math.min(nextAt, now + appWait);
                break;
            }
            this.convLimiter.record(key, now);
            this.appLimiter.record('app', now);
            const item = conv.queue.shift()!;
            conv.busy = true;
            this.inFlight++;
            const p: Promise<void> = this.sendOne(item, conv).finally(() => {
                this.settled.delete(p);
                conv.busy = false;
                this.inFlight--;
                this.pump();
                if (this.known.size < this.maxQueued / 2 && this.queued === 0) this.kick();
            });
            this.settled.add(p);
        }
        this.wake(nextAt);
    }

    private wake(at: number): void {
        if (!Number.isFinite(at) || !this.running) return;
        if (this.wakeTimer !== undefined && this.wakeAt <= at) return;
        if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
        this.wakeAt = at;
        this.wakeTimer = this.clock.setTimeout(
            () => {
                this.wakeTimer = undefined;
                this.wakeAt = Number.POSITIVE_INFINITY;
                this.pump();
            },
            Math.max(0, at - this.clock.now())
        );
    }

    private async sendOne(item: Queued, conv: Conversation): Promise<void> {
        const { entry, conversationKey } = item;
        try {
            // The claim taken at admission may have expired while the entry waited for a rate slot or a retry, and
            // another instance may have taken it over: renew it right before the send, and send only if still ours.
            // (A claim with at least half its lease left cannot have been taken over: the send keeps one round trip.)
            if (item.leaseUntil - this.clock.now() < this.leaseMs / 2 && !(await this.stillOwned(item, this.leaseMs)))
                return;
            await this.deliverer.send(entry.notification, conversationKey);
        } catch (error) {
            await this.failed(item, conv, error);
            return;
        }
        this.metrics.sent?.(entry.notification.kind, Math.max(0, this.clock.now() - entry.notBefore));
        await this.finish(entry, { sent: true });
    }

    /**
     * Renew this instance's claim on `entry` for `leaseMs`. False (and the entry leaves this instance's memory) when
     * another instance holds it now or it was already delivered.
     */
    private async stillOwned(item: Queued, leaseMs: number): Promise<boolean> {
        if (!this.claims) return true;
        const { entry } = item;
        const at = this.clock.now();
        const claim = await this.claims.claimDelivery(entry.key, this.owner, leaseMs);
        if (claim === 'claimed') {
            item.leaseUntil = at + leaseMs;
            return true;
        }
        this.logger.info({ key: entry.key, claim }, 'outbox entry taken over by another instance; not sending it');
        if (claim === 'done') await this.store.ackOutbox(entry.key);
        this.known.delete(entry.key);
        return false;
    }

    private async failed(item: Queued, conv: Conversation, error: unknown): Promise<void> {
        const { entry, conversationKey } = item;
        const e: DeliveryError | undefined = isDeliveryError(error) ? error : undefined;
        // Anything that is not a classified Teams answer (a directory or store blip while building the card, a bug)
        // is retried like a 5xx: only Teams' own refusals are final.
        const code = e?.code ?? 'INTERNAL';
        const retryable = e?.retryable ?? true;
        this.metrics.failed?.(code);
        if (e?.code === 'TEAMS_FORBIDDEN') {
            this.logger.warn(
                { key: entry.key, conversationKey, code },
                'Teams refused the send; dropping the conversation reference'
            );
            try {
                await this.deliverer.forbidden?.(entry.notification, conversationKey);
            } catch (dropError) {
                this.logger.error({ err: String(dropError) }, 'could not drop the conversation reference');
            }
            await this.finish(entry, { dropped: 'forbidden' });
            return;
        }
        const attempts = entry.attempts + 1;
        if (!retryable || attempts >= this.maxAttempts) {
            this.logger.error(
                { key: entry.key, code, attempts, kind: entry.notification.kind, ...(e ? {} : { err: String(error) }) },
                'delivery abandoned'
            );
            await this.finish(entry, { dropped: retryable ? 'max-attempts' : code });
            return;
        }
        if (code === 'TEAMS_THROTTLED') this.metrics.throttled?.();
        const delay =
            e?.retryAfterMs !== undefined
                ? retryAfterJitterMs(e.retryAfterMs, this.backoff, this.random)
                : equalJitterMs(attempts, this.backoff, this.random);
        const now = this.clock.now();
        if (code === 'NOT_READY') {
            await this.setAside(entry, attempts, now + delay);
            return;
        }
        // Keep the claim through the backoff, so another instance does not take the entry over meanwhile.
        try {
            if (!(await this.stillOwned(item, delay + this.leaseMs))) return;
        } catch (claimError) {
            this.logger.warn({ err: String(claimError), key: entry.key }, 'could not renew the delivery claim');
        }
        conv.blockedUntil = Math.max(conv.blockedUntil, now + delay);
        this.logger.warn(
            { key: entry.key, code, attempts, delayMs: delay, ...(e ? {} : { err: String(error) }) },
            'delivery failed; will retry'
        );
        // Keep it in memory at the head of its conversation (order), and persist the attempt for a restart.
        entry.attempts = attempts;
        conv.queue.unshift(item);
        try {
            await this.store.retryOutbox(entry.key, now + delay);
        } catch (storeError) {
            this.logger.error({ err: String(storeError), key: entry.key }, 'could not persist the retry');
        }
    }

    /**
     * Not sendable yet (it waits for another entry, possibly queued behind it in the same conversation): leave the
     * queue without blocking the conversation, and come back from the store once `notBefore` is due.
     */
    private async setAside(entry: OutboxEntry, attempts: number, notBefore: number): Promise<void> {
        this.logger.info(
            { key: entry.key, attempts, delayMs: notBefore - this.clock.now() },
            'outbox entry not ready; will retry'
        );
        try {
            await this.store.retryOutbox(entry.key, notBefore);
        } catch (storeError) {
            this.logger.error({ err: String(storeError), key: entry.key }, 'could not persist the retry');
        }
        await this.claims?.releaseDelivery(entry.key, this.owner).catch(() => undefined);
        this.known.delete(entry.key);
    }

    private async finish(entry: OutboxEntry, outcome: { sent: true } | { dropped: string }): Promise<void> {
        if ('dropped' in outcome) {
            this.metrics.dropped?.(outcome.dropped);
            this.logger.info({ key: entry.key, reason: outcome.dropped }, 'outbox entry dropped');
        }
        try {
            if (this.claims && 'sent' in outcome) await this.claims.completeDelivery(entry.key);
            await this.store.ackOutbox(entry.key);
        } catch (error) {
            this.logger.error({ err: String(error), key: entry.key }, 'could not remove a settled outbox entry');
        }
        this.known.delete(entry.key);
    }
}
