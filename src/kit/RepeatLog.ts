import type { Clock } from '../domain/clock';
import type { Logger } from './Logger';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Logs repeats of one kind of event at most once per interval: the first at once, later ones only when the interval
 * has passed since the last line, with `repeats` = how many were left out in between. A flood of bad requests or a
 * reconnecting client cannot flood the log. Kinds are capped (the oldest is forgotten first).
 */
export class RepeatLog {
    private readonly kinds = new Map<string, { loggedAt: number; skipped: number }>();

    constructor(
        private readonly logger: Logger,
        private readonly clock: Clock,
        private readonly intervalMs = 60_000,
        private readonly maxKinds = 1_000
    ) {}

    /** Logs `msg` with `fields` at `level` unless a line of the same `kind` was logged less than the interval ago. */
    log(level: LogLevel, kind: string, fields: object, msg: string): boolean {
        const now = this.clock.now();
        const seen = this.kinds.get(kind);
        if (seen && now - seen.loggedAt < this.intervalMs) {
            seen.skipped++;
            return false;
        }
        if (!seen && this.kinds.size >= this.maxKinds) {
            const oldest = this.kinds.keys().next().value;
            if (oldest !== undefined) this.kinds.delete(oldest);
        }
        const repeats = seen?.skipped ?? 0;
        this.kinds.delete(kind);
        this.kinds.set(kind, { loggedAt: now, skipped: 0 });
        this.logger[level](repeats > 0 ? { ...fields, repeats } : fields, msg);
        return true;
    }
}
