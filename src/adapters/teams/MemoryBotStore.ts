import type { Clock } from '../../domain/clock';
import type { ShiftHours, Subscription } from '../../domain/shiftHours';
import {
    groupSubscriptions,
    type BotStore,
    type EscalationCard,
    type StoredAlert,
    type StoredConversation,
    type TeamsUser
} from './BotStore';

/** In-process {@link BotStore} (sandbox, unit tests). Copies values in and out so callers cannot alias them. */
export class MemoryBotStore implements BotStore {
    private readonly personal = new Map<string, StoredConversation>();
    private readonly conversations = new Map<string, StoredConversation>();
    private readonly usersByGenesys = new Map<string, TeamsUser>();
    private readonly usersByTeams = new Map<string, TeamsUser>();
    private readonly subscriptions = new Map<string, string>();
    /** Subscriptions with hours, by unit, then conversation. */
    private readonly hours = new Map<string, Map<string, ShiftHours>>();
    private readonly alerts = new Map<string, StoredAlert>();
    private readonly escalations = new Map<string, Map<number, string>>();
    private readonly escalationCardsOf = new Map<string, EscalationCard[]>();
    private readonly reported = new Set<string>();
    private readonly names = new Map<string, string>();
    private readonly claims = new Map<string, { owner: string; until: number } | 'done'>();

    constructor(private readonly clock: Clock) {}

    async savePersonal(teamsUserId: string, c: StoredConversation): Promise<void> {
        this.personal.set(teamsUserId, copy(c));
    }
    async getPersonal(teamsUserId: string): Promise<StoredConversation | undefined> {
        return copy(this.personal.get(teamsUserId));
    }
    async dropPersonal(teamsUserId: string): Promise<void> {
        this.personal.delete(teamsUserId);
    }
    async saveConversation(id: string, c: StoredConversation): Promise<void> {
        this.conversations.set(id, copy(c));
    }
    async getConversation(id: string): Promise<StoredConversation | undefined> {
        return copy(this.conversations.get(id));
    }
    async dropConversation(id: string): Promise<void> {
        this.conversations.delete(id);
    }
    async saveUser(user: TeamsUser): Promise<void> {
        const previous = this.usersByTeams.get(user.teamsUserId);
        if (previous && previous.genesysUserId !== user.genesysUserId)
            this.usersByGenesys.delete(previous.genesysUserId);
        this.usersByGenesys.set(user.genesysUserId, copy(user));
        this.usersByTeams.set(user.teamsUserId, copy(user));
    }
    async userByGenesysId(id: string): Promise<TeamsUser | undefined> {
        return copy(this.usersByGenesys.get(id));
    }
    async userByTeamsId(id: string): Promise<TeamsUser | undefined> {
        return copy(this.usersByTeams.get(id));
    }
    async subscribe(unit: string, conversationId: string, hours?: ShiftHours): Promise<void> {
        if (hours === undefined) {
            this.subscriptions.set(unit, conversationId);
            this.hours.get(unit)?.delete(conversationId);
            return;
        }
        if (this.subscriptions.get(unit) === conversationId) this.subscriptions.delete(unit);
        let byConversation = this.hours.get(unit);
        if (!byConversation) this.hours.set(unit, (byConversation = new Map()));
        byConversation.set(conversationId, copy(hours));
    }
    async unsubscribe(conversationId: string): Promise<string[]> {
        const units = await this.unitsOf(conversationId);
        for (const u of units) {
            if (this.subscriptions.get(u) === conversationId) this.subscriptions.delete(u);
            this.hours.get(u)?.delete(conversationId);
            for (const [level, c] of this.escalations.get(u) ?? [])
                if (c === conversationId) this.escalations.get(u)!.delete(level);
        }
        return units;
    }
    async subscriptionOf(unit: string): Promise<string | undefined> {
        return this.subscriptions.get(unit);
    }
    async subscriptionsOf(unit: string): Promise<Subscription[]> {
        return (await this.allSubscriptions()).get(unit) ?? [];
    }
    async allSubscriptions(): Promise<Map<string, Subscription[]>> {
        const pairs: Array<[string, Subscription]> = [];
        for (const [unit, conversationId] of this.subscriptions) pairs.push([unit, { conversationId }]);
        for (const [unit, byConversation] of this.hours)
            for (const [conversationId, hours] of byConversation)
                pairs.push([unit, { conversationId, hours: copy(hours) }]);
        return groupSubscriptions(pairs);
    }
    async subscribeEscalation(unit: string, conversationId: string, level: number): Promise<void> {
        let byLevel = this.escalations.get(unit);
        if (!byLevel) this.escalations.set(unit, (byLevel = new Map()));
        byLevel.set(level, conversationId);
    }
    async allEscalations(): Promise<Map<string, Map<number, string>>> {
        return new Map([...this.escalations].map(([u, byLevel]) => [u, new Map(byLevel)]));
    }
    async addEscalationCard(episodeId: string, card: EscalationCard): Promise<void> {
        this.escalationCardsOf.set(episodeId, [...(this.escalationCardsOf.get(episodeId) ?? []), copy(card)]);
    }
    async escalationCards(episodeId: string): Promise<EscalationCard[]> {
        return (this.escalationCardsOf.get(episodeId) ?? []).map((c) => copy(c));
    }
    async unitsOf(conversationId: string): Promise<string[]> {
        const units = new Set<string>();
        for (const [u, byLevel] of this.escalations) if ([...byLevel.values()].includes(conversationId)) units.add(u);
        for (const [u, c] of this.subscriptions) if (c === conversationId) units.add(u);
        for (const [u, byConversation] of this.hours) if (byConversation.has(conversationId)) units.add(u);
        return [...units].sort();
    }
    async saveAlert(episodeId: string, alert: StoredAlert): Promise<void> {
        this.alerts.set(episodeId, copy(alert));
    }
    async getAlert(episodeId: string): Promise<StoredAlert | undefined> {
        return copy(this.alerts.get(episodeId));
    }
    async saveName(id: string, name: string): Promise<void> {
        this.names.set(id, name);
    }
    async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
        const found = new Map<string, string>();
        for (const id of ids) {
            const name = this.names.get(id);
            if (name !== undefined) found.set(id, name);
        }
        return found;
    }
    async reportOnce(marker: string): Promise<boolean> {
        if (this.reported.has(marker)) return false;
        this.reported.add(marker);
        return true;
    }
    async clearReported(marker: string): Promise<void> {
        this.reported.delete(marker);
    }
    async claimDelivery(key: string, owner: string, leaseMs: number): Promise<'claimed' | 'busy' | 'done'> {
        const now = this.clock.now();
        const c = this.claims.get(key);
        if (c === 'done') return 'done';
        if (c && c.owner !== owner && c.until > now) return 'busy';
        this.claims.set(key, { owner, until: now + leaseMs });
        return 'claimed';
    }
    async completeDelivery(key: string): Promise<void> {
        this.claims.set(key, 'done');
    }
    async releaseDelivery(key: string, owner: string): Promise<void> {
        const c = this.claims.get(key);
        if (c && c !== 'done' && c.owner === owner) this.claims.delete(key);
    }
    async close(): Promise<void> {}
}

function copy<T>(value: T): T {
    return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
