import type { Clock } from '../../domain/clock';
import type { OAuthGrant } from '../oauth/OAuthServer';
import { HttpError } from '../rest/HttpError';
import { TokenRateLimit, tooManyRequests } from './TokenRateLimit';

/**
 * What can go wrong or slow down between a valid token and its route, in this order: scripted 429s, the per-token rate
 * limit, scripted failures (5xx bursts), then latency. Also the scripted answers of the WFM routes
 * (snapshots through a download, searches still `Processing`).
 */
export class Faults {
    /** Delay of every API response on the emulator clock, ms. */
    latencyMs = 0;
    /** Serve every unit snapshot through a `downloadUrl` (true) or inline (false); undefined = by size. */
    snapshotViaDownload: boolean | undefined;
    private readonly rateLimit: TokenRateLimit;
    private scripted429 = { n: 0, retryAfterSec: 0 };
    private scriptedFailure: { n: number; status: number; path?: RegExp } = { n: 0, status: 503 };
    private processingLeft = 0;

    constructor(clock: Clock, rateLimitPerMinute: number) {
        this.rateLimit = new TokenRateLimit(clock, rateLimitPerMinute);
    }

    /** Throws the scripted 429, the rate-limit 429 or the scripted failure due for this call (on `path`), if any. */
    admit(grant: OAuthGrant, path: string): void {
        if (this.scripted429.n > 0) {
            this.scripted429.n--;
            throw tooManyRequests(this.scripted429.retryAfterSec);
        }
        this.rateLimit.admit(grant);
        const failure = this.scriptedFailure;
        if (failure.n > 0 && (!failure.path || failure.path.test(path))) {
            this.scriptedFailure.n--;
            throw new HttpError(
                this.scriptedFailure.status,
                'internal.server.error',
                'The server encountered an error'
            );
        }
    }

    /** Answer the next `n` API calls with 429 and `Retry-After: retryAfterSec`. */
    rateLimitNext(n: number, retryAfterSec: number): void {
        this.scripted429 = { n, retryAfterSec };
    }

    /** Requests per minute per token before 429; 0 disables. */
    setRateLimit(perMinute: number): void {
        this.rateLimit.perMinute = perMinute;
    }

    /** Answer the next `n` API calls (those whose path matches `path`, when given) with `status`. */
    failNext(n: number, status: number, path?: RegExp): void {
        this.scriptedFailure = { n, status, path };
    }

    /** The next `n` schedule searches answer `Processing`. */
    searchProcessing(n: number): void {
        this.processingLeft = n;
    }

    /** True (and counted) when this schedule search is to answer `Processing`. */
    takeProcessing(): boolean {
        if (this.processingLeft <= 0) return false;
        this.processingLeft--;
        return true;
    }
}
