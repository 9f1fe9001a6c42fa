import type { Episode } from '../../domain/adherence/types';
import type { ShiftHours, Subscription } from '../../domain/shiftHours';
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

/** An escalation card of an episode: where it was posted (a conversation id), its activity id and its level. */
export interface EscalationCard {
    conversationId: string;
    activityId: string;
    level: number;
    /** Posted privately to this Teams user (`TEAMS_ESCALATE_TO`): the reference is their personal one. */
    teamsUserId?: string;
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

    /**
     * Route a unit's alerts to a conversation. Without `hours`: at any time, one conversation per unit (the last such
     * subscribe wins). With `hours`: during them, next to the others (a conversation has one subscription per unit;
     * subscribing again replaces its hours, or drops them).
     */
    subscribe(managementUnitId: string, conversationId: string, hours?: ShiftHours): Promise<void>;
    /** Remove every subscription of a conversation; returns the units it had. */
    unsubscribe(conversationId: string): Promise<string[]>;
    /** The unit's subscription without hours (at any time), if any. */
    subscriptionOf(managementUnitId: string): Promise<string | undefined>;
    /** Every subscription of the unit: the one without hours first, then those with hours by start time. */
    subscriptionsOf(managementUnitId: string): Promise<Subscription[]>;
    /** Every subscription of every unit (the on-shift routing's cache). */
    allSubscriptions(): Promise<Map<string, Subscription[]>>;
    /** Route a unit's escalations of `level` (1 = the first) to a conversation (one per unit and level; the last wins). */
    subscribeEscalation(managementUnitId: string, conversationId: string, level: number): Promise<void>;
    /** Every escalation subscription: unit → level → conversation. */
    allEscalations(): Promise<Map<string, Map<number, string>>>;
    /** The units a conversation gets alerts or escalations of. */
    unitsOf(conversationId: string): Promise<string[]>;

    saveAlert(episodeId: string, alert: StoredAlert): Promise<void>;
    getAlert(episodeId: string): Promise<StoredAlert | undefined>;
    /** Remember another card of the episode (an escalation), updated with the alert card on every change. */
    addEscalationCard(episodeId: string, card: EscalationCard): Promise<void>;
    escalationCards(episodeId: string): Promise<EscalationCard[]>;

    /** Remember a person's display name by the id cards store for them (AAD object id or Teams id). */
    saveName(id: string, name: string): Promise<void>;
    /** Display names of the given ids that are known (missing ids are absent from the map). */
    namesOf(ids: readonly string[]): Promise<Map<string, string>>;

    /** True the first time `marker` is reported (until {@link BotStore.clearReported}). */
    reportOnce(marker: string): Promise<boolean>;
    clearReported(marker: string): Promise<void>;

    close(): Promise<void>;
}

/** Subscriptions in the order {@link BotStore.subscriptionsOf} gives them: without hours first, then by start time. */
export function orderSubscriptions(subs: Subscription[]): Subscription[] {
    const key = (s: Subscription) => (s.hours === undefined ? -1 : s.hours.from);
    return subs.sort((a, b) => key(a) - key(b) || (a.conversationId < b.conversationId ? -1 : 1));
}

/** Group `[unit, subscription]` pairs per unit, each unit's list in {@link orderSubscriptions} order. */
export function groupSubscriptions(pairs: Iterable<[string, Subscription]>): Map<string, Subscription[]> {
    const byUnit = new Map<string, Subscription[]>();
    for (const [unit, sub] of pairs) {
        const list = byUnit.get(unit);
        if (list) list.push(sub);
        else byUnit.set(unit, [sub]);
    }
    for (const list of byUnit.values()) orderSubscriptions(list);
    return byUnit;
}
