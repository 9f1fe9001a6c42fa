import type { Clock, TimerHandle } from '../domain/clock';
import type { Logger } from '../kit/Logger';
import type { AgentStateStore } from './ports';

/** What the claims work with; the engine owns each part. */
export interface DeadlineClaimsParts {
    store: AgentStateStore;
    clock: Clock;
    logger: Logger;
    /** How long a claimed deadline is leased to this instance, ms. */
    leaseMs: number;
    /** How often to look for orphaned overdue deadlines, ms; 0 never. */
    orphanPollMs: number;
    /** Grace before an overdue deadline counts as an orphan, ms. */
    orphanGraceMs: number;
    /** Most orphans claimed per poll. */
    orphanLimit: number;
    /** Run first on each poll tick (the engine picks up exclusion commands given to another instance). */
    beforePoll(): Promise<void>;
    /** Drop an agent from the cache: someone else may have written it. */
    forget(userId: string): void;
    /** Queue the deadlines of the agents claimed. */
    enqueue(userIds: readonly string[]): void;
}

/**
 * Due deadlines are claimed with a lease before they are queued, so one instance handles each. The orphan poll claims
 * overdue deadlines whoever armed them: those of a dead instance (or of a claim this instance failed to make).
 */
export class DeadlineClaims {
    private pendingClaims = 0;
    private waiters: Array<() => void> = [];
    private timer: TimerHandle | undefined;
    private polling = false;

    constructor(private readonly parts: DeadlineClaimsParts) {}

    /** Claims sent to the store and not answered yet. */
    get pending(): number {
        return this.pendingClaims;
    }

    /** Resolves when no claim is pending. */
    settled(): Promise<void> {
        if (this.pendingClaims === 0) return Promise.resolve();
        return new Promise<void>((r) => this.waiters.push(r));
    }

    /** The scheduler found these agents' deadlines due: claim them, then queue what was claimed. */
    claim(userIds: string[]): void {
        const { store, clock, leaseMs, logger } = this.parts;
        this.pendingClaims++;
        store
            .claimDeadlines(userIds, clock.now(), leaseMs)
            .then((claimed) => this.parts.enqueue(claimed))
            .catch((error: unknown) => {
                logger.warn(
                    { err: String(error), agents: userIds.length },
                    'deadline claim failed; orphan poll will retry'
                );
            })
            .finally(() => this.claimSettled());
    }

    startPolling(): void {
        this.polling = true;
        this.armPoll();
    }

    stop(): void {
        this.polling = false;
        if (this.timer !== undefined) this.parts.clock.clearTimeout(this.timer);
        this.timer = undefined;
    }

    private claimSettled(): void {
        this.pendingClaims--;
        if (this.pendingClaims === 0) {
            const waiters = this.waiters;
            this.waiters = [];
            for (const w of waiters) w();
        }
    }

    private armPoll(): void {
        const { clock, orphanPollMs } = this.parts;
        if (!this.polling || orphanPollMs <= 0) return;
        this.timer = clock.setTimeout(() => {
            this.timer = undefined;
            this.poll();
        }, orphanPollMs);
    }

    private poll(): void {
        const { store, clock, logger, leaseMs, orphanGraceMs, orphanLimit } = this.parts;
        const now = clock.now();
        this.pendingClaims++;
        this.parts
            .beforePoll()
            .then(() => store.claimOverdue(now - orphanGraceMs, now, leaseMs, orphanLimit))
            .then((claimed) => {
                // Someone else may have written these agents: read them fresh.
                for (const id of claimed) this.parts.forget(id);
                if (claimed.length > 0) logger.info({ agents: claimed.length }, 'picked up overdue deadlines');
                this.parts.enqueue(claimed);
            })
            .catch((error: unknown) => logger.warn({ err: String(error) }, 'orphan deadline poll failed'))
            .finally(() => {
                this.claimSettled();
                this.armPoll();
            });
    }
}
