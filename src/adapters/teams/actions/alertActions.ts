import type { AgentRecord } from '../../../domain/adherence/types';
import type { ActionResult } from '../../../engine/AdherenceEngine';
import type { AdaptiveCardJson } from '../../../cards/renderCard';
import { factsFromRecord, SNOOZE_MINUTES } from '../cardData';
import type { ActionHandler, ActionRequest, BotRefusal, HandlerContext } from '../HandlerContext';
import { LOOKUP_FAILED_TEXT, notice } from '../replies';

/** The engine's answer, or a refusal of the handler's own (input checked after authorization). */
type Outcome = ActionResult | { ok: false; reason: BotRefusal };

/**
 * A supervisor's button on an alert card. Only a supervisor of the agent's unit may act, never the agent; when the
 * actor's Genesys id is unknown only a configured supervisor may. The actor's display name is stored before the
 * engine commits (any instance may render the updated card at once); the answer is the updated alert card.
 */
function alertAction(
    act: (ctx: HandlerContext, request: ActionRequest, by: string) => Promise<Outcome>
): ActionHandler {
    return async (ctx, request) => {
        const { actor, action, me } = request;
        const record = ctx.engine.agent(action.userId);
        if (!record) return ctx.refuse('unknown-agent');
        if (await ctx.auth.isSelf(actor, me, action.userId)) return ctx.refuse('self-action');
        // Without the actor's Genesys id the self check above proves nothing (directory down, no e-mail match):
        // only a configured supervisor of the unit may act then, never a mere channel member.
        if (!me && !ctx.auth.isConfiguredSupervisor(actor, record.managementUnitId))
            return ctx.refuse(
                'unknown-user',
                actor.lookupFailed
                    ? LOOKUP_FAILED_TEXT
                    : "I can't match your Teams account to a Genesys user yet, so I can't act on alerts for you. " +
                          'Ask an administrator to map your account. Nothing was changed.'
            );
        if (!(await ctx.auth.supervises(actor, record.managementUnitId))) return ctx.refuse('not-supervisor');
        const by = actor.aadObjectId ?? actor.teamsUserId;
        if (actor.name)
            await ctx.cards.names
                .remember(by, actor.name)
                .catch((error: unknown) => ctx.logger?.warn({ err: String(error) }, 'could not store a display name'));
        const result = await act(ctx, request, by);
        if (!result.ok) return ctx.refuse(result.reason);
        return { card: await alertAfterAction(ctx, result.record, action.episodeId) };
    };
}

/** The alert card of `episodeId` as of the agent's record (the stored card when the episode has ended). */
async function alertAfterAction(
    ctx: HandlerContext,
    record: AgentRecord,
    episodeId: string
): Promise<AdaptiveCardJson> {
    const state = record.state;
    if (state.status !== 'adherent' && state.episode.id === episodeId)
        return ctx.cards.alert(state.episode, factsFromRecord(record, episodeId));
    const stored = await ctx.store.getAlert(episodeId);
    if (stored) return ctx.cards.alert(stored.episode, stored.facts);
    return notice('Alert', 'This episode has ended.', 'Good');
}

/** "Acknowledge". */
export const acknowledge: ActionHandler = alertAction((ctx, { action }, by) =>
    ctx.engine.acknowledge(action.userId, action.episodeId, by)
);

/** "Snooze" for one of the offered lengths ({@link SNOOZE_MINUTES}). */
export const snooze: ActionHandler = alertAction(async (ctx, { action, now }, by) => {
    const minutes = Number(action.minutes);
    if (!(SNOOZE_MINUTES as readonly number[]).includes(minutes)) return { ok: false, reason: 'invalid-input' };
    return ctx.engine.snooze(action.userId, action.episodeId, now + minutes * 60_000, by);
});

/** "Mark approved overtime" until a time in the future, at most `maxOvertimeMs` ahead. */
export const approveOvertime: ActionHandler = alertAction(async (ctx, { action, now }, by) => {
    const until = Number(action.until);
    if (!Number.isFinite(until) || until <= now || until > now + ctx.maxOvertimeMs)
        return { ok: false, reason: 'invalid-until' };
    return ctx.engine.approveOvertime(action.userId, until, by, action.episodeId);
});

/** "Approve explanation": the ladder ends, Genesys is told (Explained follows), the agent hears kindly. */
export const approveExplanation: ActionHandler = alertAction((ctx, { action }, by) =>
    ctx.engine.decideExplanation(action.userId, action.episodeId, 'Approved', by)
);

/** "Deny explanation": the ladder keeps running, Genesys is told, the agent hears kindly. */
export const denyExplanation: ActionHandler = alertAction((ctx, { action }, by) =>
    ctx.engine.decideExplanation(action.userId, action.episodeId, 'Denied', by)
);
