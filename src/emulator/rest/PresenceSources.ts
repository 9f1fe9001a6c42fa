import type * as Genesys from 'purecloud-platform-client-v2';
import type { Clock } from '../../domain/clock';
import type { ContactCenter } from '../center/ContactCenter';
import { iso } from '../genesysModels';
import { badRequest, notFound } from './HttpError';
import { agentOr404 } from './lookups';

/** One presence write the emulator received, applied or not. */
export interface PresenceWrite {
    userId: string;
    sourceId: string;
    presenceDefinitionId: string;
    message?: string;
    /** Epoch ms. */
    at: number;
    via: 'bulk' | 'patch';
    applied: boolean;
}

/**
 * Presence sources and the presence each user has on each source. A write to a registered source is recorded and,
 * unless writes are ignored, becomes the agent's presence in the contact center.
 */
export class PresenceSources {
    /** Every write received, in order. */
    readonly writes: PresenceWrite[] = [];
    /** Record writes but do not apply them. */
    ignoreWrites = false;
    private readonly sources = new Map<string, Genesys.Models.Source>();
    private readonly bySourceAndUser = new Map<string, { definitionId: string; at: number; message?: string }>();

    constructor(
        private readonly center: ContactCenter,
        private readonly clock: Clock,
        private readonly newId: () => string
    ) {}

    list(): Genesys.Models.Source[] {
        return [...this.sources.values()];
    }

    /** Register a source named `name`. */
    create(name: string, description: string | undefined): Genesys.Models.Source {
        const source: Genesys.Models.Source = { id: this.newId(), name, deactivated: false };
        if (description !== undefined) source.description = description;
        this.sources.set(source.id!, source);
        return source;
    }

    /**
     * Write `definitionId` as `userId`'s presence on `sourceId`: 400 for a missing or unknown definition, 404 for an
     * unknown user or source.
     */
    write(userId: string, sourceId: string, definitionId: unknown, message: unknown, via: PresenceWrite['via']): void {
        if (typeof definitionId !== 'string') throw badRequest('presenceDefinition.id is required');
        const definition = this.center.presenceDefinitions.find((d) => d.id === definitionId);
        if (!definition) throw badRequest(`Unknown presence definition ${definitionId}`);
        agentOr404(this.center, userId);
        if (!this.sources.has(sourceId)) throw notFound(`Presence source ${sourceId} not found`);
        const write: PresenceWrite = {
            userId,
            sourceId,
            presenceDefinitionId: definitionId,
            at: this.clock.now(),
            via,
            applied: !this.ignoreWrites
        };
        if (typeof message === 'string') write.message = message;
        this.writes.push(write);
        if (this.ignoreWrites) return;
        this.bySourceAndUser.set(`${userId}|${sourceId}`, {
            definitionId,
            at: this.clock.now(),
            message: write.message
        });
        this.center.setPresence(userId, definition.systemPresence);
    }

    /** `userId`'s presence on `sourceId` (the agent's current presence when never written there); 404 for an unknown user. */
    read(userId: string, sourceId: string): Genesys.Models.UcUserPresence {
        const agent = agentOr404(this.center, userId);
        const stored = this.bySourceAndUser.get(`${userId}|${sourceId}`);
        const definitionId = stored?.definitionId ?? agent.presenceDefinitionId;
        const definition = this.center.presenceDefinitions.find((d) => d.id === definitionId);
        return {
            userId,
            sourceId,
            presenceDefinition: { id: definitionId, systemPresence: definition?.systemPresence },
            message: stored?.message,
            modifiedDate: iso(stored?.at ?? agent.presenceUpdatedAt)
        };
    }
}
