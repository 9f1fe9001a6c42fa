import type {
    CategoryName,
    EpisodeLogEntry,
    ExplanationError,
    ExplanationOutcome,
    Impact,
    SuppressReason
} from '../../src/domain/adherence/types';

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface EpisodeSpec {
    id: string;
    userId: string;
    unit?: string;
    team?: string;
    /** Drift start `t0`, epoch ms. */
    startedAt: number;
    category?: CategoryName;
    impact?: Impact;
    /** Offsets from `startedAt`, minutes. */
    nudge?: number;
    alert?: number;
    realert?: number;
    /** Escalations: level and offset (minutes). */
    escalate?: Array<{ level: number; at: number }>;
    ack?: number;
    ackBy?: string;
    exception?: number;
    resolve?: number;
    suppressed?: Array<{ stage: 'nudge' | 'alert'; reason: SuppressReason; at: number }>;
    /** The agent explained at `at` (minutes); Genesys answered at `recorded` (with `error` when not recorded); a supervisor decided. */
    explain?: {
        at: number;
        reason: string;
        recorded?: number;
        error?: ExplanationError;
        decided?: { at: number; outcome: ExplanationOutcome; by?: string };
    };
}

/** The log lines the engine writes for one episode, hand-built (times in minutes after t0). */
export function episodeLog(spec: EpisodeSpec): EpisodeLogEntry[] {
    const unit = spec.unit ?? 'mu1';
    const base = {
        userId: spec.userId,
        managementUnitId: unit,
        ...(spec.team === undefined ? {} : { teamId: spec.team }),
        episodeId: spec.id
    };
    const at = (m: number) => spec.startedAt + m * MIN;
    const out: EpisodeLogEntry[] = [
        {
            ...base,
            type: 'start',
            at: spec.startedAt,
            startedAt: spec.startedAt,
            scheduledCategory: spec.category ?? 'OnQueueWork',
            actualCategory: 'Break',
            impact: spec.impact ?? 'Negative'
        }
    ];
    if (spec.nudge !== undefined) out.push({ ...base, type: 'nudge', at: at(spec.nudge), stage: 'nudge' });
    if (spec.alert !== undefined) out.push({ ...base, type: 'alert', at: at(spec.alert), stage: 'alert' });
    if (spec.realert !== undefined) out.push({ ...base, type: 'realert', at: at(spec.realert), stage: 'realert' });
    for (const e of spec.escalate ?? []) out.push({ ...base, type: 'escalate', at: at(e.at), level: e.level });
    if (spec.ack !== undefined) out.push({ ...base, type: 'acknowledge', at: at(spec.ack), by: spec.ackBy ?? 'sup1' });
    if (spec.exception !== undefined)
        out.push({ ...base, type: 'exception', at: at(spec.exception), stage: 'exception' });
    for (const s of spec.suppressed ?? []) {
        out.push({ ...base, type: 'suppressed', at: at(s.at), stage: s.stage, reason: s.reason });
    }
    const x = spec.explain;
    if (x !== undefined) {
        out.push({ ...base, type: 'explained', at: at(x.at), explanationReason: x.reason });
        if (x.recorded !== undefined) {
            out.push({
                ...base,
                type: 'explanation-recorded',
                at: at(x.recorded),
                ...(x.error === undefined ? {} : { error: x.error })
            });
        }
        if (x.decided !== undefined) {
            const { outcome, by = 'sup1' } = x.decided;
            out.push({
                ...base,
                type: 'explanation-decided',
                at: at(x.decided.at),
                explanationReason: x.reason,
                outcome,
                by
            });
        }
    }
    if (spec.resolve !== undefined) {
        out.push({ ...base, type: 'resolve', at: at(spec.resolve), durationMs: spec.resolve * MIN });
    }
    return out.sort((a, b) => a.at - b.at);
}

/** Many episodes' lines merged in time order, as `readLog` returns them. */
export function logOf(...specs: EpisodeSpec[]): EpisodeLogEntry[] {
    return specs.flatMap(episodeLog).sort((a, b) => a.at - b.at);
}
