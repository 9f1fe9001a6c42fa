import type { Clock, TimerHandle } from '../../domain/clock';
import { activityLabel } from '../../domain/adherence/activityLabels';
import type { Coverage } from '../../domain/adherence/types';
import type { CoverageSource } from '../../engine/ports';
import { silentLogger, type Logger } from '../../kit/Logger';
import { describeError, isGenesysError } from './errors';
import type { GenesysClient } from './GenesysClient';
import { GENESYS_DEFAULTS } from './genesysConfig';
import { searchSchedulesInSteps, type ScheduleSpan } from './searchSchedulesInSteps';

/** A scheduled activity as the agent's status shows it. */
export interface ScheduledActivity {
    label: string;
    startAt: number;
    endAt: number;
}

/** What is scheduled now and next (either may be absent: nothing scheduled). */
export interface ScheduleView {
    current?: ScheduledActivity;
    next?: ScheduledActivity;
}

export interface ScheduleCoverageOptions {
    client: Pick<GenesysClient, 'searchSchedules' | 'getActivityCodes' | 'listManagementUnits' | 'listUnitUsers'>;
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
    /** Wait before loading a unit again after a failure. @default 5000 */
    retryMs?: number;
    /** Attempts per load. @default 5 */
    maxAttempts?: number;
    logger?: Logger;
}

interface UnitCache {
    /** Epoch ms of the last complete load (-Infinity: none, or invalidated). */
    loadedAt: number;
    fromAt: number;
    toAt: number;
    loading: boolean;
    /** Epoch ms before which a refused unit (403) is not asked again. */
    refusedUntil?: number;
}

/**
 * The exception pre-check from published schedules. `coverageAt` answers synchronously from a cache (`unknown` until a
 * unit is loaded); `prefetch` loads a unit's schedules in the background through schedule searches small enough to be
 * answered at once ({@link searchSchedulesInSteps}). Agents whose schedules changed are reloaded alone. A unit whose
 * schedules the role may not read is said once and asked again only after the cache lifetime. Never blocks the event
 * path, never throws.
 */
export class ScheduleCoverage implements CoverageSource {
    private readonly units = new Map<string, UnitCache>();
    private readonly spans = new Map<string, ScheduleSpan[]>();
    private readonly loadedUsers = new Set<string>();
    /**
     * Agents whose schedules changed (or could not be answered) since their unit was loaded: `unknown` until reloaded.
     */
    private readonly stale = new Set<string>();
    private readonly userUnit = new Map<string, string>();
    private exceptionCodes: Map<string, string> | undefined;
    /** Every activity code's display name (the agent's own status shows what is scheduled). */
    private readonly activityNames = new Map<string, string>();
    private codesLoading: Promise<void> | undefined;
    private readonly timers = new Set<TimerHandle>();
    private readonly logger: Logger;
    private stopped = false;

    constructor(private readonly options: ScheduleCoverageOptions) {
        this.logger = options.logger ?? silentLogger();
    }

    coverageAt(userId: string, at: number): Coverage {
        if (!this.exceptionCodes || this.stale.has(userId)) return { covered: 'unknown' };
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
        const now = this.options.clock.now();
        const u = this.units.get(managementUnitId);
        if (u?.loading || (u?.refusedUntil ?? Number.NEGATIVE_INFINITY) > now) return;
        const fresh = u && now - u.loadedAt < this.ttlMs && at >= u.fromAt && at < u.toAt;
        if (!fresh) void this.load(managementUnitId, at, 1);
        else if (this.stale.has(userId)) void this.load(managementUnitId, at, 1, this.staleOf(managementUnitId));
    }

    /**
     * The agent's scheduled activity at `at` (until the next different one starts) and that next one, from the cached
     * schedule; `undefined` until the agent's schedule is loaded (see {@link prefetch}).
     */
    scheduleAt(userId: string, at: number): ScheduleView | undefined {
        if (!this.exceptionCodes || !this.loadedUsers.has(userId) || this.stale.has(userId)) return undefined;
        const spans = [...(this.spans.get(userId) ?? [])].sort((a, b) => a.startAt - b.startAt);
        const label = (s: ScheduleSpan) => this.activityNames.get(s.activityCodeId) ?? s.description ?? 'Scheduled';
        const current = spans.find((s) => s.startAt <= at && at < s.endAt);
        const next = spans.find((s) => s.startAt > at && (!current || label(s) !== label(current)));
        const view: ScheduleView = {};
        if (current)
            view.current = { label: label(current), startAt: current.startAt, endAt: next?.startAt ?? current.endAt };
        if (next) view.next = { label: label(next), startAt: next.startAt, endAt: next.endAt };
        return view;
    }

