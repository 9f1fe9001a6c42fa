import {
    ActivityTypes,
    CardFactory,
    ConfigurationServiceClientCredentialFactory,
    MessageFactory,
    TeamsInfo,
    TurnContext,
    type Activity,
    type ConversationReference
} from 'botbuilder';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { AdaptiveCardJson } from '../../cards/renderCard';
import { deliveryErrorFromStatus, DeliveryError } from './delivery/DeliveryError';
import type { Logger } from '../../kit/Logger';
import type { BotService } from './BotService';
import type { Actor } from './HandlerContext';
import type { BotStore, ConversationKind, ConversationRef } from './BotStore';
import type { ConversationSender } from './delivery/TeamsDeliverer';

/** Bot Framework credentials (Toolkit names). Empty `appId` disables authentication: sandbox/test only. */
export interface BotCredentials {
    appId: string;
    appPassword: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
}

export interface TeamsBot {
    /** Hand an HTTP request to botbuilder (it validates the Bot Framework token when an app id is set). */
    process(req: unknown, res: unknown): Promise<void>;
    sender: ConversationSender;
}

/**
 * The Teams edge: a botbuilder CloudAdapter (teams-ai `TeamsAdapter`) and a teams-ai `Application` whose routes
 * capture conversation references and hand commands and card actions to {@link BotService}. Every botbuilder and
 * teams-ai import of the product lives in this folder.
 */
export function createTeamsBot(options: {
    credentials: BotCredentials;
    service: BotService;
    store: BotStore;
    logger: Logger;
}): TeamsBot {
    const { credentials, service, store, logger } = options;
    const adapter = new TeamsAdapter(
        {},
        new ConfigurationServiceClientCredentialFactory({
            MicrosoftAppId: credentials.appId,
            MicrosoftAppPassword: credentials.appPassword,
            MicrosoftAppType: credentials.appType,
            MicrosoftAppTenantId: credentials.tenantId
        })
    );
    adapter.onTurnError = async (context, error) => {
        logger.error(
            { err: error instanceof Error ? error.message : String(error), activityType: context.activity.type },
            'turn failed'
        );
        if (context.activity.type === ActivityTypes.Message) {
            await context.sendActivity('Sorry, something went wrong on my side. Please try again in a moment.');
        }
    };
    const app = new Application<TurnState>({
        adapter,
        botAppId: credentials.appId,
        startTypingTimer: false,
        removeRecipientMention: true,
        longRunningMessages: false
    });

    async function capture(context: TurnContext): Promise<Actor> {
        const activity = context.activity;
        const kind = kindOf(activity);
        const reference = toRef(TurnContext.getConversationReference(activity));
        const conversationId = baseConversationId(activity.conversation.id);
        reference.conversation.id = conversationId;
        const stored = { kind, reference, savedAt: Date.now() };
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
            genesysUserId = await service.identify({
                teamsUserId: activity.from.id,
                aadObjectId: member.aadObjectId ?? activity.from.aadObjectId,
                name: member.name ?? activity.from.name,
                email: member.email,
                userPrincipalName: member.userPrincipalName
            });
        }
        // The personal chat was just stored: an agent reported once as unreachable is reported again if it goes.
        if (genesysUserId && kind === 'personal') await store.clearReported(`no-personal:${genesysUserId}`);
        service.noteName(actor.aadObjectId ?? actor.teamsUserId, actor.name);
        return actor;
    }

    app.activity(ActivityTypes.InstallationUpdate, async (context) => {
        const actor = await capture(context);
        const action = (context.activity as Activity & { action?: string }).action ?? 'add';
        if (action.startsWith('add') && actor.kind === 'personal')
            await sendCard(context, service.help('Hi! I will let you know privately when your adherence drifts.'));
    });
    app.conversationUpdate('membersAdded', async (context) => {
        await capture(context);
    });
    // Every message activity, not `app.message(/.*/)`: teams-ai matches a RegExp only when `activity.text` is set, so an
    // Action.Submit fallback (data in `value`, no text) or a text-less message would get no answer at all.
    app.activity(ActivityTypes.Message, async (context) => {
        const actor = await capture(context);
        const value = context.activity.value as Record<string, unknown> | undefined;
        const reply =
            value && typeof value.verb === 'string'
                ? await service.action(actor, value)
                : await service.command(actor, context.activity.text ?? '');
        await sendCard(context, reply.card);
    });
    app.adaptiveCards.actionExecute(/.*/, async (context, _state, data: Record<string, unknown>) => {
        const actor = await capture(context);
        // The invoke's verb is authoritative: a card cannot carry one verb and signed data for another.
        const verb = (context.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb;
        const reply = await service.action(actor, { ...data, verb: verb ?? data.verb });
        if (reply.asNewMessage) {
            // A string answer keeps the clicked card as it is; the card goes out as its own message.
            await sendCard(context, reply.card);
            return reply.message ?? 'Done.';
        }
        return reply.message ?? (reply.card as AdaptiveCardJson & { type: 'AdaptiveCard' });
    });

    /**
     * Run one proactive operation. botbuilder routes errors thrown inside a continuation to `onTurnError`, so the
     * failure is caught inside the callback and rethrown here as a {@link DeliveryError} for the outbox.
     */
    async function proactive<T>(reference: ConversationRef, op: (ctx: TurnContext) => Promise<T>): Promise<T> {
        let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
        try {
            await adapter.continueConversationAsync(
                credentials.appId,
                reference as Partial<ConversationReference>,
                async (ctx) => {
                    try {
                        result = { ok: true, value: await op(ctx) };
                    } catch (error) {
                        result = { ok: false, error };
                    }
                }
            );
        } catch (error) {
            throw toDeliveryError(error);
        }
        if (!result) throw new DeliveryError('TEAMS_NETWORK', 'proactive turn did not run', true);
        if (!result.ok) throw toDeliveryError(result.error);
        return result.value;
    }

    const sender: ConversationSender = {
        send: (reference, card) =>
            proactive(reference, async (ctx) => {
                const res = await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
                return res?.id ?? '';
            }),
        update: (reference, activityId, card) =>
            proactive(reference, async (ctx) => {
                const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
                activity.id = activityId;
                await ctx.updateActivity(activity);
            })
    };

    return {
        process: (req, res) =>
            adapter.process(req as never, res as never, async (context) => {
                await app.run(context);
            }),
        sender
    };
}

async function sendCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
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

/** botbuilder (core-rest-pipeline `RestError`) → {@link DeliveryError}. */
function toDeliveryError(error: unknown): DeliveryError {
    if (error instanceof DeliveryError) return error;
    const e = error as {
        statusCode?: number;
        response?: { status?: number; headers?: { get?(n: string): string | undefined } };
    };
    const status = e?.statusCode ?? e?.response?.status;
    const retryAfter = e?.response?.headers?.get?.('retry-after');
    return deliveryErrorFromStatus(status, retryAfter ?? null, Date.now());
}
