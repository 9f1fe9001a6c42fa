import type { Clock, Random } from '../../../domain/clock';
import type { AgentStateStore, OutboxEntry } from '../../../engine/ports';
import type { BackoffOptions } from '../../../kit/backoff';
import { silentLogger, type Logger } from '../../../kit/Logger';
import { LocalRateGate, type RateGate, type RateGateLimits } from '../../../kit/RateGate';
import { TEAMS_DEFAULTS } from '../teamsConfig';
import { Alarm } from './Alarm';
import { ConversationQueues, type Queued } from './ConversationQueues';
import { EntrySender, type Hold } from './EntrySender';
import { InstanceClaims } from './InstanceClaims';
import type { Deliverer, DeliveryClaims, DeliveryLimits, DispatcherMetrics } from './ports';

export interface OutboxDispatcherOptions {
    store: Pick<AgentStateStore, 'dueOutbox' | 'ackOutbox' | 'retryOutbox'>;
    deliverer: Deliverer;
    clock: Clock;
    /** Jitter source. Test seam. */
    random: Random;
    claims?: DeliveryClaims;
    /** Identifies this instance in delivery claims. */
    instanceId?: string;
    /** The limits of the in-process gate when no `gate` is given. @default TEAMS_DEFAULTS.limits */
    limits?: DeliveryLimits;
    /**
     * Teams' limits as send slots: a gate shared through Redis keeps a whole fleet within them (and shares a 429's
     * pause). @default a {@link LocalRateGate} over `limits` (this process only)
     */
    gate?: RateGate;
    /** @default TEAMS_DEFAULTS.backoff */
    backoff?: BackoffOptions;
    /** Give up (and log) after this many failed attempts. @default TEAMS_DEFAULTS.maxAttempts */
    maxAttempts?: number;
    /** How often to look for due entries without being told, ms. @default TEAMS_DEFAULTS.outboxPollMs */
    pollMs?: number;
    /** Entries held in memory (routed, waiting for a rate-limit slot). @default 10000 */
    maxQueued?: number;
    /** Sends in flight at once over all conversations. @default 64 */
    maxInFlight?: number;
    /**
     * Lease on a claimed delivery, ms. An entry is claimed (or its claim renewed) at the start of every attempt, right
     * before its rate slot and its send: a dead instance's entries are taken over by another within one lease plus one
     * recheck, and an instance cut from Redis for less than the lease records its sends before anyone else may take
     * them (never sent twice). @default TEAMS_DEFAULTS.deliveryLeaseMs
     */
    claimLeaseMs?: number;
    /** How long a conversation whose head another instance holds waits before looking again, ms. @default 250 */
    claimRecheckMs?: number;
    logger?: Logger;
    metrics?: DispatcherMetrics;
}

/**
 * Delivers the durable outbox to Teams: reads due entries, routes each to its conversation, and sends in order
 * per conversation within Teams' per-conversation and per-app limits (the rate gate, shared by the fleet on Redis),
 * on the injected clock. A throttled conversation waits (honouring `Retry-After`, for every instance) while the others
 * keep flowing. Every instance reads the same due entries; each is claimed when its send starts, so one instance
 * sends it, and an instance moves past a conversation's head only once it is done, so order holds across the fleet.
 * An entry leaves the outbox only when sent, dropped on purpose (no route, 403) or abandoned after `maxAttempts`; with
 * `claims`, a restart between the send and the outbox removal never sends twice.
 */
export class OutboxDispatcher {
    private readonly store: OutboxDispatcherOptions['store'];
    private readonly deliverer: Deliverer;
    private readonly clock: Clock;
    private readonly claims: InstanceClaims;
    private readonly queues: ConversationQueues;
    private readonly sender: EntrySender;
    private readonly pollMs: number;
    private readonly maxQueued: number;
    private readonly maxInFlight: number;
    private readonly logger: Logger;

    /** Keys read from the store and not yet settled. */
    private readonly known = new Set<string>();
    private readonly settled = new Set<Promise<void>>();
    private inFlight = 0;
    /** The app's budget is spent until then (epoch ms): nothing is tried before. */
    private overallUntil = 0;
    /**
     * Attempts allowed at once: one after the app's budget was found spent (a slot frees at a time), doubled by every
     * send that got its slot, up to `maxInFlight`. Without it every freed slot would start `maxInFlight` attempts.
     */
    private window: number;
    private running = false;
    private reading: Promise<void> | undefined;
    private readAgain = false;
    /** Reads again when nothing kicked the dispatcher for `pollMs`. */
    private readonly poll: Alarm;
    /** Pumps again when the earliest entry held back by a limit or a block may go. */
    private readonly wake: Alarm;

