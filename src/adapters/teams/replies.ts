import { renderNoticeCard, type AdaptiveCardJson, type NoticeCardData } from '../../cards/renderCard';
import type { BotRefusal, Reply } from './HandlerContext';

/** What the user reads for each refusal (a handler may give more specific wording). */
export const REFUSAL_TEXT: Readonly<Record<BotRefusal, string>> = {
    forged: 'This card action could not be verified, so nothing was changed. Please use the buttons on the latest card.',
    'not-supervisor': "Only a supervisor of this agent's unit can do that. Nothing was changed.",
    'self-action': "You can't act on your own alert or approve your own overtime. Nothing was changed.",
    'not-own': 'This card belongs to someone else, so nothing was changed.',
    'unknown-user': "I don't know your Genesys user yet. Ask an administrator to map your account.",
    'unknown-verb': "I don't know that action. Type help to see what I can do.",
    'invalid-input': 'That choice is not valid. Nothing was changed.',
    'not-subscribed': 'This conversation is not subscribed to a management unit.',
    'unknown-agent': 'I have no adherence data for that agent.',
    stopping: 'The bot is restarting, so nothing was changed. Please try again in a moment.',
    'no-open-episode': 'That agent is not out of adherence any more.',
    'episode-closed': 'That episode has already ended; this card is out of date.',
    'already-acknowledged': 'This alert was already acknowledged.',
    'invalid-until': 'That time is not valid (it must be in the future).',
    'already-explained': 'You have already explained this one. Your supervisor can see it on the alert.',
    'no-explanation': 'The agent has not explained this episode, so there is nothing to approve or deny.',
    'already-decided': 'Another supervisor has already decided on this explanation.'
};

/** The `unknown-user` refusal when the Genesys directory could not be asked (rather than did not know the user). */
export const LOOKUP_FAILED_TEXT =
    "I couldn't reach Genesys to look up your user just now, so I can't tell who you are there. Nothing was changed; " +
    'please try again in a minute.';

/** A short visible answer: confirmations, usage hints, refusals. */
export function notice(title: string, message: string, color: NoticeCardData['color']): AdaptiveCardJson {
    return renderNoticeCard({ title, message, color });
}

/** A refusal as the user sees it (not counted: `HandlerContext.refuse` counts and logs it). */
export function refusalReply(reason: BotRefusal, text: string = REFUSAL_TEXT[reason]): Reply {
    return { card: notice('Not done', text, 'Attention'), refused: reason, message: text };
}

/** A command used wrongly: the usage hint, marked `invalid-input` (not counted as a refusal). */
export function usage(title: string, message: string): Reply {
    return { card: notice(title, message, 'Warning'), refused: 'invalid-input' };
}
