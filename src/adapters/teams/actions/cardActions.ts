import type { ActionHandler } from '../HandlerContext';
import { acknowledge, approveExplanation, approveOvertime, denyExplanation, snooze } from './alertActions';
import { ackNudge, explain, myStatus } from './nudgeActions';

/** The card-action verbs (the `verb` of every button the cards carry) and their handlers. */
const CARD_ACTIONS: Readonly<Record<string, ActionHandler>> = {
    myStatus,
    ackNudge,
    acknowledge,
    snooze,
    approveOvertime,
    explain,
    approveExplanation,
    denyExplanation
};

/** The handler of a verb, if the cards have it. */
export function actionFor(verb: string): ActionHandler | undefined {
    return Object.hasOwn(CARD_ACTIONS, verb) ? CARD_ACTIONS[verb] : undefined;
}
