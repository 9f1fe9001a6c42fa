import type { Clock, TimerHandle } from '../../domain/clock';
import type { Coverage } from '../../domain/adherence/types';
import type { CoverageSource } from '../../engine/ports';
import { silentLogger, type Logger } from '../../kit/Logger';
import type { GenesysClient } from './GenesysClient';
import { GENESYS_DEFAULTS } from './genesysConfig';
import { isoInstantMs } from '../../domain/isoInstant';

export interface ScheduleCoverageOptions {
    client: Pick<GenesysClient, 'searchSchedules' | 'getActivityCodes' | 'listManagementUnits'>;
    clock: Clock;
    /** Activity code ids that count as exceptions (time off, training, overtime codes...). */
    exceptionActivityCodeIds: readonly string[];
    /** Activity categories that count as exceptions. @default ['TimeOff', 'Training'] */
    exceptionCategories?: readonly string[];
    /** A unit's schedules are fetched again after this. @default 900000 */
    ttlMs?: number;
    /** Window fetched around the asked instant: [at - beforeMs, at + afterMs]. @default 12 h / 36 h */
    beforeMs?: number;
    afterMs?: number;
    /** Wait before asking again when the search answers `Processing` or fails. @default 5000 */
    retryMs?: number;
    /** Attempts per load. @default 5 */
    maxAttempts?: number;
    logger?: Logger;
}

interface Span {
    startAt: number;
    endAt: number;
    activityCodeId: string;
    description?: string;
}

interface UnitCache {
    loadedAt: number;
    fromAt: number;
    toAt: number;
    loading: boolean;
}

/**
 * The exception pre-check from published schedules. `coverageAt` answers synchronously from a cache (`unknown` until a
 * unit is loaded); `prefetch` loads a unit's schedules in the background through the schedule search, retrying
 * `Processing` answers later. Never blocks the event path, never throws.
 */
export class ScheduleCoverage implements CoverageSource {
    private readonly units = new Map<string, UnitCache>();
    private readonly spans = new Map<string, Span[]>();
    private readonly loadedUsers = new Set<string>();
    private readonly userUnit = new Map<string, string>();
    private exceptionCodes: Map<string, string> | undefined;
    private codesLoading: Promise<void> | undefined;
    private readonly timers = new Set<TimerHandle>();
    private readonly logger: Logger;
    private stopped = false;

    constructor(private readonly options: ScheduleCoverageOptions) {
        this.logger = options.logger ?? silentLogger();
    }

    coverageAt(userId: string, at: number): Coverage {
        if (!this.exceptionCodes) return { covered: 'unknown' };
        if (!this.loadedUsers.has(userId)) {
            const unit = this.userUnit.get(userId);
            const loaded =
                unit !== undefined && Number.isFinite(this.units.get(unit)?.loadedAt ?? Number.NEGATIVE_INFINITY);
            return loaded ? { covered: false } : { covered: 'unknown' };
        }
        for (const s of this.spans.get(userId) ?? []) {
            if (s.startAt <= at && at < s.endAt && this.exceptionCodes.has(s.activityCodeId)) {
                return {
                    covered: true,
                    until: s.endAt,
                    reason: 'schedule-exception',
                    detail: this.exceptionCodes.get(s.activityCodeId)
                };
            }
        }
        return { covered: false };
    }

    prefetch(userId: string, managementUnitId: string, at: number): void {
        if (this.stopped) return;
        this.userUnit.set(userId, managementUnitId);
        const u = this.units.get(managementUnitId);
        const fresh =
            u &&
            this.options.clock.now() - u.loadedAt < (this.options.ttlMs ?? GENESYS_DEFAULTS.scheduleCacheTtlMs) &&
            at >= u.fromAt &&
            at < u.toAt;
        if (u?.loading || fresh) return;
        void this.load(managementUnitId, at, 1);
    }

