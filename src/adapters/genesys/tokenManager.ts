import type { AxiosInstance } from 'axios';
import axios from 'axios';
import type { Clock } from '../../domain/clock';
import { raceAbort } from '../../kit/abort';
import { parseRetryAfterMs } from '../../kit/retryAfter';
import { GenesysError, codeForStatus, isGenesysError } from './errors';
import { GENESYS_DEFAULTS } from './genesysConfig';
import { abortError, withGenesysTimeout } from './resilience';

export interface TokenManagerOptions {
    /** OAuth base, e.g. `https://login.mypurecloud.com` (no trailing path). */
    loginBaseUrl: string;
    clientId: string;
    clientSecret: string;
    clock: Clock;
    /** Refresh this long before expiry. Capped at half the token lifetime for short-lived tokens. @default 300000 */
    refreshMarginMs?: number;
    /** Per token request. @default 15000 */
    timeoutMs?: number;
    /** HTTP client (test seam; shares the keep-alive agent of the client). */
    http?: AxiosInstance;
}

/** How long a still-valid token is used after a failed early refresh before the next attempt, ms. */
const REFRESH_RETRY_MS = 10_000;

interface CachedToken {
    accessToken: string;
    expiresAt: number;
    refreshAt: number;
}

/**
 * OAuth client-credentials tokens for Genesys Cloud. One shared token (rate limits count per token), lifetime from
 * `expires_in`, refreshed `refreshMarginMs` ahead of expiry, and at most one token request in flight however many
 * callers wait. The secret is held in a closure: it never appears in `JSON.stringify`, `util.inspect` or errors.
 */
export class TokenManager {
    private cached: CachedToken | undefined;
    private inFlight: Promise<CachedToken> | undefined;
    private lastRefresh: number | undefined;
    /** After a failed early refresh, the still-valid token is used until this time before trying again. */
    private retryRefreshAt = 0;
    private requests = 0;
    private readonly basic: () => string;
    private readonly http: AxiosInstance;

    constructor(private readonly options: Omit<TokenManagerOptions, 'clientSecret'> & { clientSecret: string }) {
        const header = 'Basic ' + Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
        this.basic = () => header;
        Object.defineProperty(this, 'options', {
            value: { ...options, clientSecret: '[redacted]' },
            enumerable: false
        });
        this.http = options.http ?? axios.create();
    }

    /** Epoch ms at which the current token expires (from the `expires_in` Genesys sent); undefined before the first. */
    get expiresAt(): number | undefined {
        return this.cached?.expiresAt;
    }

    /** When the current token was obtained (epoch ms), if ever. */
    get lastRefreshAt(): number | undefined {
        return this.lastRefresh;
    }

    /** Token requests sent so far (for tests and metrics). */
    get tokenRequests(): number {
        return this.requests;
    }

    /**
     * A valid access token; fetches one when none is cached or the refresh margin is reached. A failed early refresh
     * does not fail callers while the current token is still valid: it is used, and the refresh is tried again after
     * {@link REFRESH_RETRY_MS}. `signal` gives up this caller's wait only; the shared token request goes on.
     */
    async getToken(signal?: AbortSignal): Promise<string> {
        const clock = this.options.clock;
        const now = clock.now();
        const cached = this.cached;
        if (cached && now < cached.refreshAt) return cached.accessToken;
        if (cached && now < cached.expiresAt && now < this.retryRefreshAt) return cached.accessToken;
        if (!this.inFlight) {
            const p = this.fetchToken();
            this.inFlight = p;
            p.then(
                () => undefined,
                () => {
                    this.retryRefreshAt = clock.now() + REFRESH_RETRY_MS;
                }
            ).finally(() => {
                if (this.inFlight === p) this.inFlight = undefined;
            });
        }
        try {
            return (await raceAbort(this.inFlight, signal, abortError)).accessToken;
        } catch (error) {
            const still = this.cached;
            if (!signal?.aborted && still && clock.now() < still.expiresAt) return still.accessToken;
            throw error;
        }
    }

    /** Forget `token` after Genesys refused it (401), so the next `getToken` fetches a new one. */
    invalidate(token: string): void {
        if (this.cached?.accessToken === token) this.cached = undefined;
    }

    toJSON(): Record<string, unknown> {
        return {
            loginBaseUrl: this.options.loginBaseUrl,
            clientId: this.options.clientId,
            hasToken: this.cached !== undefined,
            expiresAt: this.cached?.expiresAt,
            lastRefreshAt: this.lastRefresh
        };
    }

    [Symbol.for('nodejs.util.inspect.custom')](): string {
        return `TokenManager ${JSON.stringify(this.toJSON())}`;
    }

    private async fetchToken(): Promise<CachedToken> {
        const clock = this.options.clock;
        this.requests++;
        const url = this.options.loginBaseUrl.replace(/\/+$/, '') + '/oauth/token';
        try {
            const response = await withGenesysTimeout(
                (s) =>
                    this.http.post(url, 'grant_type=client_credentials', {
                        headers: { Authorization: this.basic(), 'Content-Type': 'application/x-www-form-urlencoded' },
                        signal: s,
                        validateStatus: () => true,
                        responseType: 'json'
                    }),
                this.options.timeoutMs ?? GENESYS_DEFAULTS.requestTimeoutMs,
                clock
            );
            const body = response.data as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
            if (response.status !== 200) {
                const status = response.status;
                const code = status === 400 || status === 401 ? 'GENESYS_AUTH_FAILED' : codeForStatus(status);
                const detail = typeof body?.error === 'string' ? ` (${body.error})` : '';
                throw new GenesysError(code, `Genesys token request failed with HTTP ${status}${detail}`, {
                    status,
                    retryAfterMs: parseRetryAfterMs(response.headers['retry-after'], clock.now()),
                    correlationId: headerText(response.headers['inin-correlation-id'])
                });
            }
            if (typeof body?.access_token !== 'string' || body.access_token === '') {
                throw new GenesysError('GENESYS_BAD_RESPONSE', 'Genesys token response has no access_token');
            }
            const lifetimeMs =
                typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 86_400_000;
            const now = clock.now();
            const margin = Math.min(
                this.options.refreshMarginMs ?? GENESYS_DEFAULTS.tokenRefreshMarginMs,
                lifetimeMs / 2
            );
            const token: CachedToken = {
                accessToken: body.access_token,
                expiresAt: now + lifetimeMs,
                refreshAt: now + lifetimeMs - margin
            };
            this.cached = token;
            this.lastRefresh = now;
            return token;
        } catch (error) {
            if (isGenesysError(error)) throw error;
            throw new GenesysError('GENESYS_NETWORK', 'Genesys token request failed: ' + networkMessage(error));
        }
    }
}

function headerText(v: unknown): string | undefined {
    return typeof v === 'string' ? v : undefined;
}

/** A network error message without URLs' credentials or headers. */
export function networkMessage(error: unknown): string {
    const e = error as { code?: unknown; message?: unknown };
    if (typeof e?.code === 'string') return e.code;
    return typeof e?.message === 'string' ? e.message.slice(0, 200) : 'unknown error';
}