    constructor(options: OutboxDispatcherOptions) {
        this.store = options.store;
        this.deliverer = options.deliverer;
        this.clock = options.clock;
        this.claims = new InstanceClaims(
            options.claims,
            options.instanceId ?? 'dispatcher',
            options.claimLeaseMs ?? TEAMS_DEFAULTS.deliveryLeaseMs
        );
        this.queues = new ConversationQueues();
        this.pollMs = options.pollMs ?? TEAMS_DEFAULTS.outboxPollMs;
        this.maxQueued = options.maxQueued ?? 10_000;
        this.maxInFlight = options.maxInFlight ?? 64;
        this.window = this.maxInFlight;
        this.logger = options.logger ?? silentLogger();
        this.poll = new Alarm(options.clock, () => this.kick());
        this.wake = new Alarm(options.clock, () => this.pump());
        this.sender = new EntrySender({
            store: options.store,
            deliverer: options.deliverer,
            claims: this.claims,
            gate: options.gate ?? new LocalRateGate(localLimits(options.limits ?? TEAMS_DEFAULTS.limits)),
            queues: this.queues,
            clock: options.clock,
            random: options.random,
            backoff: options.backoff ?? TEAMS_DEFAULTS.backoff,
            maxAttempts: options.maxAttempts ?? TEAMS_DEFAULTS.maxAttempts,
            recheckMs: options.claimRecheckMs ?? 250,
            logger: this.logger,
            metrics: options.metrics ?? {},
            forget: (key) => this.known.delete(key)
        });
    }

    start(): void {
        if (this.running) return;
        this.running = true;
        this.kick();
    }

    /** Stop reading and sending; sends in flight finish (their outcome is recorded). */
    async stop(): Promise<void> {
        this.running = false;
        this.poll.cancel();
        this.wake.cancel();
        await this.reading;
        await Promise.all([...this.settled]);
        this.queues.clear();
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
                } else if (this.running && this.pollMs > 0) this.poll.after(this.pollMs);
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
        return this.queues.size;
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
                await this.claims.release(entry.key);
            }
        }
        this.pump();
    }

    /** Route the entry and queue it in its conversation (or drop it); it is claimed when its send starts. */
    private async admit(entry: OutboxEntry): Promise<void> {
        const route = await this.deliverer.route(entry.notification);
        if ('drop' in route) {
            await this.sender.finish(entry, { dropped: route.drop });
            return;
        }
        const { conversationKey } = route;
        this.queues.push({ entry, conversationKey });
    }

    /** Start an attempt on every conversation head that may go now; arm one timer for the earliest that must wait. */
    private pump(): void {
        if (!this.running) return;
        const now = this.clock.now();
        if (this.overallUntil > now) {
            this.wake.atEarliest(this.overallUntil);
            return;
        }
        const { ready, nextAt } = this.queues.take(now, this.window - this.inFlight);
        for (const item of ready) {
            this.inFlight++;
            const p: Promise<void> = this.sender
                .attempt(item)
                .then((hold) => this.hold(item, hold))
                .finally(() => {
                    this.settled.delete(p);
                    this.queues.release(item.conversationKey);
                    this.inFlight--;
                    this.pump();
                    if (this.known.size < this.maxQueued / 2 && this.queued === 0) this.kick();
                });
            this.settled.add(p);
        }
        if (Number.isFinite(nextAt)) this.wake.atEarliest(nextAt);
    }

    /** The head goes back to wait (its conversation, or every one when the app's budget is spent). */
    private hold(item: Queued, hold: Hold | undefined): void {
        if (!hold) {
            this.window = Math.min(this.maxInFlight, this.window * 2);
            return;
        }
        if (!this.running) return;
        this.queues.retryAt(item, hold.until);
        if (hold.overall) {
            this.overallUntil = Math.max(this.overallUntil, hold.until);
            this.window = 1;
        }
    }
}

/** The in-process gate's limits from the delivery limits. */
function localLimits(limits: DeliveryLimits): RateGateLimits {
    return { perKey: limits.perConversation, overall: limits.perApp };
}
