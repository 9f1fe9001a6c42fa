import { formatHours, splitHours } from '../../../domain/shiftHours';
import type { Actor, CommandHandler, HandlerContext, Reply } from '../HandlerContext';
import { notice, usage } from '../replies';

const USAGE =
    'Usage: subscribe <management unit name or id> [HH:MM-HH:MM [days]], e.g. subscribe Sales 06:00-14:00 mon-fri ' +
    "(hours in the unit's time zone; without hours: alerts at any time).";

/**
 * `subscribe <unit name or id> [HH:MM-HH:MM [days]]` (a configured supervisor of the unit, in a channel): the unit's
 * alerts go here, during the hours when given (on-shift routing), else at any time.
 */
export const subscribe: CommandHandler = async (ctx, actor, arg) => {
    if (actor.kind === 'personal')
        return usage(
            'Subscribe',
            'Use subscribe in the team channel that should receive the alerts (e.g. @adherence subscribe Sales).'
        );
    const escalation = /^(.*\S)\s+escalation(?:\s+(\d+))?$/i.exec(arg.trim());
    if (escalation) return subscribeEscalation(ctx, actor, escalation[1], Number(escalation[2] ?? 1));
    const { rest, hours, error } = splitHours(arg);
    if (error !== undefined) return usage('Subscribe', `${error} ${USAGE}`);
    if (rest === '') return usage('Subscribe', USAGE);
    const unit = await lookUpUnit(ctx, rest);
    if ('card' in unit) return unit;
    if (!ctx.auth.isConfiguredSupervisor(actor, unit.id)) return ctx.refuse('not-supervisor');
    await ctx.store.subscribe(unit.id, actor.conversationId, hours);
    await ctx.routing?.refresh();
    // A missing channel for this unit is reported again if it ever goes missing again.
    await ctx.store.clearReported(`no-channel:${unit.id}`);
    ctx.logger?.info(
        { managementUnitId: unit.id, conversationId: actor.conversationId, hours: hours && formatHours(hours) },
        'unit subscribed'
    );
    const when = hours ? ` from ${formatHours(hours)} (the unit's time zone)` : '';
    return { card: notice('Subscribed', `Alerts for ${unit.name} will be posted here${when}.`, 'Good') };
};

/** `subscribe <unit> escalation [level]`: alerts of the unit nobody acts on in time are escalated here (level 1 to 5). */
async function subscribeEscalation(ctx: HandlerContext, actor: Actor, arg: string, level: number): Promise<Reply> {
    if (!(level >= 1 && level <= 5)) return usage('Subscribe', 'The escalation level must be a number from 1 to 5.');
    const unit = await lookUpUnit(ctx, arg);
    if ('card' in unit) return unit;
    if (!ctx.auth.isConfiguredSupervisor(actor, unit.id)) return ctx.refuse('not-supervisor');
    await ctx.store.subscribeEscalation(unit.id, actor.conversationId, level);
    await ctx.routing?.refresh();
    await ctx.store.clearReported(`no-escalation:${unit.id}:${level}`);
    ctx.logger?.info(
        { managementUnitId: unit.id, conversationId: actor.conversationId, level },
        'escalation subscribed'
    );
    const which = level === 1 ? 'Alerts' : `Alerts still open after escalation level ${level - 1}`;
    return {
        card: notice(
            'Subscribed',
            `${which} of ${unit.name} that nobody acknowledges, snoozes or decides in time will be escalated here (level ${level}).`,
            'Good'
        )
    };
}

/** `unsubscribe` (a configured supervisor of every unit subscribed here): no more alerts in this conversation. */
export const unsubscribe: CommandHandler = async (ctx, actor) => {
    const units = await ctx.store.unitsOf(actor.conversationId);
    for (const u of units) if (!ctx.auth.isConfiguredSupervisor(actor, u)) return ctx.refuse('not-supervisor');
    await ctx.store.unsubscribe(actor.conversationId);
    await ctx.routing?.refresh();
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

/**
 * The on-shift routing of each unit, as `status` shows it in a channel: every subscription of the unit with its
 * hours, which one an alert would go to now, and when alerts are held.
 */
export async function routingRows(
    ctx: HandlerContext,
    units: readonly string[],
    here: string
): Promise<Array<{ label: string; value: string }>> {
    const now = ctx.clock.now();
    const rows: Array<{ label: string; value: string }> = [];
    for (const unit of units) {
        const subs = await ctx.store.subscriptionsOf(unit);
        const targets = ctx.routing?.targets(unit, subs, now);
        const current = targets !== undefined && 'conversationIds' in targets ? targets.conversationIds[0] : undefined;
        const parts: string[] = [];
        for (const s of subs) {
            const name = s.conversationId === here ? 'here' : await conversationName(ctx, s.conversationId);
            parts.push(
                `${name} ${s.hours ? formatHours(s.hours) : 'any time'}${s.conversationId === current ? ' (alerts now)' : ''}`
            );
        }
        if (targets !== undefined && 'opensAt' in targets) {
            const zone = ctx.routing!.calendarOf(unit).timeZone;
            parts.push(`nobody on shift now: alerts held until ${weekdayTime(targets.opensAt, zone)} (${zone})`);
        }
        rows.push({ label: `Alerts of ${unit}`, value: parts.join(' · ') || 'no channel' });
        const levels = [...((await ctx.store.allEscalations()).get(unit) ?? [])].sort(([a], [b]) => a - b);
        if (levels.length > 0) {
            const named: string[] = [];
            for (const [level, id] of levels)
                named.push(`level ${level}: ${id === here ? 'here' : await conversationName(ctx, id)}`);
            rows.push({ label: `Escalations of ${unit}`, value: named.join(' · ') });
        }
    }
    return rows;
}

async function conversationName(ctx: HandlerContext, conversationId: string): Promise<string> {
    const c = await ctx.store.getConversation(conversationId);
    return c?.reference.conversation.name ?? conversationId;
}

/** `Mon 06:00` in the zone. */
function weekdayTime(at: number, timeZone: string): string {
    return new Intl.DateTimeFormat('en-GB', {
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone
    })
        .format(at)
        .replace(',', '');
}

/** The unit a `subscribe` names (by name or id), or the answer when it is unknown or Genesys cannot be asked. */
async function lookUpUnit(ctx: HandlerContext, text: string): Promise<{ id: string; name: string } | Reply> {
    let unit: { id: string; name: string } | undefined;
    try {
        unit = ctx.directory?.findUnit ? await ctx.directory.findUnit(text) : { id: text, name: text };
    } catch (error) {
        ctx.logger?.warn({ err: String(error) }, 'Genesys unit look-up failed');
        return usage(
            'Subscribe',
            `I couldn't reach Genesys to check the unit "${text.slice(0, 60)}" just now. Nothing was changed; please try again in a minute.`
        );
    }
    return unit ?? usage('Subscribe', `I can't find a management unit called "${text.slice(0, 60)}".`);
}
