import { ACTIVITY_CATEGORIES } from '../../../domain/adherence/types';
import type { CommandHandler } from '../HandlerContext';
import { notice, usage } from '../replies';

/** `exclude <category>` and `include <category>` (a configured supervisor): change the policy's excluded categories. */
function exclusion(excluded: boolean): CommandHandler {
    const word = excluded ? 'exclude' : 'include';
    return async (ctx, actor, arg) => {
        const category = ACTIVITY_CATEGORIES.find((c) => c.toLowerCase() === arg.toLowerCase());
        if (!category)
            return usage(
                excluded ? 'Exclude' : 'Include',
                `Usage: ${word} <category>, one of ${ACTIVITY_CATEGORIES.join(', ')}.`
            );
        if (!ctx.auth.isConfiguredSupervisor(actor, undefined)) return ctx.refuse('not-supervisor');
        await ctx.engine.setExcluded(category, excluded);
        const now = [...ctx.engine.getPolicy().excludedCategories].sort().join(', ') || 'none';
        return {
            card: notice(
                'Policy updated',
                `${category} ${excluded ? 'will no longer' : 'will again'} trigger alerts. Excluded now: ${now}.`,
                'Good'
            )
        };
    };
}

/** `exclude <category>`: never alert for a scheduled activity category. */
export const exclude: CommandHandler = exclusion(true);

/** `include <category>`: alert again for a category. */
export const include: CommandHandler = exclusion(false);
