import type { ExplanationInput } from '../../domain/adherence/explanationTransitions';
import type { AgentRecord, ExplanationOutcome, OpenEpisodeState, Policy } from '../../domain/adherence/types';
import type { ActionResult } from '../../engine/AdherenceEngine';

/** The engine as the bot uses it (a subset of `AdherenceEngine`). */
export interface EngineActions {
    acknowledge(userId: string, episodeId: string, by: string): Promise<ActionResult>;
    snooze(userId: string, episodeId: string, until: number, by: string): Promise<ActionResult>;
    approveOvertime(userId: string, until: number, by: string, episodeId?: string): Promise<ActionResult>;
    acknowledgeNudge(userId: string, episodeId: string): Promise<ActionResult>;
    explain(userId: string, episodeId: string, input: ExplanationInput): Promise<ActionResult>;
    decideExplanation(
        userId: string,
        episodeId: string,
        outcome: ExplanationOutcome,
        by: string
    ): Promise<ActionResult>;
    setExcluded(category: string, excluded: boolean): Promise<void>;
    getPolicy(): Policy;
    agent(userId: string): AgentRecord | undefined;
    openEpisodes(filter?: { managementUnitIds?: string[] }): Array<{ record: AgentRecord; state: OpenEpisodeState }>;
}

/** Names and e-mail look-ups (the Genesys user directory). All optional. */
export interface DirectoryPort {
    displayName?(genesysUserId: string): Promise<string | undefined>;
    findByEmail?(email: string): Promise<{ id: string; name?: string } | undefined>;
    /** Resolve a management unit by id or name (the `subscribe` command). */
    findUnit?(nameOrId: string): Promise<{ id: string; name: string } | undefined>;
}

/** The agent's schedule as the exception pre-check reads it (the Genesys schedule cache). */
export interface SchedulePort {
    /** What is scheduled at `at` and next; `undefined` while the agent's schedule is not loaded. */
    scheduleAt(
        userId: string,
        at: number
    ): { current?: { label: string; endAt: number }; next?: { label: string; startAt: number } } | undefined;
    /** Load the agent's unit schedules in the background (never throws). */
    prefetch(userId: string, managementUnitId: string, at: number): void;
}
