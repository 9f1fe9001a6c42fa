import type * as Genesys from 'purecloud-platform-client-v2';
import type { ContactCenter } from '../center/ContactCenter';
import { presenceDefinitions } from '../genesysModels';
import { badRequest } from './HttpError';
import { ok } from './httpIo';
import type { PresenceSources } from './PresenceSources';
import type { Route } from './Router';

/** A body entry of a presence write (`MutableUserPresence` / `UserPresence`, every field unchecked). */
interface PresenceBody {
    id?: unknown;
    sourceId?: unknown;
    primary?: unknown;
    presenceDefinition?: { id?: unknown };
    message?: unknown;
}

/**
 * Presence: bulk writes and reads per source, the single write for custom sources, primary sources, the registered
 * sources and the definitions. Permissions as the SDK docs list them (`build/docs/PresenceApi.md`, 259.0.0).
 */
export function presenceRoutes(center: ContactCenter, presence: PresenceSources): Route[] {
    return [
        {
            // PresenceApi.md:1565 "Requires ANY permissions: presence:userPresence:edit"; the SDK answers
            // `Array<UserPresence>` (index.d.ts:10653). One bad entry refuses the whole call.
            method: 'PUT',
            path: '/api/v2/users/presences/bulk',
            requires: { any: ['presence:userPresence:edit'] },
            handle: (req) => {
                if (!Array.isArray(req.body)) throw badRequest('Body must be an array of user presences');
                const items = req.body as PresenceBody[];
                for (const item of items) {
                    if (typeof item.id !== 'string' || typeof item.sourceId !== 'string')
                        throw badRequest('id and sourceId are required');
                }
                for (const item of items)
                    presence.check(item.id as string, item.sourceId as string, item.presenceDefinition?.id, 'bulk');
                const out = items.map((item) => {
                    const [userId, sourceId] = [item.id as string, item.sourceId as string];
                    presence.write(userId, sourceId, item.presenceDefinition?.id, item.message, 'bulk');
                    return presence.userPresence(userId, sourceId);
                });
                return ok(out satisfies Genesys.Models.UserPresence[]);
            }
        },
        {
            // PresenceApi.md:863 "Requires NO permissions"; `Array<UcUserPresence>` (index.d.ts:10641).
            method: 'GET',
            path: '/api/v2/users/presences/{sourceId}/bulk',
            handle: (req) => {
                const ids = req.query('id');
                if (ids.length < 1 || ids.length > 50) throw badRequest('Between 1 and 50 id values are required');
                const sourceId = req.params.sourceId;
                const out = ids.filter((id) => center.agents.has(id)).map((id) => presence.read(id, sourceId));
                return ok(out satisfies Genesys.Models.UcUserPresence[]);
            }
        },
        {
            // PresenceApi.js:495 (PresenceApi.md:977 "Requires NO permissions"): custom sources only, "does not support
            // registered presence sources"; `primary: true` makes the source the user's primary one.
            method: 'PATCH',
            path: '/api/v2/users/{userId}/presences/{sourceId}',
            handle: (req) => {
                const { userId, sourceId } = req.params;
                const b = (req.body ?? {}) as PresenceBody;
                if (b.presenceDefinition === undefined && b.message === undefined && b.primary !== true)
                    throw badRequest('Give primary, presenceDefinition or message');
                if (b.presenceDefinition !== undefined || b.message !== undefined) {
                    const definitionId = b.presenceDefinition?.id ?? center.agents.get(userId)?.presenceDefinitionId;
                    presence.write(userId, sourceId, definitionId, b.message, 'patch');
                }
                if (b.primary === true) presence.setPrimary(userId, sourceId);
                return ok(presence.userPresence(userId, sourceId) satisfies Genesys.Models.UserPresence);
            }
        },
        {
            // PresenceApi.md:512 "Requires ALL permissions: presence:userPrimarySource:view" (index.d.ts:10635).
            method: 'GET',
            path: '/api/v2/presence/users/{userId}/primarysource',
            requires: { all: ['presence:userPrimarySource:view'] },
            handle: (req) => ok(presence.primary(req.params.userId) satisfies Genesys.Models.UserPrimarySource)
        },
        {
            // PresenceApi.md:1444 "Requires ALL permissions: presence:userPrimarySource:edit" (index.d.ts:10651).
            method: 'PUT',
            path: '/api/v2/presence/users/{userId}/primarysource',
            requires: { all: ['presence:userPrimarySource:edit'] },
            handle: (req) => {
                const b = (req.body ?? {}) as { sourceId?: unknown };
                if (typeof b.sourceId !== 'string' || b.sourceId === '') throw badRequest('sourceId is required');
                return ok(
                    presence.setPrimary(req.params.userId, b.sourceId) satisfies Genesys.Models.UserPrimarySource
                );
            }
        },
        {
            // PresenceApi.md:455 "Requires ALL permissions: presence:source:view" (index.d.ts SourceEntityListing).
            method: 'GET',
            path: '/api/v2/presence/sources',
            requires: { all: ['presence:source:view'] },
            handle: () => {
                const entities = presence.list();
                return ok({ total: entities.length, entities } satisfies Genesys.Models.SourceEntityListing);
            }
        },
        {
            // PresenceApi.md:1152 "Requires ALL permissions: presence:source:add".
            method: 'POST',
            path: '/api/v2/presence/sources',
            requires: { all: ['presence:source:add'] },
            handle: (req) => {
                const b = (req.body ?? {}) as { name?: unknown; description?: unknown };
                if (typeof b.name !== 'string' || b.name === '') throw badRequest('name is required');
                const description = typeof b.description === 'string' ? b.description : undefined;
                return ok(presence.create(b.name, description) satisfies Genesys.Models.Source);
            }
        },
        {
            // PresenceApi.md:283 "Requires ALL permissions: presence:presenceDefinition:view".
            method: 'GET',
            path: '/api/v2/presence/definitions',
            requires: { all: ['presence:presenceDefinition:view'] },
            handle: () => {
                const entities = presenceDefinitions(center);
                return ok({
                    total: entities.length,
                    entities
                } satisfies Genesys.Models.OrganizationPresenceDefinitionEntityListing);
            }
        }
    ];
}
