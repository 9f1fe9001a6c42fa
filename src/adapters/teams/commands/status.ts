import type { CommandHandler } from '../HandlerContext';
import { LOOKUP_FAILED_TEXT } from '../replies';
import { routingRows } from './subscriptions';

/**
 * `status`: in a channel or group chat, who is drifting now in its subscribed units that the actor supervises, and
 * where those units' alerts go (on-shift routing);
 * otherwise (or for anyone else) the actor's own adherence.
 */
export const status: CommandHandler = async (ctx, actor) => {
    if (actor.kind !== 'personal') {
        const units: string[] = [];
        for (const u of await ctx.store.unitsOf(actor.conversationId))
            if (await ctx.auth.supervises(actor, u)) units.push(u);
        if (units.length > 0)
            return { card: await ctx.status.driftingNow(units, await routingRows(ctx, units, actor.conversationId)) };
    }
    const genesysUserId = (await ctx.store.userByTeamsId(actor.teamsUserId))?.genesysUserId;
    if (!genesysUserId) return ctx.refuse('unknown-user', actor.lookupFailed ? LOOKUP_FAILED_TEXT : undefined);
    return { card: await ctx.status.ownStatus(genesysUserId) };
};
