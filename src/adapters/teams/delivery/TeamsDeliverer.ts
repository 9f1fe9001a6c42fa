import type { Notification } from '../../../domain/adherence/types';
import { notReady } from './DeliveryError';
import type { Logger } from '../../../kit/Logger';
import type { Deliverer, PreparedSend, Route } from './ports';
import type { AdaptiveCardJson } from '../../../cards/renderCard';
import type { BotStore, ConversationRef, StoredAlert } from '../BotStore';
import { applyChange } from '../cardData';
import type { NotificationCards } from '../NotificationCards';

/** Sends and updates cards in a stored conversation (implemented with botbuilder in `proactiveSender.ts`). */
export interface ConversationSender {
    /** Post a card; returns the new activity id. */
    send(reference: ConversationRef, card: AdaptiveCardJson): Promise<string>;
    update(reference: ConversationRef, activityId: string, card: AdaptiveCardJson): Promise<void>;
}

export interface DelivererEvents {
    /** An agent has no stored personal conversation (reported once per agent). */
    noPersonalConversation?(genesysUserId: string): void;
    /** A unit has no subscribed channel (reported once per unit). */
    noAlertChannel?(managementUnitId: string): void;
    referenceDropped?(kind: string): void;
}

/** A send with nothing left to post (the reference went away meanwhile): settles as sent. */
const NOTHING: PreparedSend = Object.freeze({ post: async () => undefined });

/**
 * Routes engine notifications to Teams conversations: nudges to the agent's 1:1 chat, alerts to the channel
 * subscribed to the agent's unit, alert updates onto the stored card (in place).
 */
export class TeamsDeliverer implements Deliverer {
    constructor(
        private readonly store: BotStore,
        private readonly sender: ConversationSender,
        private readonly cards: NotificationCards,
        private readonly events: DelivererEvents = {},
        private readonly logger?: Logger
    ) {}

    async route(n: Notification): Promise<Route> {
        if (n.kind === 'nudge' || n.kind === 'agent-note') {
            const user = await this.store.userByGenesysId(n.episode.userId);
            const personal = user ? await this.store.getPersonal(user.teamsUserId) : undefined;
            if (!personal) {
                if (await this.store.reportOnce(`no-personal:${n.episode.userId}`)) {
                    this.events.noPersonalConversation?.(n.episode.userId);
                    this.logger?.warn(
                        { userId: n.episode.userId },
                        'agent has no personal conversation with the bot; nudges are skipped'
                    );
                }
                return { drop: 'no-personal-conversation' };
            }
            return { conversationKey: personal.reference.conversation.id };
        }
        if (n.kind === 'alert') {
            const channel = await this.store.subscriptionOf(n.episode.managementUnitId);
            if (!channel || !(await this.store.getConversation(channel))) {
                if (await this.store.reportOnce(`no-channel:${n.episode.managementUnitId}`)) {
                    this.events.noAlertChannel?.(n.episode.managementUnitId);
                    this.logger?.warn(
                        { managementUnitId: n.episode.managementUnitId },
                        'no channel subscribed to this unit; alerts are skipped'
                    );
                }
                return { drop: 'no-alert-channel' };
            }
            return { conversationKey: channel };
        }
        if (n.kind !== 'alert-update') return { drop: 'not-for-teams' };
        // An alert update goes where its card is, or, when the card is not stored yet (its alert is in the same read,
        // or waiting for a rate slot or a retry), into the same per-conversation queue as the alert: in order behind it.
        const alert = await this.store.getAlert(n.episode.id);
        if (alert) return { conversationKey: alert.conversationId };
        const channel = await this.store.subscriptionOf(n.episode.managementUnitId);
        if (!channel) return { drop: 'no-alert-card' };
        return { conversationKey: channel };
    }

    async send(n: Notification, conversationKey: string): Promise<void> {
        await (await this.prepare(n, conversationKey)).post();
    }

    /** The look-ups and the card first; `post` then makes the one request to Teams (and stores what it posted). */
    async prepare(n: Notification, conversationKey: string): Promise<PreparedSend> {
        if (n.kind === 'nudge' || n.kind === 'agent-note') return this.personal(n);
        if (n.kind === 'alert') return this.alert(n, conversationKey);
        if (n.kind === 'alert-update') return this.update(n);
        return NOTHING;
    }

    /** The nudge, or a note about the agent's explanation, in the agent's 1:1 chat. */
    private async personal(n: Extract<Notification, { kind: 'nudge' | 'agent-note' }>): Promise<PreparedSend> {
        const user = await this.store.userByGenesysId(n.episode.userId);
        const personal = user ? await this.store.getPersonal(user.teamsUserId) : undefined;
        if (!personal) return NOTHING;
        const card = n.kind === 'nudge' ? this.cards.nudge(n.episode) : await this.cards.agentNote(n);
        return { post: async () => void (await this.sender.send(personal.reference, card)) };
    }

    private async alert(n: Extract<Notification, { kind: 'alert' }>, conversationKey: string): Promise<PreparedSend> {
        const conversation = await this.store.getConversation(conversationKey);
        if (!conversation) return NOTHING;
        const previous = n.reminder ? await this.store.getAlert(n.episode.id) : undefined;
        const facts = n.explanation ? { ...previous?.facts, explanation: n.explanation } : (previous?.facts ?? {});
        const card = await this.cards.alert(n.episode, facts);
        return {
            post: async () => {
                const activityId = await this.sender.send(conversation.reference, card);
                await this.remember(n, { conversationId: conversationKey, activityId, episode: n.episode, facts });
            }
        };
    }

    /** The card is posted: a failure from here on must not make the outbox post it again. */
    private async remember(n: Notification, stored: StoredAlert): Promise<void> {
        try {
            await this.store.saveAlert(n.episode.id, stored);
        } catch (first) {
            try {
                await this.store.saveAlert(n.episode.id, stored);
            } catch (error) {
                this.logger?.warn(
                    { err: String(error), firstErr: String(first), episodeId: n.episode.id },
                    'alert card posted but its id could not be stored; later updates of this card will be dropped'
                );
            }
        }
    }

    /** Update the stored alert card in place; the card may not be posted yet (retried, bounded by the outbox). */
    private async update(n: Extract<Notification, { kind: 'alert-update' }>): Promise<PreparedSend> {
        const stored = await this.store.getAlert(n.episode.id);
        if (!stored) throw notReady(`the alert card of episode ${n.episode.id} is not posted yet`);
        const conversation = await this.store.getConversation(stored.conversationId);
        if (!conversation) return NOTHING;
        const facts = applyChange(stored.facts, n);
        const card = await this.cards.alert(n.episode, facts);
        return {
            post: async () => {
                await this.sender.update(conversation.reference, stored.activityId, card);
                await this.store.saveAlert(n.episode.id, { ...stored, episode: n.episode, facts });
            }
        };
    }

    async forbidden(n: Notification, conversationKey: string): Promise<void> {
        if (n.kind === 'nudge' || n.kind === 'agent-note') {
            const user = await this.store.userByGenesysId(n.episode.userId);
            if (user) await this.store.dropPersonal(user.teamsUserId);
            this.events.referenceDropped?.('personal');
            return;
        }
        await this.store.dropConversation(conversationKey);
        this.events.referenceDropped?.('conversation');
    }
}
