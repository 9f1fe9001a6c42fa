import type {
    AgentRecord,
    AlertWindow,
    Coverage,
    Effect,
    Notification,
    Observation,
    Policy
} from '../../src/domain/adherence/types';
import { transition } from '../../src/domain/adherence/transition';

export const MIN = 60_000;
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
export const MU = 'mu-1';

export function policy(overrides: Partial<Policy> = {}): Policy {
    return {
        thresholds: { nudgeAfterMs: 6 * MIN, alertAfterMs: 10 * MIN, exceptionAfterMs: 15 * MIN },
        overrides: {},
        excludedCategories: new Set(['Meeting', 'Training']),
        suppressPositiveImpact: true,
        ...overrides
    };
}

export function obs(partial: Partial<Observation> & { changedAt: number }): Observation {
    return {
        userId: 'agent-1',
        managementUnitId: MU,
        teamId: 'team-a',
        teamName: 'Team A',
        adherenceState: 'OutOfAdherence',
        impact: 'Negative',
        scheduledCategory: 'OnQueueWork',
        actualCategory: 'OffQueueWork',
        ...partial
    };
}

export const out = (changedAt: number, extra: Partial<Observation> = {}): Observation => obs({ changedAt, ...extra });
export const back = (changedAt: number, extra: Partial<Observation> = {}): Observation =>
    obs({ changedAt, adherenceState: 'InAdherence', actualCategory: 'OnQueueWork', ...extra });

export const notCovered: Coverage = { covered: false };

/** A tiny driver over the pure transition: keeps the record, collects effects, moves `now`. */
export class Agent {
    record: AgentRecord | undefined;
    effects: Effect[] = [];
    now: number;

    constructor(
        public pol: Policy = policy(),
        now = T0
    ) {
        this.now = now;
    }

    /** Apply any engine event at the current `now`. */
    apply(event: Parameters<typeof transition>[1]): Effect[] {
        const result = transition(this.record, event, this.now, this.pol);
        this.record = result.record;
        this.effects.push(...result.effects);
        return result.effects;
    }

    observe(o: Observation): Effect[] {
        return this.apply({ type: 'AdherenceObserved', observation: o });
    }

    /** Move to `at` and deliver the deadline (as the scheduler would when the due time passes). */
    tick(at: number, coverage: Coverage = notCovered): Effect[] {
        this.now = at;
        return this.apply({ type: 'DeadlineReached', coverage });
    }

    /** Move to `at` and deliver the deadline with the shell's routing answers (on-shift window, escalation levels). */
    route(at: number, routing: { alertWindow?: AlertWindow; escalationLevels?: number }): Effect[] {
        this.now = at;
        return this.apply({ type: 'DeadlineReached', coverage: notCovered, ...routing });
    }

    ack(by = 'sup-1'): Effect[] {
        return this.apply({ type: 'AlertAcknowledged', episodeId: this.episodeId, by });
    }

    snooze(until: number, by = 'sup-1'): Effect[] {
        return this.apply({ type: 'AlertSnoozed', episodeId: this.episodeId, until, by });
    }

    approve(until: number, by = 'sup-1', episodeId: string | undefined = this.episodeIdOrUndefined): Effect[] {
        return this.apply({ type: 'OvertimeApproved', until, by, episodeId });
    }

    get episodeIdOrUndefined(): string | undefined {
        const s = this.record?.state;
        return s && s.status !== 'adherent' ? s.episode.id : undefined;
    }

    get episodeId(): string {
        const id = this.episodeIdOrUndefined;
        if (!id) throw new Error('no open episode');
        return id;
    }

    get status(): string {
        return this.record?.state.status ?? 'none';
    }

    notifications(): Notification[] {
        return this.effects.flatMap((e) => (e.type === 'Notify' ? [e.notification] : []));
    }

    kinds(): string[] {
        return this.notifications().map((n) =>
            n.kind === 'alert-update' ? `update:${n.change}` : n.kind === 'alert' && n.reminder ? 'realert' : n.kind
        );
    }

    logTypes(): string[] {
        return this.effects.flatMap((e) =>
            e.type === 'LogEpisode'
                ? [e.entry.type === 'suppressed' ? `suppressed:${e.entry.reason}` : e.entry.type]
                : []
        );
    }
}

export function notificationsOf(effects: Effect[]): Notification[] {
    return effects.flatMap((e) => (e.type === 'Notify' ? [e.notification] : []));
}
