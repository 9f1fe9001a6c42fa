import {
    ActivityTypes,
    CardFactory,
    ConfigurationServiceClientCredentialFactory,
    MessageFactory,
    type Activity,
    type TurnContext
} from 'botbuilder';
import { Application, type TurnState } from '@microsoft/teams-ai';
import type { Clock } from '../../domain/clock';
import type { AdaptiveCardJson } from '../../cards/renderCard';
import type { Logger } from '../../kit/Logger';
import type { BotService } from './BotService';
import type { BotStore } from './BotStore';
import { createBotEdge, EdgeAdapter, type BotRequest, type BotResponse } from './botEdge';
import { createProactiveSender } from './delivery/proactiveSender';
import type { ConversationSender } from './delivery/TeamsDeliverer';
import { turnActor } from './turnActor';

/** Bot Framework credentials (Toolkit names). Empty `appId` disables authentication: sandbox/test only. */
export interface BotCredentials {
    appId: string;
    appPassword: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
    /**
     * Where the signing keys of Bot Framework tokens are published (OpenID metadata). Unset: Microsoft's public
     * cloud (botbuilder's default). Tests point it at a local issuer.
     */
    openIdMetadataUrl?: string;
}

export interface TeamsBot {
    /**
     * Answers a `POST /api/messages`: authenticates the Bot Framework token when an app id is set (401 before the body
     * is looked at), validates the activity (400), then runs the turn.
     */
    process(req: BotRequest, res: BotResponse): Promise<void>;
    /** Posts and updates cards proactively (the outbox's sends). */
    sender: ConversationSender;
}

export interface TeamsBotOptions {
    credentials: BotCredentials;
    service: BotService;
    store: BotStore;
    /** Stamps stored conversation references and reads `Retry-After` dates. */
    clock: Clock;
    logger: Logger;
}

/**
 * The Teams edge: a botbuilder CloudAdapter (teams-ai `TeamsAdapter`) and a teams-ai `Application` whose routes
 * capture conversation references and hand commands and card actions to {@link BotService}. Every botbuilder and
 * teams-ai import of the product lives in this folder.
 */
export function createTeamsBot(options: TeamsBotOptions): TeamsBot {
    const { credentials, logger } = options;
    const adapter = new EdgeAdapter(
        authOptions(credentials.openIdMetadataUrl),
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
        try {
            await apologise(context);
        } catch (replyError) {
            logger.warn(
                { err: replyError instanceof Error ? replyError.message : String(replyError) },
                'error reply failed'
            );
        }
    };
    const app = new Application<TurnState>({
        adapter,
        botAppId: credentials.appId,
        startTypingTimer: false,
        removeRecipientMention: true,
        longRunningMessages: false
    });
    addRoutes(app, options);
    const process = createBotEdge({
        adapter,
        logic: async (context) => {
            await app.run(context);
        },
        logger,
        clock: options.clock
    });
    return {
        process,
        sender: createProactiveSender(adapter, credentials.appId, options.clock)
    };
}

/**
 * botbuilder's authentication settings: its public-cloud defaults, or the same with another OpenID metadata URL. Once
 * one setting is given botbuilder takes none of its defaults (botframework-connector
 * `botFrameworkAuthenticationFactory.js:34`), so the public-cloud values are repeated here
 * (`authenticationConstants.js:19-43`, `callerIdConstants.js:20`).
 */
function authOptions(openIdMetadataUrl: string | undefined): Record<string, string> {
    if (!openIdMetadataUrl) return {};
    return {
        ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
        ToChannelFromBotOAuthScope: 'https://api.botframework.com',
        ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
        OAuthUrl: 'https://api.botframework.com',
        CallerId: 'urn:botframework:azure',
        ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
        ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadataUrl
    };
}

const SORRY = 'Sorry, something went wrong on my side. Please try again in a moment.';

/** After a failed turn: a message gets a short apology, a card action an answer saying so (instead of a 501). */
async function apologise(context: TurnContext): Promise<void> {
    if (context.activity.type === ActivityTypes.Message) await context.sendActivity(SORRY);
    if (context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action') {
        await context.sendActivity({
            type: ActivityTypes.InvokeResponse,
            value: {
                status: 200,
                body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: SORRY }
            }
        });
    }
}

/** Installs, member changes, messages (commands and Action.Submit) and Action.Execute invokes. */
function addRoutes(app: Application<TurnState>, options: TeamsBotOptions): void {
    const { service } = options;
    const capture = (context: TurnContext) => turnActor(context, options);
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
}

async function sendCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
