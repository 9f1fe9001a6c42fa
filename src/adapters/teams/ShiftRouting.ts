import type { AlertWindow } from '../../domain/adherence/types';
import type { Clock, TimerHandle } from '../../domain/clock';
import { LocalCalendar } from '../../domain/LocalCalendar';
import { alertTargets, coversAt, type AlertTargets, type Subscription } from '../../domain/shiftHours';
import type { AlertWindowSource } from '../../engine/ports';
import { silentLogger, type Logger } from '../../kit/Logger';
import type { BotStore } from './BotStore';

export interface ShiftRoutingOptions {
    store: Pick<BotStore, 'allSubscriptions' | 'allEscalations'>;
    clock: Clock;
    /** The IANA zone of a unit, in which its subscriptions' hours are read. */
    timeZoneOf(managementUnitId: string): string;
    /** People who get a unit's first-level escalations privately (`TEAMS_ESCALATE_TO`): Teams user id → units. */
    escalateTo?: ReadonlyMap<string, readonly string[]>;
    /** How often the subscriptions are read again (another instance's `subscribe`), ms; 0 = never. */
    refreshMs: number;
    logger?: Logger;
}

const OPEN: AlertWindow = { open: true };

/**
 * On-shift routing: which of a unit's channel subscriptions an alert goes to at a given time, in the unit's zone.
 * Keeps every subscription in memory (read at start, after each `subscribe`/`unsubscribe` here, and every
 * `refreshMs` for the other instances) so the engine can ask synchronously whether an alert due now must wait.
 */
export class ShiftRouting implements AlertWindowSource {
    private byUnit = new Map<string, Subscription[]>();
    private escalations = new Map<string, Map<number, string>>();
    private readonly calendars = new Map<string, LocalCalendar>();
    private timer: TimerHandle | undefined;
    private running = false;
    private readonly logger: Logger;

    constructor(private readonly o: ShiftRoutingOptions) {
        this.logger = o.logger ?? silentLogger();
    }

    /** The calendar of a unit's zone. */
    calendarOf(managementUnitId: string): LocalCalendar {
        const zone = this.o.timeZoneOf(managementUnitId);
        let calendar = this.calendars.get(zone);
        if (!calendar) this.calendars.set(zone, (calendar = new LocalCalendar(zone)));
        return calendar;
    }

    /** Where an alert of the unit due at `at` goes, given the unit's subscriptions. */
    targets(managementUnitId: string, subs: readonly Subscription[], at: number): AlertTargets {
        return alertTargets(subs, at, this.calendarOf(managementUnitId));
    }

    /** Whether the hours of a subscription of the unit cover `at` (no hours: always). */
    onShift(managementUnitId: string, sub: Subscription, at: number): boolean {
        return sub.hours === undefined || coversAt(sub.hours, at, this.calendarOf(managementUnitId));
    }

    /** From the cached subscriptions: open, unless the unit has only subscriptions with hours and none covers `at`. */
    alertWindowAt(managementUnitId: string, at: number): AlertWindow {
        const subs = this.byUnit.get(managementUnitId);
        if (subs === undefined || subs[0].hours === undefined) return OPEN;
        const t = this.targets(managementUnitId, subs, at);
        return 'opensAt' in t ? { open: false, opensAt: t.opensAt } : OPEN;
    }

    /**
     * The escalation levels 1 to n of the unit that each have somebody to go to: a channel (from the cached
     * subscriptions), or for level 1 also the configured people.
     */
    escalationLevels(managementUnitId: string): number {
        const byLevel = this.escalations.get(managementUnitId);
        let n = byLevel?.has(1) || this.escalationPeople(managementUnitId).length > 0 ? 1 : 0;
        while (n > 0 && byLevel?.has(n + 1)) n++;
        return n;
    }

    /** The Teams user ids of the people who get the unit's first-level escalations privately. */
    escalationPeople(managementUnitId: string): string[] {
        const people: string[] = [];
        for (const [id, units] of this.o.escalateTo ?? [])
            if (units.includes('*') || units.includes(managementUnitId)) people.push(id);
        return people;
    }

    /** Read every subscription again; a failure keeps the previous ones (and is logged). */
    async refresh(): Promise<void> {
        try {
            const [byUnit, escalations] = await Promise.all([
                this.o.store.allSubscriptions(),
                this.o.store.allEscalations()
            ]);
            this.byUnit = byUnit;
            this.escalations = escalations;
        } catch (error) {
            this.logger.warn(
                { err: String(error) },
                'subscriptions could not be read; on-shift routing keeps the last ones'
            );
        }
    }

    async start(): Promise<void> {
        this.running = true;
        await this.refresh();
        this.schedule();
    }

    stop(): void {
        this.running = false;
        if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
        this.timer = undefined;
    }

    private schedule(): void {
        if (!this.running || this.o.refreshMs <= 0) return;
        this.timer = this.o.clock.setTimeout(() => {
            void this.refresh().finally(() => this.schedule());
        }, this.o.refreshMs);
    }
}
