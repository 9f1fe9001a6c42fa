import type * as Genesys from 'purecloud-platform-client-v2';
import type { ContactCenter } from '../center/ContactCenter';
import { presenceDefinitions } from '../genesysModels';
import { badRequest } from './HttpError';
import { ok } from './httpIo';
import type { PresenceSources } from './PresenceSources';
import type { Route } from './Router';

/** Presence: bulk and single writes, bulk read-back per source, the sources, the definitions. */
export function presenceRoutes(center: ContactCenter, presence: PresenceSources): Route[] {
    return [
        {
            method: 'PUT',
            path: '/api/v2/users/presences/bulk',
            handle: (req) => {
                if (!Array.isArray(req.body)) throw badRequest('Body must be an array of user presences');
                const out: Genesys.Models.UcUserPresence[] = [];
                for (const item of req.body as Array<{
                    id?: unknown;
                    sourceId?: unknown;
                    presenceDefinition?: { id?: unknown };
                    message?: unknown;
                }>) {
                    if (typeof item.id !== 'string' || typeof item.sourceId !== 'string')
                        throw badRequest('id and sourceId are required');
                    presence.write(item.id, item.sourceId, item.presenceDefinition?.id, item.message, 'bulk');
                    out.push(presence.read(item.id, item.sourceId));
                }
                return ok(out);
            }
        },
        {
            method: 'GET',
            path: '/api/v2/users/presences/{sourceId}/bulk',
            handle: (req) => {
                const ids = req.query('id');
                if (ids.length < 1 || ids.length > 50) throw badRequest('Between 1 and 50 id values are required');
                const sourceId = req.params.sourceId;
                return ok(ids.filter((id) => center.agents.has(id)).map((id) => presence.read(id, sourceId)));
            }
        },
        {
            method: 'PATCH',
            path: '/api/v2/users/{userId}/presences/{sourceId}',
            handle: (req) => {
                const { userId, sourceId } = req.params;
                const b = (req.body ?? {}) as { presenceDefinition?: { id?: unknown }; message?: unknown };
                presence.write(userId, sourceId, b.presenceDefinition?.id, b.message, 'patch');
                const p = presence.read(userId, sourceId);
                const body: Genesys.Models.UserPresence = {
                    sourceId,
                    presenceDefinition: p.presenceDefinition,
                    message: p.message,
                    modifiedDate: p.modifiedDate
                };
                return ok(body);
            }
        },
        {
            method: 'GET',
            path: '/api/v2/presence/sources',
            handle: () => {
                const entities = presence.list();
                return ok({ total: entities.length, entities });
            }
        },
        {
            method: 'POST',
            path: '/api/v2/presence/sources',
            handle: (req) => {
                const b = (req.body ?? {}) as { name?: unknown; description?: unknown };
                if (typeof b.name !== 'string' || b.name === '') throw badRequest('name is required');
                return ok(presence.create(b.name, typeof b.description === 'string' ? b.description : undefined));
            }
        },
        {
            method: 'GET',
            path: '/api/v2/presence/definitions',
            handle: () => {
                const entities = presenceDefinitions(center);
                return ok({ total: entities.length, entities });
            }
        }
    ];
}
