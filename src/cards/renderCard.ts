import * as ACData from 'adaptivecards-templating';
import nudgeTemplate from './nudge.json';
import alertTemplate from './alert.json';
import statusTemplate from './status.json';
import helpTemplate from './help.json';
import noticeTemplate from './notice.json';

/** An expanded Adaptive Card (schema 1.5), ready to attach. */
export interface AdaptiveCardJson {
    type: 'AdaptiveCard';
    version: string;
    [key: string]: unknown;
}

export interface NudgeCardData {
    userId: string;
    episodeId: string;
    title: string;
    message: string;
    scheduled: string;
    actual: string;
    minutes: number;
    footer: string;
    showOnIt: boolean;
    /** Offer Explain (reason, note, "back in"): until the agent explained or said "I'm on it". */
    showExplain: boolean;
    reasons: Array<{ title: string; value: string }>;
    reasonDefault: string;
    backInOptions: Array<{ title: string; value: string }>;
    maxNoteLength: number;
    sigs: { myStatus: string; ackNudge: string; explain: string };
}

export interface AlertCardData {
    userId: string;
    episodeId: string;
    title: string;
    color: 'Default' | 'Attention' | 'Warning' | 'Good';
    agentName: string;
    teamName: string;
    scheduled: string;
    actual: string;
    minutes: number;
    impact: string;
    /** Who acknowledged / snoozed / approved, exception and resolution lines. */
    statusLines: string[];
    /** The agent's explanation, where it stands in Genesys and the decision (empty: none). */
    explanationLines: string[];
    /** Offer Approve / Deny explanation: explained, not decided, episode open. */
    canDecide: boolean;
    /** False once the episode is resolved or its explanation approved: no more actions. */
    open: boolean;
    acknowledged: boolean;
    snoozeOptions: Array<{ label: string; minutes: number; sig: string }>;
    overtimeOptions: Array<{ label: string; value: string }>;
    overtimeDefault: string;
    sigs: { acknowledge: string; approveOvertime: string; approveExplanation: string; denyExplanation: string };
}

export interface StatusCardData {
    title: string;
    summary: string;
    rows: Array<{ label: string; value: string }>;
    /** The agent's own card: today's explanations, `10:42` → `Still with a customer · approved`. */
    explanations?: Array<{ label: string; value: string }>;
}

export interface HelpCardData {
    intro: string;
    commands: Array<{ name: string; description: string }>;
}

export interface NoticeCardData {
    title: string;
    message: string;
    color: 'Default' | 'Attention' | 'Warning' | 'Good';
}

/** Neutralise markdown links and emphasis in free text (agent names, ids, reasons) shown in TextBlocks and facts. */
export function plainText(text: string): string {
    return text.replace(/[[\]*]/g, (c) => `\\${c}`);
}

/** Parsed templates, built once per template (parsing dominates the cost of an expansion). */
const compiled = new Map<object, ACData.Template>();

function expand(template: object, data: object): AdaptiveCardJson {
    let t = compiled.get(template);
    if (!t) {
        t = new ACData.Template(template);
        compiled.set(template, t);
    }
    return t.expand({ $root: data }) as AdaptiveCardJson;
}

/** The private, supportive nudge to an agent. */
export function renderNudgeCard(data: NudgeCardData): AdaptiveCardJson {
    return expand(nudgeTemplate, data);
}

/** The supervisor alert, re-rendered in place on every change. */
export function renderAlertCard(data: AlertCardData): AdaptiveCardJson {
    return expand(alertTemplate, data);
}

/** An agent's own status, or who is drifting now in a supervisor channel. */
export function renderStatusCard(data: StatusCardData): AdaptiveCardJson {
    return expand(statusTemplate, { explanations: [], ...data });
}

export function renderHelpCard(data: HelpCardData): AdaptiveCardJson {
    return expand(helpTemplate, data);
}

/** A short visible answer: refusals, confirmations. */
export function renderNoticeCard(data: NoticeCardData): AdaptiveCardJson {
    return expand(noticeTemplate, data);
}
