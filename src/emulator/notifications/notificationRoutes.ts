import type * as Genesys from 'purecloud-platform-client-v2';
import { iso } from '../genesysModels';
import { HttpError, badRequest } from '../rest/HttpError';
import { ok } from '../rest/httpIo';
import type { Route, RouteRequest } from '../rest/Router';
import type { ChannelRegistry } from './ChannelRegistry';

const SUBSCRIPTIONS = '/api/v2/notifications/channels/{channelId}/subscriptions';

/**
 * The notification API: create a channel, list / add / replace its subscriptions, check that it is alive. None of
 * these requires a permission (`NotificationsApi.md`: "Requires NO permissions"); the topics do.
 */
export function notificationRoutes(registry: ChannelRegistry, baseUrl: () => string): Route[] {
    const subscribe = (req: RouteRequest, replace: boolean) => {
        const channel = registry.liveOr404(req.params.channelId);
        const data = req.body;
        if (!Array.isArray(data) || data.some((t) => typeof (t as { id?: unknown })?.id !== 'string')) {
            throw badRequest('Body must be an array of {"id": "<topic>"}');
        }
        const topics = (data as Array<{ id: string }>).map((t) => t.id);
        const entities = registry.subscribe(channel, topics, {
            replace,
            ignoreErrors: req.flag('ignoreErrors'),
            role: req.grant.role
        });
        return ok({ entities } satisfies Genesys.Models.ChannelTopicEntityListing);
    };
    return [
        {
            method: 'POST',
            path: '/api/v2/notifications/channels',
            handle: (req) => {
                const channel = registry.create(req.grant.clientId);
                return ok({
                    id: channel.id,
                    connectUri: `${baseUrl().replace(/^http/, 'ws')}/channels/${channel.id}`,
                    expires: iso(channel.expiresAt)
                } satisfies Genesys.Models.Channel);
            }
        },
        {
            method: 'GET',
            path: SUBSCRIPTIONS,
            handle: (req) => {
                const channel = registry.liveOr404(req.params.channelId);
                const entities = [...channel.topics].map((id) => ({ id, state: 'Permitted' }));
                return ok({ entities } satisfies Genesys.Models.ChannelTopicEntityListing);
            }
        },
        { method: 'POST', path: SUBSCRIPTIONS, handle: (req) => subscribe(req, false) },
        { method: 'PUT', path: SUBSCRIPTIONS, handle: (req) => subscribe(req, true) },
        {
            method: '*',
            path: SUBSCRIPTIONS,
            handle: (req) => {
                registry.liveOr404(req.params.channelId);
                throw new HttpError(405, 'method.not.allowed', 'Method not allowed');
            }
        },
        {
            method: 'HEAD',
            path: '/api/v2/notifications/channels/{channelId}',
            handle: (req) => {
                registry.liveOr404(req.params.channelId);
                return { status: 200, bare: true };
            }
        }
    ];
}
