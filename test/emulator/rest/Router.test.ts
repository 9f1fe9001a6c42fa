import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Router, type Route } from '../../../src/emulator/rest/Router';
import { emulatorRoutes, type RouteParts } from '../../../src/emulator/GenesysEmulator';

const answer = (name: string) => () => ({ status: 200, body: name });

describe('Router', () => {
    const router = new Router([
        { method: 'PUT', path: '/api/v2/users/presences/bulk', handle: answer('bulk') },
        { method: 'GET', path: '/api/v2/users/{userId}', handle: answer('user') },
        { method: 'PATCH', path: '/api/v2/users/{userId}/presences/{sourceId}', handle: answer('patch') },
        { method: 'GET', path: '/api/v2/a.b/{id}', handle: answer('dotted') },
        { method: '*', path: '/api/v2/users/{userId}', handle: answer('other') }
    ]);
    const name = (method: string, p: string) => {
        const m = router.match(method, p);
        return m && { route: (m.route.handle({} as never) as { body: string }).body, params: m.params };
    };

    it('matches the method and the path template, and decodes each named parameter', () => {
        assert.deepEqual(name('PATCH', '/api/v2/users/u%201/presences/s'), {
            route: 'patch',
            params: { userId: 'u 1', sourceId: 's' }
        });
        assert.deepEqual(name('PUT', '/api/v2/users/presences/bulk'), { route: 'bulk', params: {} });
        assert.equal(name('GET', '/api/v2/users/u/extra'), undefined, 'a parameter spans one segment');
        assert.equal(name('GET', '/api/v2/aXb/1'), undefined, 'literal parts match literally');
        assert.equal(name('PUT', '/api/v2/users/presences/bulk/x'), undefined, 'the whole path must match');
    });

    it('answers with the first matching route, `*` taking any method the routes before it do not', () => {
        assert.equal(name('GET', '/api/v2/users/u')?.route, 'user');
        assert.equal(name('DELETE', '/api/v2/users/u')?.route, 'other');
        assert.equal(name('DELETE', '/api/v2/users/presences/bulk'), undefined);
    });
});

/** Every (method, path template) the SDK calls, from `purecloud-platform-client-v2/src/…/api/*.js`. */
function sdkOperations(): Set<string> {
    const dir = path.join(
        path.dirname(require.resolve('purecloud-platform-client-v2/package.json')),
        'src/purecloud-platform-client-v2/api'
    );
    const ops = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
        const text = readFileSync(path.join(dir, file), 'utf8');
        for (const m of text.matchAll(/callApi\(\s*'(\/api\/v2\/[^']*)',\s*'([A-Z]+)'/g)) ops.add(`${m[2]} ${m[1]}`);
    }
    return ops;
}

describe('the emulator route table', () => {
    it('names every route exactly as an operation of the Genesys SDK (method and path template)', () => {
        const ops = sdkOperations();
        assert.ok(ops.size > 1000, `read the SDK operations (${ops.size})`);
        const routes: Route[] = emulatorRoutes({} as RouteParts).filter((r) => r.method !== '*');
        assert.ok(routes.length >= 20);
        assert.deepEqual(
            routes.map((r) => `${r.method} ${r.path}`).filter((op) => !ops.has(op)),
            [],
            'routes the SDK does not know'
        );
    });
});