    /** Loads waiting to be retried (diagnostics, test seam). */
    get pendingRetries(): number {
        return this.timers.size;
    }

    /** Drop a unit's cache (schedule republished); the next prefetch reloads it. */
    invalidate(managementUnitId: string): void {
        const u = this.units.get(managementUnitId);
        if (u) u.loadedAt = Number.NEGATIVE_INFINITY;
    }

    stop(): void {
        this.stopped = true;
        for (const t of this.timers) this.options.clock.clearTimeout(t);
        this.timers.clear();
    }

    private async ensureCodes(): Promise<void> {
        if (this.exceptionCodes) return;
        this.codesLoading ??= (async () => {
            const ids = new Set(this.options.exceptionActivityCodeIds);
            const categories = new Set(this.options.exceptionCategories ?? GENESYS_DEFAULTS.exceptionCategories);
            const codes = new Map<string, string>();
            const units = await this.options.client.listManagementUnits();
            const businessUnits = new Set(units.map((u) => u.businessUnit?.id).filter((id): id is string => !!id));
            for (const bu of businessUnits) {
                for (const c of await this.options.client.getActivityCodes(bu)) {
                    if (ids.has(c.id) || (c.category && categories.has(c.category)))
                        codes.set(c.id, c.name ?? c.category ?? c.id);
                }
            }
            for (const id of ids) if (!codes.has(id)) codes.set(id, id);
            this.exceptionCodes = codes;
        })().finally(() => {
            this.codesLoading = undefined;
        });
        await this.codesLoading;
    }

    private async load(muId: string, at: number, attempt: number): Promise<void> {
        const clock = this.options.clock;
        const fromAt = at - (this.options.beforeMs ?? 12 * 3_600_000);
        const toAt = at + (this.options.afterMs ?? 36 * 3_600_000);
        const entry = this.units.get(muId) ?? { loadedAt: Number.NEGATIVE_INFINITY, fromAt, toAt, loading: false };
        entry.loading = true;
        this.units.set(muId, entry);
        try {
            await this.ensureCodes();
            const res = await this.options.client.searchSchedules(muId, {
                startDate: new Date(fromAt).toISOString(),
                endDate: new Date(toAt).toISOString()
            });
            if (res.status === 'Processing') {
                this.retryLater(muId, at, attempt, 'processing');
                return;
            }
            for (const schedule of res.agentSchedules) {
                const userId = schedule.user?.id;
                if (!userId) continue;
                const spans: Span[] = [];
                for (const shift of schedule.shifts ?? []) {
                    for (const a of shift.activities ?? []) {
                        const startAt = typeof a.startDate === 'string' ? isoInstantMs(a.startDate) : Number.NaN;
                        if (!Number.isFinite(startAt) || typeof a.lengthMinutes !== 'number') continue;
                        spans.push({
                            startAt,
                            endAt: startAt + a.lengthMinutes * 60_000,
                            activityCodeId: String(a.activityCodeId),
                            description: a.description
                        });
                    }
                }
                this.spans.set(userId, spans);
                this.loadedUsers.add(userId);
            }
            entry.loadedAt = clock.now();
            entry.fromAt = fromAt;
            entry.toAt = toAt;
            entry.loading = false;
        } catch (error) {
            this.retryLater(muId, at, attempt, error instanceof Error ? error.message : String(error));
        }
    }

    private retryLater(muId: string, at: number, attempt: number, why: string): void {
        const entry = this.units.get(muId);
        if (attempt >= (this.options.maxAttempts ?? 5) || this.stopped) {
            if (entry) entry.loading = false;
            this.logger.warn({ managementUnitId: muId, why, attempt }, 'schedule coverage load gave up');
            return;
        }
        const t = this.options.clock.setTimeout(() => {
            this.timers.delete(t);
            void this.load(muId, at, attempt + 1);
        }, this.options.retryMs ?? 5_000);
        this.timers.add(t);
    }
}
