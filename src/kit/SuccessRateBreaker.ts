import type { BreakerStrategy } from './CircuitBreaker';

export interface SuccessRateBreakerOptions {
    /** Opens when the success rate over the window falls below this. @default 0.85 */
    minSuccessRate?: number;
    /** The sliding window, ms. @default 10000 */
    windowMs?: number;
    /** Outcomes needed in the window before the rate is judged. @default 10 */
    minRequests?: number;
}

/** Opens when the success rate over a sliding time window falls below `minSuccessRate`. */
export class SuccessRateBreaker implements BreakerStrategy {
    private outcomes: Array<{ at: number; ok: boolean }> = [];

    constructor(private readonly options: SuccessRateBreakerOptions = {}) {}

    record(ok: boolean, now: number): boolean {
        this.outcomes.push({ at: now, ok });
        const from = now - (this.options.windowMs ?? 10_000);
        while (this.outcomes.length > 0 && this.outcomes[0].at < from) this.outcomes.shift();
        if (this.outcomes.length < (this.options.minRequests ?? 10)) return false;
        const rate = this.outcomes.filter((o) => o.ok).length / this.outcomes.length;
        return rate < (this.options.minSuccessRate ?? 0.85);
    }

    reset(): void {
        this.outcomes = [];
    }
}
