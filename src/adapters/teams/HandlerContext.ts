import type { RefusalReason } from '../../domain/adherence/types';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../kit/Logger';
import type { AdaptiveCardJson } from '../../cards/renderCard';
import type { SignedActionData } from './ActionSigner';
import type { Authorization } from './Authorization';
import type { BotStore, ConversationKind } from './BotStore';
import type { NotificationCards } from './NotificationCards';
import type { DirectoryPort, EngineActions } from './ports';
import type { ShiftRouting } from './ShiftRouting';
import type { StatusCards } from './StatusCards';

/** Who is acting, and where. */
export interface Actor {
    teamsUserId: string;
    aadObjectId?: string;
    name?: string;
    conversationId: string;
    kind: ConversationKind;
    /** The Genesys user directory could not be asked who this is (this turn); refusals for an unknown user say so. */
    lookupFailed?: boolean;
}

/** What to show: a card; for refusals also the plain message (an invoke answers with it, keeping the card). */
export interface Reply {
    card: AdaptiveCardJson;
    refused?: BotRefusal;
    message?: string;
    /**
     * Post `card` as a new message and leave the clicked card as it is (a card action answers with `message`).
     * Otherwise a card action's answer replaces the clicked card.
     */
    asNewMessage?: boolean;
}

/** Why the bot refused an action or command: every refusal is visible to the user and counted. */
export type BotRefusal =
    | 'forged'
    | 'not-supervisor'
    | 'self-action'
    | 'not-own'
    | 'unknown-user'
    | 'unknown-verb'
    | 'invalid-input'
    | 'not-subscribed'
    | RefusalReason;

/** What every command and card-action handler works with (built once by `BotService`). */
export interface HandlerContext {
    engine: EngineActions;
    store: BotStore;
    clock: Clock;
    auth: Authorization;
    /** Nudge and alert cards, built as delivery builds them. */
    cards: NotificationCards;
    status: StatusCards;
    directory?: DirectoryPort;
    /** On-shift routing (subscriptions with hours); refreshed after `subscribe`/`unsubscribe`. */
    routing?: ShiftRouting;
    /** Renders the drift report card for the given units (every unit when empty); absent: no report here. */
    report?(days: number, managementUnitIds: string[]): Promise<AdaptiveCardJson>;
    /** Longest approved-overtime window accepted, ms. */
    maxOvertimeMs: number;
    /** The reasons the nudge's Explain offers (`ADHERENCE_EXPLANATION_REASONS`). */
    explanationReasons: readonly string[];
    /** A visible, counted, logged refusal; `text` replaces the reason's default wording. */
    refuse(reason: BotRefusal, text?: string): Reply;
    logger?: Logger;
}

/** A chat command; `arg` is the text after the command word. */
export type CommandHandler = (ctx: HandlerContext, actor: Actor, arg: string) => Promise<Reply>;

/**
 * The data of a card action whose signature was verified, with the card's inputs (not signed, checked by the handler):
 * `until` (the chosen overtime end, epoch ms); `reason`, `note`, `backIn` (the nudge's Explain).
 */
export type CardAction = SignedActionData & { until?: unknown; reason?: unknown; note?: unknown; backIn?: unknown };

/** A verified card action, with the actor's Genesys user id (when mapped) and the time it arrived, epoch ms. */
export interface ActionRequest {
    actor: Actor;
    action: CardAction;
    me: string | undefined;
    now: number;
}

/** The handler of one card-action verb. */
export type ActionHandler = (ctx: HandlerContext, request: ActionRequest) => Promise<Reply>;