    /** Loads waiting to be retried (diagnostics, test seam). */
    get pendingRetries(): number {
        return this.timers.size;
    }

    /**
     * Schedules were republished: with `agentIds` only those agents are forgotten (and reloaded alone at their next
     * prefetch), without them the whole unit is.
     */
    invalidate(managementUnitId: string, agentIds?: readonly string[]): void {
        if (agentIds) {
            for (const id of agentIds) {
                this.stale.add(id);
                this.userUnit.set(id, managementUnitId);
            }
            return;
        }
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
                    if (c.id) this.activityNames.set(c.id, c.name ?? activityLabel(c.category));
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

    private get ttlMs(): number {
        return this.options.ttlMs ?? GENESYS_DEFAULTS.scheduleCacheTtlMs;
    }

    private staleOf(managementUnitId: string): string[] {
        return [...this.stale].filter((id) => this.userUnit.get(id) === managementUnitId);
    }

    /** Load the unit's schedules (or only `agents`' when given, keeping the unit's window and age). */
    private async load(muId: string, at: number, attempt: number, agents?: string[]): Promise<void> {
        const clock = this.options.clock;
        const fromAt = at - (this.options.beforeMs ?? 12 * 3_600_000);
        const toAt = at + (this.options.afterMs ?? 36 * 3_600_000);
        const entry = this.units.get(muId) ?? { loadedAt: Number.NEGATIVE_INFINITY, fromAt, toAt, loading: false };
        const window = agents ? { fromAt: entry.fromAt, toAt: entry.toAt } : { fromAt, toAt };
        entry.loading = true;
        this.units.set(muId, entry);
        try {
            await this.ensureCodes();
            const userIds = agents ?? (await this.options.client.listUnitUsers(muId));
            const found = await searchSchedulesInSteps(this.options.client, muId, userIds, window);
            for (const id of userIds) this.stale.delete(id);
            for (const [userId, spans] of found.spans) {
                this.spans.set(userId, spans);
                this.loadedUsers.add(userId);
            }
            for (const id of found.unanswered) this.stale.add(id);
            if (found.unanswered.length > 0) {
                this.logger.warn(
                    { managementUnitId: muId, agents: found.unanswered.length, searches: found.searches },
                    'genesys answered some schedule searches only asynchronously even for one agent; their coverage stays unknown'
                );
            }
            if (!agents) Object.assign(entry, { loadedAt: clock.now(), fromAt, toAt });
            entry.loading = false;
        } catch (error) {
            if (isGenesysError(error) && error.code === 'GENESYS_FORBIDDEN') {
                entry.loading = false;
                entry.refusedUntil = clock.now() + this.ttlMs;
                this.logger.error(
                    { managementUnitId: muId, err: describeError(error) },
                    'genesys refused the published schedules (the OAuth client needs wfm:publishedSchedule:view or ' +
                        'wfm:schedule:view): no schedule exception pre-check for this unit until asked again'
                );
                return;
            }
            this.retryLater(muId, at, attempt, describeError(error), agents);
        }
    }

    private retryLater(muId: string, at: number, attempt: number, why: string, agents?: string[]): void {
        const entry = this.units.get(muId);
        if (attempt >= (this.options.maxAttempts ?? 5) || this.stopped) {
            if (entry) entry.loading = false;
            this.logger.warn({ managementUnitId: muId, why, attempt }, 'schedule coverage load gave up');
            return;
        }
        const t = this.options.clock.setTimeout(() => {
            this.timers.delete(t);
            void this.load(muId, at, attempt + 1, agents);
        }, this.options.retryMs ?? 5_000);
        this.timers.add(t);
    }
}
