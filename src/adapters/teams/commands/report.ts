import type { Actor, CommandHandler, HandlerContext, Reply } from '../HandlerContext';
import { notice, usage } from '../replies';

/** `report [days]`: the drift report card (default 7 days, 1–90) for the units the actor may see here. */
export const report: CommandHandler = async (ctx, actor, arg) => {
    const days = arg === '' ? 7 : Number(arg);
    if (!Number.isInteger(days) || days < 1 || days > 90)
        return usage('Report', 'Usage: report [days], with days between 1 and 90.');
    if (!ctx.report)
        return { card: notice('Report', 'The drift report is not available in this deployment yet.', 'Default') };
    const scope = await reportScope(ctx, actor);
    if ('refused' in scope) return scope.refused;
    // The report provider reads an empty unit list as "every unit": only a `*` supervisor gets that.
    return { card: await ctx.report(days, scope.all ? [] : scope.units) };
};

/**
 * The units whose report `actor` may see here. In a channel or group chat: the units subscribed to it that the
 * actor supervises (nothing when the conversation is not subscribed). In a personal chat: the units the actor is a
 * configured supervisor of (`all` for a `*` supervisor); an agent who supervises nothing gets no report.
 */
async function reportScope(
    ctx: HandlerContext,
    actor: Actor
): Promise<{ all: boolean; units: string[] } | { refused: Reply }> {
    if (actor.kind !== 'personal') {
        const subscribed = await ctx.store.unitsOf(actor.conversationId);
        if (subscribed.length === 0) {
            return {
                refused: ctx.refuse(
                    'not-subscribed',
                    'This conversation is not subscribed to a management unit, so there is no report to show here. ' +
                        'A supervisor can subscribe it first with "@adherence subscribe <unit name or id>".'
                )
            };
        }
        const units: string[] = [];
        for (const u of subscribed) if (await ctx.auth.supervises(actor, u)) units.push(u);
        if (units.length === 0)
            return {
                refused: ctx.refuse(
                    'not-supervisor',
                    "Only a supervisor of this channel's units can see their drift report."
                )
            };
        return { all: false, units };
    }
    const units = ctx.auth.configuredUnits(actor);
    if (units.length === 0)
        return {
            refused: ctx.refuse(
                'not-supervisor',
                'The drift report is for supervisors. Type status to see your own adherence.'
            )
        };
    return units.includes('*') ? { all: true, units: [] } : { all: false, units };
}
