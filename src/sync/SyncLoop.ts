import type { Clock, TimerHandle } from '../domain/clock';
import type { Logger } from '../kit/Logger';
import type { ConfigFailureTracker } from './ConfigFailureTracker';
import type { SyncConfig } from './syncConfig';
import type { PrimarySourceCheck } from './PrimarySourceCheck';
import type { Reconciler } from './Reconciler';
import { sharedAbort, type StepRunner } from './StepRunner';

export interface SyncLoopDeps {
    config: Pick<SyncConfig, 'pollIntervalMs' | 'reconcileIntervalMs'>;
    clock: Clock;
    logger: Logger;
    steps: StepRunner;
    /** Presence target only. */
    reconciler?: Reconciler;
    /** Presence target only: runs after each reconciliation pass. */
    primaryCheck?: PrimarySourceCheck;
    configFailures: ConfigFailureTracker;
}

/**
 * The worker's two timers: pipeline steps (right away while a step leaves work behind, every `pollIntervalMs`
 * otherwise, at the retry time while the target refuses the configuration) and, on the presence target,
 * reconciliation passes (each followed by the primary-source check) every `reconcileIntervalMs`. Stopping aborts what
 * is in flight and waits for it.
 */
export class SyncLoop {
    private running = false;
    private abort = sharedAbort();
    private stepTimer: TimerHandle | undefined;
    private reconcileTimer: TimerHandle | undefined;
    private stepping: Promise<unknown> | undefined;
    private reconciling: Promise<unknown> | undefined;

    constructor(private readonly deps: SyncLoopDeps) {}

    get isRunning(): boolean {
        return this.running;
    }

    start(): void {
        if (this.running) return;
        this.running = true;
        this.abort = sharedAbort();
        this.scheduleStep(0);
        this.scheduleReconcile();
    }

    async stop(): Promise<void> {
        const { clock } = this.deps;
        this.running = false;
        if (this.stepTimer !== undefined) clock.clearTimeout(this.stepTimer);
        if (this.reconcileTimer !== undefined) clock.clearTimeout(this.reconcileTimer);
        this.stepTimer = this.reconcileTimer = undefined;
        this.abort.abort();
        await Promise.allSettled([this.stepping, this.reconciling]);
    }

    runOnce(): Promise<number> {
        return this.deps.steps.runOnce(this.abort.signal);
    }

    /** One reconciliation pass, then the primary-source check of the agents due. */
    async reconcileOnce(): Promise<void> {
        await this.deps.reconciler?.reconcileOnce(this.abort.signal);
        await this.deps.primaryCheck?.checkOnce(this.abort.signal);
    }

    private nextStepInMs(handled: number): number {
        const { config, clock, configFailures, steps } = this.deps;
        const retryAt = configFailures.retryAt;
        if (retryAt !== undefined) return Math.max(config.pollIntervalMs, retryAt - clock.now());
        return handled > 0 && steps.retrying < handled ? 0 : config.pollIntervalMs;
    }

    private scheduleStep(ms: number): void {
        if (!this.running) return;
        this.stepTimer = this.deps.clock.setTimeout(() => {
            this.stepTimer = undefined;
            this.stepping = this.runOnce().then(
                (n) => this.scheduleStep(this.nextStepInMs(n)),
                (error: unknown) => {
                    this.deps.logger.error({ err: (error as Error).message }, 'sync step failed');
                    this.scheduleStep(this.deps.config.pollIntervalMs);
                }
            );
        }, ms);
    }

    private scheduleReconcile(): void {
        if (!this.running || !this.deps.reconciler) return;
        this.reconcileTimer = this.deps.clock.setTimeout(() => {
            this.reconcileTimer = undefined;
            this.reconciling = this.reconcileOnce()
                .catch((error: unknown) =>
                    this.deps.logger.error({ err: (error as Error).message }, 'sync reconcile failed')
                )
                .then(() => this.scheduleReconcile());
        }, this.deps.config.reconcileIntervalMs);
    }
}
