import { LOOKUP_FAILED_TEXT } from '../replies';
import type { ActionHandler, ActionRequest, HandlerContext, Reply } from '../HandlerContext';

/** The agent the nudge card belongs to, or the refusal for anyone else (unmapped: `unknown-user`). */
function ownCard(ctx: HandlerContext, { me, action, actor }: ActionRequest): { me: string } | { refused: Reply } {
    if (!me) return { refused: ctx.refuse('unknown-user', actor.lookupFailed ? LOOKUP_FAILED_TEXT : undefined) };
    if (me !== action.userId) return { refused: ctx.refuse('not-own') };
    return { me };
}

/** "Show my adherence": the status goes out as a new message, so the nudge (and its "I'm on it") stays. */
export const myStatus: ActionHandler = async (ctx, request) => {
    const own = ownCard(ctx, request);
    if ('refused' in own) return own.refused;
    return { card: await ctx.status.ownStatus(own.me), asNewMessage: true, message: 'Your adherence is below.' };
};

/** "I'm on it": the engine records the agent's acknowledgement; the nudge is replaced by its thanks. */
export const ackNudge: ActionHandler = async (ctx, request) => {
    const own = ownCard(ctx, request);
    if ('refused' in own) return own.refused;
    const { action } = request;
    const result = await ctx.engine.acknowledgeNudge(action.userId, action.episodeId);
    // "I'm on it" after the agent is already back: no refusal, just their own (good) news.
    if (!result.ok && result.reason === 'no-open-episode')
        return { card: await ctx.status.ownStatus(own.me, "You're back in adherence. Thanks for sorting it out!") };
    if (!result.ok) return ctx.refuse(result.reason);
    const state = result.record.state;
    if (state.status === 'adherent') return { card: await ctx.status.ownStatus(own.me) };
    return { card: ctx.cards.nudge(state.episode, true) };
};
