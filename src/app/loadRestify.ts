import Module, { createRequire } from 'node:module';
import type * as Restify from 'restify';

const requireHere = createRequire(__filename);

/**
 * restify 11, loaded without its HTTP/2-over-SPDY support. restify 11 `require`s `spdy` as soon as it loads
 * (`restify/lib/server.js` line 14) although it uses it only for `createServer({ spdy })`, which this app never passes;
 * spdy loads `http-deceiver`, which calls `process.binding('http_parser')`: Node's deprecation DEP0111, printed at every
 * start, and an error from Node 24 on. restify loads spdy only on demand from 12.0 (restify PR #1943), which needs Node
 * 22. Until then `spdy`, as restify resolves it, is answered by a module that refuses to be used, so the deprecated call
 * never runs; no warning is hidden. Call it before anything else loads restify (only `app/server.ts` does).
 */
export function loadRestify(): typeof Restify {
    const spdyPath = createRequire(requireHere.resolve('restify')).resolve('spdy');
    if (!requireHere.cache[spdyPath]) {
        const unused = new Module(spdyPath) as NodeJS.Module;
        unused.filename = spdyPath;
        unused.loaded = true;
        unused.exports = {
            createServer(): never {
                throw new Error('restify createServer({ spdy }) is not supported by this app (spdy is not loaded)');
            }
        };
        requireHere.cache[spdyPath] = unused;
    }
    return requireHere('restify') as typeof Restify;
}
