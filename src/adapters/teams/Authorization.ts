import type { BotStore } from './BotStore';
import type { Actor } from './HandlerContext';

export interface AuthorizationOptions {
    store: Pick<BotStore, 'unitsOf' | 'userByGenesysId'>;
    /** Configured supervisors: Teams user id or AAD object id → unit ids (`*` = all; the id `*` = anyone). */
    supervisors: ReadonlyMap<string, readonly string[]>;
    /** Members of the channel subscribed to a unit supervise that unit. */
    channelMembersSupervise: boolean;
}

/**
 * Who may act for a unit, decided on the server: a configured supervisor of the unit, or (when channel members
 * supervise) anyone acting from the unit's subscribed channel; never the agent on their own alert.
 */
export class Authorization {
    constructor(private readonly o: AuthorizationOptions) {}

    /**
     * A configured supervisor of `unitId`, or a member of a channel subscribed to it (any hours, or its escalations)
     * when that counts.
     */
    async supervises(actor: Actor, unitId: string): Promise<boolean> {
        if (this.isConfiguredSupervisor(actor, unitId)) return true;
        if (!this.o.channelMembersSupervise || actor.kind === 'personal') return false;
        return (await this.o.store.unitsOf(actor.conversationId)).includes(unitId);
    }

    /** A configured supervisor of `unitId` (or of any unit when undefined). */
    isConfiguredSupervisor(actor: Actor, unitId: string | undefined): boolean {
        for (const id of [actor.teamsUserId, actor.aadObjectId, '*']) {
            if (!id) continue;
            const units = this.o.supervisors.get(id);
            if (!units) continue;
            if (unitId === undefined || units.includes('*') || units.includes(unitId)) return true;
        }
        return false;
    }

    /** The units the actor is a configured supervisor of, sorted (`*` among them = every unit). */
    configuredUnits(actor: Actor): string[] {
        const units = new Set<string>();
        for (const id of [actor.teamsUserId, actor.aadObjectId, '*']) {
            if (!id) continue;
            for (const u of this.o.supervisors.get(id) ?? []) units.add(u);
        }
        return [...units].sort();
    }

    /** The actor is the agent: by Genesys id (`me`), or by the Teams id / AAD object id the agent is mapped to. */
    async isSelf(actor: Actor, me: string | undefined, agentId: string): Promise<boolean> {
        if (me !== undefined && me === agentId) return true;
        const agent = await this.o.store.userByGenesysId(agentId);
        if (!agent) return false;
        return (
            agent.teamsUserId === actor.teamsUserId ||
            (actor.aadObjectId !== undefined && agent.aadObjectId === actor.aadObjectId)
        );
    }
}
