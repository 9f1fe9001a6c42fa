import type * as Genesys from 'purecloud-platform-client-v2';
import type { Clock } from '../../domain/clock';
import { GENESYS_CLOUD_SOURCE } from '../center/catalog';
import type { Agent, ContactCenter } from '../center/ContactCenter';
import { iso } from '../genesysModels';
import { badRequest, notFound } from './HttpError';
import { agentOr404 } from './lookups';

/** One presence write the emulator received. */
export interface PresenceWrite {
    userId: string;
    sourceId: string;
    presenceDefinitionId: string;
    message?: string;
    /** Epoch ms. */
    at: number;
    via: 'bulk' | 'patch';
    /** Stored on the source (read back from it); false while writes are ignored. */
    applied: boolean;
    /** Became the presence Genesys shows, and WFM computes adherence from: the source is the user's primary one. */
    visible: boolean;
}

interface Stored {
    definitionId: string;
    /** Epoch ms. */
    at: number;
    message?: string;
}

/**
 * Presence sources and what each user has on each. Registered sources (`POST /api/v2/presence/sources`) are written
 * in bulk only: `PATCH /api/v2/users/{userId}/presences/{sourceId}` "does not support registered presence sources"
 * (`PresenceApi.js:495`); it serves custom ones. A write is stored on its source, and it is what Genesys shows (and
 * what adherence follows) only when the source is the user's primary one (`GENESYS_CLOUD_SOURCE` until
 * `PUT …/primarysource` or a PATCH with `primary: true` changes it, `PresenceApi.js:495,760`).
 */
export class PresenceSources {
    /** Every write received, in order. */
    readonly writes: PresenceWrite[] = [];
    /** Record writes but store none (the sync worker's reconciliation test). */
    ignoreWrites = false;
    private readonly registered = new Map<string, Genesys.Models.Source>();
    private readonly stored = new Map<string, Stored>();

    constructor(
        private readonly center: ContactCenter,
        private readonly clock: Clock,
        private readonly newId: () => string
    ) {}

    list(): Genesys.Models.Source[] {
        return [...this.registered.values()];
    }

    /** Register a source named `name`. */
    create(name: string, description: string | undefined): Genesys.Models.Source {
        const source: Genesys.Models.Source = {
            id: this.newId(),
            name,
            deactivated: false,
            selfUri: ''
        };
        source.selfUri = `/api/v2/presence/sources/${source.id}`;
        if (description !== undefined) source.description = description;
        this.registered.set(source.id!, source);
        return source;
    }

    /**
     * The agent and the definition of a write, or its refusal: 400 for a missing or unknown definition, 404 for an
     * unknown user; in bulk 404 for a source never registered, by PATCH 400 for a registered one.
     */
    check(userId: string, sourceId: string, definitionId: unknown, via: PresenceWrite['via']) {
        if (typeof definitionId !== 'string') throw badRequest('presenceDefinition.id is required');
        const definition = this.center.presenceDefinitions.find((d) => d.id === definitionId);
        if (!definition) throw badRequest(`Unknown presence definition ${definitionId}`);
        const agent = agentOr404(this.center, userId);
        if (via === 'bulk' && !this.registered.has(sourceId)) throw notFound(`Presence source ${sourceId} not found`);
        if (via === 'patch' && this.registered.has(sourceId)) {
            throw badRequest(
                `Presence source ${sourceId} is registered: this endpoint does not support registered presence sources`
            );
        }
        return { agent, definition };
    }

    /** Write `definitionId` as `userId`'s presence on `sourceId` (refused as {@link check} says). */
    write(userId: string, sourceId: string, definitionId: unknown, message: unknown, via: PresenceWrite['via']): void {
        const { agent, definition } = this.check(userId, sourceId, definitionId, via);
        const at = this.clock.now();
        const applied = !this.ignoreWrites;
        const visible = applied && agent.primarySourceId === sourceId;
        const write: PresenceWrite = {
            userId,
            sourceId,
            presenceDefinitionId: definition.id,
            at,
            via,
            applied,
            visible
        };
        if (typeof message === 'string') write.message = message;
        this.writes.push(write);
        if (!applied) return;
        this.stored.set(`${userId}|${sourceId}`, { definitionId: definition.id, at, message: write.message });
        if (visible) this.center.setPresence(userId, definition.systemPresence);
    }

    /**
     * Make `sourceId` the source Genesys shows `userId`'s presence from: the Genesys Cloud client, a registered source
     * or a custom one already written; the user's presence becomes what that source holds. 400 for any other source.
     */
    setPrimary(userId: string, sourceId: string): Genesys.Models.UserPrimarySource {
        const agent = agentOr404(this.center, userId);
        if (sourceId !== GENESYS_CLOUD_SOURCE && !this.registered.has(sourceId) && !this.hasCustom(sourceId))
            throw badRequest(`Unknown presence source ${sourceId}`);
        agent.primarySourceId = sourceId;
        const held = this.stored.get(`${userId}|${sourceId}`);
        const definition = held && this.center.presenceDefinitions.find((d) => d.id === held.definitionId);
        if (definition) this.center.setPresence(userId, definition.systemPresence);
        return this.primary(userId);
    }

    /** `userId`'s primary presence source as `GET /api/v2/presence/users/{userId}/primarysource` answers it. */
    primary(userId: string): Genesys.Models.UserPrimarySource {
        const agent = agentOr404(this.center, userId);
        const sourceId = agent.primarySourceId;
        return {
            id: userId,
            name: this.registered.get(sourceId)?.name ?? sourceId,
            sourceId,
            registered: this.registered.has(sourceId),
            selfUri: `/api/v2/presence/users/${userId}/primarysource`
        };
    }

    /**
     * `userId`'s presence on `sourceId` (the agent's current presence when never written there); 404 for an unknown
     * user.
     */
    read(userId: string, sourceId: string): Genesys.Models.UcUserPresence {
        const agent = agentOr404(this.center, userId);
        const { definitionId, systemPresence, stored } = this.held(agent, sourceId);
        return {
            userId,
            sourceId,
            presenceDefinition: { id: definitionId, systemPresence },
            message: stored?.message,
            modifiedDate: iso(stored?.at ?? agent.presenceUpdatedAt)
        };
    }

    /** `userId`'s presence on `sourceId` as the write routes answer it (`UserPresence`, with `primary`). */
    userPresence(userId: string, sourceId: string): Genesys.Models.UserPresence {
        const agent = agentOr404(this.center, userId);
        const { definitionId, systemPresence, stored } = this.held(agent, sourceId);
        return {
            id: userId,
            name: agent.name,
            source: this.registered.get(sourceId)?.name ?? sourceId,
            sourceId,
            primary: agent.primarySourceId === sourceId,
            presenceDefinition: { id: definitionId, systemPresence },
            message: stored?.message,
            modifiedDate: iso(stored?.at ?? agent.presenceUpdatedAt),
            selfUri: `/api/v2/users/${userId}/presences/${sourceId}`
        };
    }

    private held(agent: Agent, sourceId: string) {
        const stored = this.stored.get(`${agent.id}|${sourceId}`);
        const definitionId = stored?.definitionId ?? agent.presenceDefinitionId;
        const systemPresence = this.center.presenceDefinitions.find((d) => d.id === definitionId)?.systemPresence;
        return { definitionId, systemPresence, stored };
    }

    private hasCustom(sourceId: string): boolean {
        for (const key of this.stored.keys()) if (key.endsWith(`|${sourceId}`)) return true;
        return false;
    }
}
