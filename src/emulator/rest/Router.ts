import type { OAuthGrant } from '../oauth/OAuthServer';
import type { Requires } from '../oauth/Role';
import type { Reply } from './httpIo';

/** Methods a route answers; `*` is any method the routes listed before it on the same path do not take. */
export type RouteMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*';

/** What a route handler gets. */
export interface RouteRequest {
    /** Path parameters by their template name, URI-decoded. */
    readonly params: Readonly<Record<string, string>>;
    /** Every value of a query parameter, comma-separated values split, empty ones dropped. */
    query(name: string): string[];
    /** Whether the query parameter `name` is `true` (`ignoreErrors`, `forceAsync`, …). */
    flag(name: string): boolean;
    /** The parsed JSON body (undefined when empty). */
    readonly body: unknown;
    /** The caller's token. */
    readonly grant: OAuthGrant;
}

/**
 * One REST route: the method and the path template exactly as the SDK writes them
 * (`purecloud-platform-client-v2/src/purecloud-platform-client-v2/api/*.js`), so each can be checked against it.
 */
export interface Route {
    readonly method: RouteMethod;
    /** Path template with `{name}` parameters, e.g. `/api/v2/users/{userId}/presences/{sourceId}`. */
    readonly path: string;
    /** The permissions the SDK docs list for the operation; absent when they say "Requires NO permissions". */
    readonly requires?: Requires;
    handle(request: RouteRequest): Reply;
}

interface CompiledRoute {
    readonly route: Route;
    readonly pattern: RegExp;
    readonly names: readonly string[];
}

/** A route table: the first route whose method and path template match a request answers it. */
export class Router {
    private readonly compiled: readonly CompiledRoute[];

    constructor(routes: readonly Route[]) {
        this.compiled = routes.map((route) => {
            const names: string[] = [];
            const source = route.path
                .split(/(\{[^}]+\})/)
                .map((part) => {
                    const name = /^\{([^}]+)\}$/.exec(part)?.[1];
                    if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
                    names.push(name);
                    return '([^/]+)';
                })
                .join('');
            return { route, pattern: new RegExp(`^${source}$`), names };
        });
    }

    /** The route for `method` and `path` with its decoded parameters, or undefined. */
    match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
        for (const { route, pattern, names } of this.compiled) {
            if (route.method !== method && route.method !== '*') continue;
            const m = pattern.exec(path);
            if (!m) continue;
            const params: Record<string, string> = {};
            names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
            return { route, params };
        }
        return undefined;
    }
}
