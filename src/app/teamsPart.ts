import type { AdherenceEngine } from '../engine/AdherenceEngine';
import type { AgentStateStore } from '../engine/ports';
import { ActionSigner } from '../adapters/teams/ActionSigner';
import { BotService } from '../adapters/teams/BotService';
import type { DirectoryPort, SchedulePort } from '../adapters/teams/ports';
import { DisplayNames } from '../adapters/teams/DisplayNames';
import { NotificationCards } from '../adapters/teams/NotificationCards';
import type { BotStore } from '../adapters/teams/BotStore';
import type { ShiftRouting } from '../adapters/teams/ShiftRouting';
import { TeamsDeliverer } from '../adapters/teams/delivery/TeamsDeliverer';
import { createTeamsBot, type TeamsBot } from '../adapters/teams/bot';
import type { TeamsConfig } from '../adapters/teams/teamsConfig';
import type { AdaptiveCardJson } from '../cards/renderCard';
import type { AppContext } from './appContext';

export interface TeamsPartDeps {
    engine: AdherenceEngine;
    botStore: BotStore;
    agentStore: AgentStateStore;
    directory: DirectoryPort | undefined;
    /** The agents' schedules (the Genesys schedule cache), for their own `status`. */
    schedule?: SchedulePort;
    /** On-shift routing of the alerts. */
    routing?: ShiftRouting;
    /** The `report [days]` card. */
    report(days: number, managementUnitIds: string[]): Promise<AdaptiveCardJson>;
}

export interface TeamsPart {
    /** The inbound side: Bot Framework requests to the command and card handlers. */
    bot: TeamsBot;
    /** The outbound side: routes and sends the outbox's notifications. */
    deliverer: TeamsDeliverer;
}

/** The Teams bot (commands, card actions, signed action data) and the deliverer of its proactive messages. */
export function createTeamsPart(config: TeamsConfig, deps: TeamsPartDeps, ctx: AppContext): TeamsPart {
    const { logger, metrics } = ctx;
    const signer = config.actionSigningSecret
        ? new ActionSigner(config.actionSigningSecret.reveal())
        : ActionSigner.random();
    const store = deps.agentStore;
    const cards = new NotificationCards({
        names: new DisplayNames({ store: deps.botStore, directory: deps.directory, logger }),
        signer,
        clock: ctx.clock,
        timeZone: config.timeZone,
        explanationReasons: config.explanationReasons
    });
    const service = new BotService({
        engine: deps.engine,
        store: deps.botStore,
        signer,
        clock: ctx.clock,
        directory: deps.directory,
        routing: deps.routing,
        schedule: deps.schedule,
        cards,
        readLog: (q) => store.readLog(q),
        report: deps.report,
        supervisors: config.supervisors,
        channelMembersSupervise: config.channelMembersSupervise,
        userOverrides: config.userOverrides,
        timeZone: config.timeZone,
        explanationReasons: config.explanationReasons,
        onRefusal: (reason) => metrics.refusals.inc({ reason }),
        logger
    });
    const bot = createTeamsBot({
        credentials: {
            appId: config.botId,
            appPassword: config.botPassword.reveal(),
            appType: config.botType,
            tenantId: config.botTenantId,
            openIdMetadataUrl: config.botOpenIdMetadataUrl
        },
        service,
        store: deps.botStore,
        clock: ctx.clock,
        logger
    });
    const deliverer = new TeamsDeliverer(
        deps.botStore,
        bot.sender,
        cards,
        {
            noPersonalConversation: () => metrics.noPersonalConversation.inc(),
            noAlertChannel: () => metrics.noAlertChannel.inc(),
            referenceDropped: (kind) => metrics.referencesDropped.inc({ kind })
        },
        logger,
        deps.routing
    );
    return { bot, deliverer };
}
