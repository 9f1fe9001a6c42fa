import type { Notification } from '../../../domain/adherence/types';
import { isDeliveryError, notReady } from './DeliveryError';
import type { Logger } from '../../../kit/Logger';
import type { Deliverer, PreparedSend, Route } from './ports';
import type { AdaptiveCardJson } from '../../../cards/renderCard';
import type { BotStore, ConversationRef, StoredAlert } from '../BotStore';
import { applyChange } from '../cardData';
import type { NotificationCards } from '../NotificationCards';
import type { ShiftRouting } from '../ShiftRouting';

/** The queue key of a unit's escalations to its configured people (`TEAMS_ESCALATE_TO`), not a conversation. */
const PEOPLE = 'escalate-to-people:';

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
 * subscribed to the agent's unit that is on shift, alert updates onto the stored card (in place).
 */
export class TeamsDeliverer implements Deliverer {
    constructor(
        private readonly store: BotStore,
        private readonly sender: ConversationSender,
        private readonly cards: NotificationCards,
        private readonly events: DelivererEvents = {},
        private readonly logger?: Logger,
        /** On-shift routing; without it an alert goes to the unit's subscriptions in store order. */
        private readonly routing?: Pick<ShiftRouting, 'targets' | 'escalationPeople'>
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
            const channel = await this.alertChannel(n);
            if (!channel) {
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
        if (n.kind === 'escalation') return this.routeEscalation(n);
        if (n.kind !== 'alert-update') return { drop: 'not-for-teams' };
        // An alert update goes where its card is, or, when the card is not stored yet (its alert is in the same read,
        // or waiting for a rate slot or a retry), into the same per-conversation queue as the alert: in order behind it.
        const alert = await this.store.getAlert(n.episode.id);
        if (alert) return { conversationKey: alert.conversationId };
        const channel = await this.alertChannel(n);
        if (!channel) return { drop: 'no-alert-card' };
        return { conversationKey: channel };
    }

    /** An escalation goes to the channel subscribed to the unit's escalations of its level (reported once when none). */
    private async routeEscalation(n: Extract<Notification, { kind: 'escalation' }>): Promise<Route> {
        const unit = n.episode.managementUnitId;
        const channel = (await this.store.allEscalations()).get(unit)?.get(n.level);
        if (channel && (await this.store.getConversation(channel))) return { conversationKey: channel };
        // The configured people, privately: one queue for the unit's escalations, each person's card sent once.
        if (n.level === 1 && (this.routing?.escalationPeople(unit).length ?? 0) > 0)
            return { conversationKey: `${PEOPLE}${unit}` };
        if (await this.store.reportOnce(`no-escalation:${unit}:${n.level}`)) {
            this.logger?.warn(
                { managementUnitId: unit, level: n.level },
                'no channel subscribed to this escalation level of the unit; escalations are skipped'
            );
        }
        return { drop: 'no-escalation-target' };
    }

    /**
     * The channel of the unit that gets an alert due at `n.at`: on-shift routing's choice (the subscriptions whose
     * hours cover it, else those without hours), the first of them with a stored conversation, else one without hours. An alert the engine
     * released while the routing shows none on shift (its view of the subscriptions was a moment old) still goes to a
     * subscribed channel, never nowhere.
     */
    private async alertChannel(n: Notification): Promise<string | undefined> {
        const unit = n.episode.managementUnitId;
        const subs = await this.store.subscriptionsOf(unit);
        const targets = this.routing?.targets(unit, subs, n.at);
        const anyTime = subs.filter((s) => s.hours === undefined).map((s) => s.conversationId);
        const ids =
            targets !== undefined && 'conversationIds' in targets
                ? [...targets.conversationIds, ...anyTime]
                : subs.map((s) => s.conversationId);
        for (const id of ids) if (await this.store.getConversation(id)) return id;
        return undefined;
    }

    async send(n: Notification, conversationKey: string): Promise<void> {
        await (await this.prepare(n, conversationKey)).post();
    }

    /** The look-ups and the card first; `post` then makes the one request to Teams (and stores what it posted). */
    async prepare(n: Notification, conversationKey: string): Promise<PreparedSend> {
        if (n.kind === 'nudge' || n.kind === 'agent-note') return this.personal(n);
        if (n.kind === 'alert') return this.alert(n, conversationKey);
        if (n.kind === 'escalation') return this.escalation(n, conversationKey);
        if (n.kind === 'alert-update') return this.update(n);
        return NOTHING;
    }

    /** The alert card, marked escalated, in the escalation channel; kept so every change updates it too. */
    private async escalation(
        n: Extract<Notification, { kind: 'escalation' }>,
        conversationKey: string
    ): Promise<PreparedSend> {
        const stored = await this.store.getAlert(n.episode.id);
        const facts = { ...stored?.facts, escalatedLevel: n.level, escalatedAt: n.at };
        const card = await this.cards.alert(stored?.episode ?? n.episode, facts);
        if (conversationKey.startsWith(PEOPLE)) return { post: () => this.escalateToPeople(n, card) };
        const conversation = await this.store.getConversation(conversationKey);
        if (!conversation) return NOTHING;
        return {
            post: async () => {
                const activityId = await this.sender.send(conversation.reference, card);
                await this.store.addEscalationCard(n.episode.id, {
                    conversationId: conversationKey,
                    activityId,
                    level: n.level
                });
            }
        };
    }

    /**
     * The escalated card to each configured person of the unit, in their personal chat. Each person's card is claimed
     * and marked sent on its own, so a retry after a failure sends only the ones not sent yet. A person without a
     * personal chat with the bot is skipped (reported once).
     */
    private async escalateToPeople(
        n: Extract<Notification, { kind: 'escalation' }>,
        card: AdaptiveCardJson
    ): Promise<void> {
        for (const teamsUserId of this.routing?.escalationPeople(n.episode.managementUnitId) ?? []) {
            const personal = await this.store.getPersonal(teamsUserId);
            if (!personal) {
                if (await this.store.reportOnce(`no-personal-escalation:${teamsUserId}`))
                    this.logger?.warn({ teamsUserId }, 'escalation person has no personal chat with the bot; skipped');
                continue;
            }
            const key = `${n.key}:${teamsUserId}`;
            if ((await this.store.claimDelivery(key, 'escalation', 60_000)) !== 'claimed') continue;
            try {
                const activityId = await this.sender.send(personal.reference, card);
                await this.store.completeDelivery(key);
                await this.store.addEscalationCard(n.episode.id, {
                    conversationId: personal.reference.conversation.id,
                    activityId,
                    level: n.level,
                    teamsUserId
                });
            } catch (error) {
                await this.store.releaseDelivery(key, 'escalation');
                throw error;
            }
        }
    }

    /**
     * The escalation cards of an episode follow its alert card. A card whose conversation is gone or refuses the update
     * is left as it is (logged); a throttled or failed update is retried with the alert card's (updates are idempotent).
     */
    private async updateEscalations(episodeId: string, card: AdaptiveCardJson): Promise<void> {
        for (const e of await this.store.escalationCards(episodeId)) {
            const conversation =
                e.teamsUserId === undefined
                    ? await this.store.getConversation(e.conversationId)
                    : await this.store.getPersonal(e.teamsUserId);
            if (!conversation) continue;
            try {
                await this.sender.update(conversation.reference, e.activityId, card);
            } catch (error) {
                if (isDeliveryError(error) && error.retryable) throw error;
                this.logger?.warn({ err: String(error), episodeId, level: e.level }, 'escalation card not updated');
            }
        }
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
                await this.updateEscalations(n.episode.id, card);
            }
        };
    }

    async forbidden(n: Notification, conversationKey: string): Promise<void> {
        if (conversationKey.startsWith(PEOPLE)) return;
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
