import { TeamsInfo, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../kit/Logger';
import type { BotService } from './BotService';
import type { BotStore, ConversationKind, ConversationRef } from './BotStore';
import type { Actor } from './HandlerContext';

export interface TurnActorDeps {
    service: Pick<BotService, 'identifyChecked' | 'noteName'>;
    store: BotStore;
    clock: Clock;
    logger: Logger;
}

/**
 * Who acts in this turn, and where; on the way the conversation reference is stored (personal chat per user,
 * channel or group chat per conversation), an unknown user is looked up in the roster and mapped to Genesys, and
 * the display name is noted.
 */
export async function turnActor(context: TurnContext, deps: TurnActorDeps): Promise<Actor> {
    const { service, store, clock, logger } = deps;
    const activity = context.activity;
    const kind = kindOf(activity);
    const reference = toRef(TurnContext.getConversationReference(activity));
    const conversationId = baseConversationId(activity.conversation.id);
    reference.conversation.id = conversationId;
    const stored = { kind, reference, savedAt: clock.now() };
    if (kind === 'personal') {
        await store.savePersonal(activity.from.id, stored);
    } else {
        await store.saveConversation(conversationId, stored);
    }
    const actor: Actor = { teamsUserId: activity.from.id, conversationId, kind };
    if (activity.from.aadObjectId) actor.aadObjectId = activity.from.aadObjectId;
    if (activity.from.name) actor.name = activity.from.name;
    const known = await store.userByTeamsId(activity.from.id);
    let genesysUserId = known?.genesysUserId;
    if (!known && activity.from.role !== 'bot') {
        let member: { email?: string; userPrincipalName?: string; aadObjectId?: string; name?: string } = {};
        try {
            member = await TeamsInfo.getMember(context, activity.from.id);
        } catch (error) {
            logger.warn({ err: String(error) }, 'roster look-up failed; mapping by id only');
        }
        const found = await service.identifyChecked({
            teamsUserId: activity.from.id,
            aadObjectId: member.aadObjectId ?? activity.from.aadObjectId,
            name: member.name ?? activity.from.name,
            email: member.email,
            userPrincipalName: member.userPrincipalName
        });
        genesysUserId = found.genesysUserId;
        if (found.lookupFailed) {
            actor.lookupFailed = true;
            logger.warn({}, 'Genesys user look-up failed; answering with what is known');
        }
    }
    // The personal chat was just stored: an agent reported once as unreachable is reported again if it goes.
    if (genesysUserId && kind === 'personal') await store.clearReported(`no-personal:${genesysUserId}`);
    service.noteName(actor.aadObjectId ?? actor.teamsUserId, actor.name);
    return actor;
}

function kindOf(activity: Activity): ConversationKind {
    const type = activity.conversation?.conversationType;
    if (type === 'channel') return 'channel';
    if (type === 'groupChat' || activity.conversation?.isGroup) return 'groupChat';
    return 'personal';
}

/** Channel replies arrive as `19:…;messageid=…`: the channel itself is the part before `;`. */
function baseConversationId(id: string): string {
    return id.split(';')[0];
}

function toRef(r: Partial<ConversationReference>): ConversationRef {
    const ref: ConversationRef = {
        channelId: r.channelId ?? 'msteams',
        serviceUrl: r.serviceUrl ?? '',
        conversation: { id: r.conversation?.id ?? '' }
    };
    if (r.conversation?.conversationType) ref.conversation.conversationType = r.conversation.conversationType;
    if (r.conversation?.tenantId) ref.conversation.tenantId = r.conversation.tenantId;
    if (r.conversation?.isGroup !== undefined) ref.conversation.isGroup = r.conversation.isGroup;
    if (r.bot) ref.bot = { id: r.bot.id, name: r.bot.name };
    if (r.user) ref.user = { id: r.user.id, name: r.user.name, aadObjectId: r.user.aadObjectId };
    if (r.locale) ref.locale = r.locale;
    return ref;
}
