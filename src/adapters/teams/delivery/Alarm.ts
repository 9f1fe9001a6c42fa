import type { Clock, TimerHandle } from '../../../domain/clock';

/** One timer on the injected clock that runs `fire` once per arming; re-arming replaces or keeps the earlier time. */
export class Alarm {
    private handle: TimerHandle | undefined;
    private at = Number.POSITIVE_INFINITY;

    constructor(
        private readonly clock: Clock,
        private readonly fire: () => void
    ) {}

    /** Fire at epoch ms `at`, unless already armed for that time or earlier. */
    atEarliest(at: number): void {
        if (this.handle !== undefined && this.at <= at) return;
        this.arm(at);
    }

    /** Fire `ms` from now, replacing any earlier arming. */
    after(ms: number): void {
        this.arm(this.clock.now() + ms);
    }

    cancel(): void {
        if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
        this.handle = undefined;
        this.at = Number.POSITIVE_INFINITY;
    }

    private arm(at: number): void {
        this.cancel();
        this.at = at;
        this.handle = this.clock.setTimeout(
            () => {
                this.handle = undefined;
                this.at = Number.POSITIVE_INFINITY;
                this.fire();
            },
            Math.max(0, at - this.clock.now())
        );
    }
}
