import type { BreakerStrategy } from './CircuitBreaker';

/** Opens after `threshold` failures in a row; a success starts the count again. */
export class ConsecutiveBreaker implements BreakerStrategy {
    private failures = 0;

    constructor(private readonly threshold: number) {
        if (!(threshold >= 1)) throw new RangeError('threshold must be at least 1');
    }

    record(ok: boolean): boolean {
        this.failures = ok ? 0 : this.failures + 1;
        return this.failures >= this.threshold;
    }

    reset(): void {
        this.failures = 0;
    }
}
