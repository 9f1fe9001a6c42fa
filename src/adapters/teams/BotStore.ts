import type { Episode } from '../../domain/adherence/types';
import type { DeliveryClaims } from './delivery/ports';
import type { AlertFacts } from './cardData';

/** A Bot Framework conversation reference as JSON (the fields `continueConversationAsync` needs). */
export interface ConversationRef {
    activityId?: string;
    bot?: { id: string; name?: string };
    user?: { id: string; name?: string; aadObjectId?: string };
    conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
    channelId: string;
    serviceUrl: string;
    locale?: string;
}

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

export interface StoredConversation {
    kind: ConversationKind;
    reference: ConversationRef;
    /** Epoch ms. */
    savedAt: number;
}

/** A Teams user as the bot knows them, with the Genesys user they map to. */
export interface TeamsUser {
    teamsUserId: string;
    aadObjectId?: string;
    email?: string;
    name?: string;
    genesysUserId: string;
}

/** The supervisor alert card posted for an episode, so every later change updates it in place. */
export interface StoredAlert {
    conversationId: string;
    activityId: string;
    episode: Episode;
    /** What the card shows beyond the episode; every change is merged in. */
    facts: AlertFacts;
}

/**
 * Everything the Teams side remembers: conversation references (per user for 1:1 chats, per conversation for
 * channels and group chats), the Teams ↔ Genesys user mapping, unit subscriptions, alert card ids per episode,
 * display names of the people who act on cards, "reported once" markers and the per-key delivery claims of the outbox. Memory and Redis implementations.
 */
export interface BotStore extends DeliveryClaims {
    savePersonal(teamsUserId: string, conversation: StoredConversation): Promise<void>;
    getPersonal(teamsUserId: string): Promise<StoredConversation | undefined>;
    dropPersonal(teamsUserId: string): Promise<void>;

    saveConversation(conversationId: string, conversation: StoredConversation): Promise<void>;
    getConversation(conversationId: string): Promise<StoredConversation | undefined>;
    dropConversation(conversationId: string): Promise<void>;

    saveUser(user: TeamsUser): Promise<void>;
    userByGenesysId(genesysUserId: string): Promise<TeamsUser | undefined>;
    userByTeamsId(teamsUserId: string): Promise<TeamsUser | undefined>;

    /** Route a unit's alerts to a conversation (one conversation per unit; the last subscribe wins). */
    subscribe(managementUnitId: string, conversationId: string): Promise<void>;
    /** Remove every subscription of a conversation; returns the units it had. */
    unsubscribe(conversationId: string): Promise<string[]>;
    subscriptionOf(managementUnitId: string): Promise<string | undefined>;
    unitsOf(conversationId: string): Promise<string[]>;

    saveAlert(episodeId: string, alert: StoredAlert): Promise<void>;
    getAlert(episodeId: string): Promise<StoredAlert | undefined>;

    /** Remember a person's display name by the id cards store for them (AAD object id or Teams id). */
    saveName(id: string, name: string): Promise<void>;
    /** Display names of the given ids that are known (missing ids are absent from the map). */
    namesOf(ids: readonly string[]): Promise<Map<string, string>>;

    /** True the first time `marker` is reported (until {@link BotStore.clearReported}). */
    reportOnce(marker: string): Promise<boolean>;
    clearReported(marker: string): Promise<void>;

    close(): Promise<void>;
}
