import type { AgentNote, Explanation, ExplanationError } from '../../domain/adherence/types';
import type { NoticeCardData } from '../../cards/renderCard';
import { formatTime } from './cardData';

/** "Back in" choices on the nudge's Explain, minutes. */
export const BACK_IN_MINUTES = [5, 10, 15, 30] as const;
/** The reason that asks for a note. */
export const OTHER_REASON = 'Other';
/** Longest note the agent may give, characters. */
export const MAX_NOTE_LENGTH = 200;

/** What the agent and the card read when Genesys did not record the explanation. */
const NOT_RECORDED: Readonly<Record<ExplanationError, string>> = {
    forbidden: 'the bot is not allowed to add adherence explanations in Genesys',
    unreachable: 'Genesys could not be reached',
    rejected: 'Genesys did not accept it',
    unconfirmed: 'Genesys did not confirm it'
};

/** The explanation in one line: the reason, the agent's note in quotes, "back in N min". */
export function explanationText(e: Explanation): string {
    let text = e.reason;
    if (e.note) text += ` — “${e.note}”`;
    if (e.backInMinutes !== undefined) text += ` (back in ${e.backInMinutes} min)`;
    return text;
}

/** The alert card's explanation lines: what the agent said and when, where it stands in Genesys, the decision. */
export function explanationLines(
    e: Explanation,
    agentName: string,
    nameOf: (by: string | undefined) => string,
    timeZone: string
): string[] {
    const lines = [`**Explanation** from ${agentName} at ${formatTime(e.at, timeZone)}: ${explanationText(e)}`];
    const g = e.genesys;
    if (g.status === 'sending') lines.push('Being recorded in Genesys…');
    else if (g.status === 'recorded') lines.push('Recorded in Genesys');
    else lines.push(`Not recorded in Genesys: ${NOT_RECORDED[g.error]}. The decision is still recorded here.`);
    if (e.decision) {
        const verb = e.decision.outcome === 'Approved' ? 'approved' : 'denied';
        lines.push(`Explanation ${verb} by ${nameOf(e.decision.by)} at ${formatTime(e.decision.at, timeZone)}`);
    }
    return lines;
}

/** The short, kind private note to the agent about their explanation. */
export function agentNoteData(note: AgentNote, e: Explanation, supervisor: string): NoticeCardData {
    switch (note) {
        case 'explanation-failed':
            return {
                title: "Your explanation wasn't recorded in Genesys",
                message:
                    `I couldn't record your explanation (${explanationText(e)}) in Genesys: ` +
                    `${NOT_RECORDED[e.genesys.status === 'failed' ? e.genesys.error : 'unreachable']}. ` +
                    'Your supervisor can still see it on the alert, so there is nothing more you need to do. ' +
                    'Only you can see this message.',
                color: 'Warning'
            };
        case 'explanation-approved':
            return {
                title: 'Explanation approved',
                message: `${supervisor} approved your explanation (${e.reason}). Thanks for letting us know! Only you can see this message.`,
                color: 'Good'
            };
        case 'explanation-denied':
            return {
                title: 'About your explanation',
                message:
                    `${supervisor} reviewed your explanation (${e.reason}) and didn't approve it this time. ` +
                    'If you need a hand getting back on schedule, your supervisor is happy to help. Only you can see this message.',
                color: 'Default'
            };
    }
}
