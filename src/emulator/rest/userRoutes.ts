import type * as Genesys from 'purecloud-platform-client-v2';
import type { ContactCenter } from '../center/ContactCenter';
import { userEntity } from '../genesysModels';
import { REQUIRES } from '../oauth/permissions';
import { badRequest } from './HttpError';
import { ok } from './httpIo';
import { agentOr404 } from './lookups';
import type { Route } from './Router';

/** User reads: by ids (or the first page), by exact e-mail search, by id. */
export function userRoutes(center: ContactCenter): Route[] {
    return [
        {
            // UsersApi.md:3436 "Requires NO permissions".
            method: 'GET',
            path: '/api/v2/users',
            handle: (req) => {
                const ids = req.query('id');
                if (ids.length > 100) throw badRequest('At most 100 id values');
                const list = ids.length
                    ? ids.filter((id) => center.agents.has(id)).map((id) => center.agents.get(id)!)
                    : [...center.agents.values()].slice(0, 25);
                const entities = list.map(userEntity);
                const pageSize = Math.max(1, entities.length);
                return ok({
                    entities,
                    pageSize,
                    pageNumber: 1,
                    total: entities.length,
                    pageCount: 1
                } satisfies Genesys.Models.UserEntityListing);
            }
        },
        {
            method: 'POST',
            path: '/api/v2/users/search',
            requires: REQUIRES.userSearch,
            handle: (req) => {
                const b = (req.body ?? {}) as { query?: Array<{ type?: string; fields?: string[]; value?: string }> };
                const clause = b.query?.find((c) => c.fields?.includes('email'));
                if (!clause || typeof clause.value !== 'string')
                    throw badRequest('Only EXACT email queries are emulated');
                const agent = center.findByEmail(clause.value);
                const results = agent ? [userEntity(agent)] : [];
                return ok({
                    total: results.length,
                    pageCount: results.length,
                    pageSize: 1,
                    pageNumber: 1,
                    types: ['users'],
                    results
                } satisfies Genesys.Models.UsersSearchResponse);
            }
        },
        {
            // UsersApi.md:2020 "Requires NO permissions".
            method: 'GET',
            path: '/api/v2/users/{userId}',
            handle: (req) => ok(userEntity(agentOr404(center, req.params.userId)) satisfies Genesys.Models.User)
        }
    ];
}
