import type { Clock } from '../../domain/clock';
import type { OAuthGrant } from '../oauth/OAuthServer';
import { HttpError } from '../rest/HttpError';

const WINDOW_MS = 60_000;

/** 429 `too.many.requests.retry.after` with `Retry-After: seconds`, worded as Genesys words it. */
export function tooManyRequests(seconds: number): HttpError {
    return new HttpError(
        429,
        'too.many.requests.retry.after',
        `Rate limit exceeded the maximum. Retry the request in [${seconds}] seconds`,
        { 'Retry-After': String(seconds) }
    );
}

/**
 * Genesys's per-token API rate limit: at most `perMinute` calls in any sliding minute per access token, then 429 with
 * the seconds until the oldest call leaves the window. A token's window goes with the token.
 */
export class TokenRateLimit {
    private readonly windows = new WeakMap<OAuthGrant, number[]>();

    constructor(
        private readonly clock: Clock,
        /** Calls per minute per token; 0 disables the limit. */
        public perMinute: number
    ) {}

    /** Count one call on `grant`, or throw the 429 when its window is full. */
    admit(grant: OAuthGrant): void {
        if (this.perMinute <= 0) return;
        const now = this.clock.now();
        let window = this.windows.get(grant);
        if (!window) this.windows.set(grant, (window = []));
        while (window.length > 0 && window[0] <= now - WINDOW_MS) window.shift();
        if (window.length >= this.perMinute) {
            throw tooManyRequests(Math.max(1, Math.ceil((window[0] + WINDOW_MS - now) / 1000)));
        }
        window.push(now);
    }
}
