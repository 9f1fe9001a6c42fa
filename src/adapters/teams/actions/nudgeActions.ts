import type { ExplanationInput } from '../../../domain/adherence/explanationTransitions';
import { BACK_IN_MINUTES, MAX_NOTE_LENGTH, OTHER_REASON } from '../explanationCardData';
import type { ActionHandler, ActionRequest, CardAction, HandlerContext, Reply } from '../HandlerContext';
import { LOOKUP_FAILED_TEXT } from '../replies';

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
    return { card: ctx.cards.nudge(state.episode, { acknowledged: true }) };
};

/** The Explain inputs checked against the configured reasons, or what is wrong with them (shown to the agent). */
function explanationOf(action: CardAction, reasons: readonly string[]): ExplanationInput | string {
    const reason = typeof action.reason === 'string' ? action.reason.trim() : '';
    if (!reasons.includes(reason)) return `Please pick one of the reasons: ${reasons.join(', ')}. Nothing was sent.`;
    const note = typeof action.note === 'string' ? action.note.trim() : '';
    if (note.length > MAX_NOTE_LENGTH)
        return `Please keep the note under ${MAX_NOTE_LENGTH} characters. Nothing was sent.`;
    if (reason === OTHER_REASON && !note) return 'Please add a short note when you pick Other. Nothing was sent.';
    const input: ExplanationInput = { reason };
    if (note) input.note = note;
    const backIn = action.backIn === undefined || action.backIn === '' ? undefined : Number(action.backIn);
    if (backIn !== undefined) {
        if (!(BACK_IN_MINUTES as readonly number[]).includes(backIn))
            return `"Back in" must be one of ${BACK_IN_MINUTES.join(', ')} minutes. Nothing was sent.`;
        input.backInMinutes = backIn;
    }
    return input;
}

/**
 * "Explain" on the nudge: the agent's reason (one of the configured ones; `Other` with a note) and an optional "back
 * in N min" go to the engine, which records them in Genesys and shows them on the alert card; the nudge says it was
 * sent, privately.
 */
export const explain: ActionHandler = async (ctx, request) => {
    const own = ownCard(ctx, request);
    if ('refused' in own) return own.refused;
    const { action } = request;
    const input = explanationOf(action, ctx.explanationReasons);
    if (typeof input === 'string') return ctx.refuse('invalid-input', input);
    const result = await ctx.engine.explain(action.userId, action.episodeId, input);
    if (!result.ok && result.reason === 'no-open-episode')
        return {
            card: await ctx.status.ownStatus(own.me, "You're back in adherence, so there is nothing to explain.")
        };
    if (!result.ok) return ctx.refuse(result.reason);
    const state = result.record.state;
    if (state.status === 'adherent') return { card: await ctx.status.ownStatus(own.me) };
    return { card: ctx.cards.nudge(state.episode, { explanation: state.explanation }) };
};
