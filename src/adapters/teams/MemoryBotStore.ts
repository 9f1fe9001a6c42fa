import type { Clock } from '../../domain/clock';
import type { BotStore, StoredAlert, StoredConversation, TeamsUser } from './BotStore';

/** In-process {@link BotStore} (sandbox, unit tests). Copies values in and out so callers cannot alias them. */
export class MemoryBotStore implements BotStore {
    private readonly personal = new Map<string, StoredConversation>();
    private readonly conversations = new Map<string, StoredConversation>();
    private readonly usersByGenesys = new Map<string, TeamsUser>();
    private readonly usersByTeams = new Map<string, TeamsUser>();
    private readonly subscriptions = new Map<string, string>();
    private readonly alerts = new Map<string, StoredAlert>();
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
    async subscribe(unit: string, conversationId: string): Promise<void> {
        this.subscriptions.set(unit, conversationId);
    }
    async unsubscribe(conversationId: string): Promise<string[]> {
        const units = await this.unitsOf(conversationId);
        for (const u of units) this.subscriptions.delete(u);
        return units;
    }
    async subscriptionOf(unit: string): Promise<string | undefined> {
        return this.subscriptions.get(unit);
    }
    async unitsOf(conversationId: string): Promise<string[]> {
        return [...this.subscriptions]
            .filter(([, c]) => c === conversationId)
            .map(([u]) => u)
            .sort();
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
