import type { CommandHandler } from '../HandlerContext';
import { notice, usage } from '../replies';

/** `subscribe <unit name or id>` (a configured supervisor of the unit, in a channel): the unit's alerts go here. */
export const subscribe: CommandHandler = async (ctx, actor, arg) => {
    if (actor.kind === 'personal')
        return usage(
            'Subscribe',
            'Use subscribe in the team channel that should receive the alerts (e.g. @adherence subscribe Sales).'
        );
    if (arg === '') return usage('Subscribe', 'Usage: subscribe <management unit name or id>');
    let unit: { id: string; name: string } | undefined;
    try {
        unit = ctx.directory?.findUnit ? await ctx.directory.findUnit(arg) : { id: arg, name: arg };
    } catch (error) {
        ctx.logger?.warn({ err: String(error) }, 'Genesys unit look-up failed');
        return usage(
            'Subscribe',
            `I couldn't reach Genesys to check the unit "${arg.slice(0, 60)}" just now. Nothing was changed; please try again in a minute.`
        );
    }
    if (!unit) return usage('Subscribe', `I can't find a management unit called "${arg.slice(0, 60)}".`);
    if (!ctx.auth.isConfiguredSupervisor(actor, unit.id)) return ctx.refuse('not-supervisor');
    await ctx.store.subscribe(unit.id, actor.conversationId);
    // A missing channel for this unit is reported again if it ever goes missing again.
    await ctx.store.clearReported(`no-channel:${unit.id}`);
    ctx.logger?.info({ managementUnitId: unit.id, conversationId: actor.conversationId }, 'unit subscribed');
    return { card: notice('Subscribed', `Alerts for ${unit.name} will be posted here.`, 'Good') };
};

/** `unsubscribe` (a configured supervisor of every unit subscribed here): no more alerts in this conversation. */
export const unsubscribe: CommandHandler = async (ctx, actor) => {
    const units = await ctx.store.unitsOf(actor.conversationId);
    for (const u of units) if (!ctx.auth.isConfiguredSupervisor(actor, u)) return ctx.refuse('not-supervisor');
    await ctx.store.unsubscribe(actor.conversationId);
    return {
        card: notice(
            'Unsubscribed',
            units.length === 0
                ? 'This conversation had no subscriptions.'
                : `No more alerts here for ${units.join(', ')}.`,
            'Default'
        )
    };
};
