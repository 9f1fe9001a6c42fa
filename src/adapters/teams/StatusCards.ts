import { agentDayExplanations, agentDayFigures, type AgentDayExplanation } from '../../analytics/agentDay';
import type { EpisodeLogEntry } from '../../domain/adherence/types';
import type { Clock } from '../../domain/clock';
import { activityLabel } from '../../domain/adherence/activityLabels';
import { LocalCalendar } from '../../domain/LocalCalendar';
import type { LogQuery } from '../../engine/ports';
import { plainText, renderStatusCard, type AdaptiveCardJson } from '../../cards/renderCard';
import { formatTime, minutesBetween } from './cardData';
import { formatMinutes } from '../../analytics/formatReport';
import type { DisplayNames } from './DisplayNames';
import type { EngineActions, SchedulePort } from './ports';

export interface StatusCardsOptions {
    engine: Pick<EngineActions, 'agent' | 'openEpisodes'>;
    clock: Clock;
    names: DisplayNames;
    /** "Today" on the status card is the local day of this IANA zone (TEAMS_TIME_ZONE). */
    timeZone: string;
    /** Reads the episode log (today's episodes); without it the card shows the current state only. */
    readLog?(query: LogQuery): Promise<EpisodeLogEntry[]>;
    /** The agent's schedule (now and next); without it, or before it is loaded, the card leaves it out. */
    schedule?: SchedulePort;
}

/** Ranking weight of an episode's impact in "who is drifting now". */
const IMPACT_WEIGHT: Record<string, number> = { Negative: 2, Neutral: 1, Unknown: 1, Positive: 0.5 };

/** The status cards: an agent's own adherence, and who is drifting now in a supervisor's units. */
export class StatusCards {
    private readonly calendar: LocalCalendar;

    constructor(private readonly o: StatusCardsOptions) {
        this.calendar = new LocalCalendar(o.timeZone);
    }

    /** Who is drifting now in these units, ranked by minutes × impact weight, at most 25; then `extra` rows. */
    async driftingNow(
        units: string[],
        extra: ReadonlyArray<{ label: string; value: string }> = []
    ): Promise<AdaptiveCardJson> {
        const now = this.o.clock.now();
        const ranked = this.o.engine
            .openEpisodes({ managementUnitIds: units })
            .map(({ state }) => {
                const minutes = minutesBetween(state.episode.startedAt, now);
                return { state, minutes, score: minutes * (IMPACT_WEIGHT[state.episode.impact] ?? 1) };
            })
            .sort((a, b) => b.score - a.score)
            .slice(0, 25);
        const rows: Array<{ label: string; value: string }> = [];
        for (const { state, minutes } of ranked) {
            const e = state.episode;
            rows.push({
                label: await this.o.names.agentName(e.userId),
                value: `${minutes} min · scheduled ${activityLabel(e.scheduledCategory)}, actual ${activityLabel(e.actualCategory, e.systemPresence)} · impact ${e.impact}${state.ack ? ' · acknowledged' : ''}`
            });
        }
        return renderStatusCard({
            title: 'Drifting now',
            summary:
                rows.length === 0
                    ? 'Nobody in your units is out of adherence right now.'
                    : `${rows.length} agent(s) out of adherence, most urgent first.`,
            rows: [...rows, ...extra]
        });
    }

    /** An agent's own state and today's figures; `adherentSummary` replaces the in-adherence wording. */
    async ownStatus(genesysUserId: string, adherentSummary?: string): Promise<AdaptiveCardJson> {
        const now = this.o.clock.now();
        const record = this.o.engine.agent(genesysUserId);
        const rows: Array<{ label: string; value: string }> = [];
        let explanations: Array<{ label: string; value: string }> = [];
        let summary = adherentSummary ?? "You're in adherence right now. Nice work!";
        if (record && record.state.status !== 'adherent') {
            const e = record.state.episode;
            summary = `Your schedule shows ${activityLabel(e.scheduledCategory)}; you have been on ${activityLabel(e.actualCategory, e.systemPresence)} for ${minutesBetween(e.startedAt, now)} min.`;
        } else if (!record) summary = 'I have no adherence data for you yet today.';
        if (this.o.schedule && record) rows.push(...this.scheduleRows(genesysUserId, record.managementUnitId, now));
        if (this.o.readLog && record) {
            const dayStart = this.calendar.startOfDay(now);
            const log = await this.o.readLog({
                fromAt: dayStart,
                toAt: now + 1,
                managementUnitId: record.managementUnitId
            });
            const open = record.state.status === 'adherent' ? undefined : record.state.episode;
            const today = agentDayFigures(log, genesysUserId, dayStart, now, open);
            rows.push({ label: 'Episodes today', value: String(today.episodes) });
            rows.push({ label: 'Minutes out today', value: String(today.minutes) });
            explanations = agentDayExplanations(log, genesysUserId, dayStart).map((x) => this.explanationRow(x));
        }
        return renderStatusCard({ title: 'Your adherence', summary, rows, explanations });
    }

    /** `10:42` → `Still with a customer · waiting for a decision` (· not recorded in Genesys). */
    private explanationRow(x: AgentDayExplanation): { label: string; value: string } {
        const outcome =
            x.outcome === 'Approved' ? 'approved' : x.outcome === 'Denied' ? 'denied' : 'waiting for a decision';
        const reason = plainText(x.reason) || 'Explained';
        return {
            label: formatTime(x.at, this.o.timeZone),
            value: `${reason} · ${outcome}${x.notRecorded ? ' · not recorded in Genesys' : ''}`
        };
    }

    /** "Scheduled now: On queue until 13:15", "Next: Break at 13:15, in 20 min"; none until the schedule is loaded. */
    private scheduleRows(userId: string, unit: string, now: number): Array<{ label: string; value: string }> {
        const view = this.o.schedule!.scheduleAt(userId, now);
        if (view === undefined) {
            this.o.schedule!.prefetch(userId, unit, now);
            return [];
        }
        const zone = this.o.timeZone;
        const rows = [
            {
                label: 'Scheduled now',
                value: view.current ? `${view.current.label} until ${formatTime(view.current.endAt, zone)}` : 'Nothing'
            }
        ];
        if (view.next) {
            const inMinutes = formatMinutes(Math.max(0, Math.round((view.next.startAt - now) / 60_000)));
            rows.push({
                label: 'Next',
                value: `${view.next.label} at ${formatTime(view.next.startAt, zone)}, in ${inMinutes}`
            });
        }
        return rows;
    }
}
