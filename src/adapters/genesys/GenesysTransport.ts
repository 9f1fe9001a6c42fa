import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';
import type { Clock, Random } from '../../domain/clock';
import type { Sleep } from '../../kit/abort';
import { decorrelatedJitter } from '../../kit/backoff';
import type { CircuitBreaker } from '../../kit/CircuitBreaker';
import { silentLogger, type Logger } from '../../kit/Logger';
import { retry } from '../../kit/retry';
import { parseRetryAfterMs } from '../../kit/retryAfter';
import { TokenBucket } from '../../kit/TokenBucket';
import { GenesysError, codeForStatus, isGenesysError } from './errors';
import { createGenesysMetrics, type GenesysMetrics } from './genesysMetrics';
import { GENESYS_DEFAULTS, type GenesysConfig } from './genesysConfig';
import { abortError, genesysBreaker, genesysRetryPolicy, genesysSleep, withGenesysTimeout } from './resilience';
import { TokenManager, networkMessage } from './tokenManager';

export interface GenesysTransportOptions {
    config: Pick<
        GenesysConfig,
        'apiBaseUrl' | 'loginBaseUrl' | 'clientId' | 'clientSecret' | 'tokenRefreshMarginMs' | 'requestsPerMinute'
    > &
        Partial<Pick<GenesysConfig, 'requestTimeoutMs' | 'maxAttempts'>>;
    clock: Clock;
    /** Jitter source (test seam). */
    random: Random;
    /** Waits between retries. @default genesysSleep(clock) (test seam) */
    sleep?: Sleep;
    logger?: Logger;
    metrics?: GenesysMetrics;
    /** Shared token manager (the sync worker reuses the bot's). @default built from config */
    tokens?: TokenManager;
    /** Shared limiter. @default built from config.requestsPerMinute */
    limiter?: TokenBucket;
    /** @default genesysBreaker({ clock }) */
    breaker?: CircuitBreaker;
    /** Keep sockets alive between calls. @default true */
    keepAlive?: boolean;
}

export interface RequestOptions {
    params?: Record<string, string | number | boolean | readonly string[] | undefined>;
    data?: unknown;
    signal?: AbortSignal;
    /** Absolute URL (a `downloadUrl`): fetched without the bearer token. */
    absolute?: boolean;
}

/**
 * The resilient Genesys Cloud REST call under every typed call of {@link GenesysClient}: one token from the shared
 * rate limiter per attempt, the shared OAuth token (a 401 invalidates it and retries once with a fresh one), 429
 * `Retry-After` honoured, 5xx, timeouts and network errors retried with decorrelated-jitter backoff, a circuit breaker.
 */
export class GenesysTransport {
    readonly tokens: TokenManager;
    readonly limiter: TokenBucket;
    readonly breaker: CircuitBreaker;
    readonly metrics: GenesysMetrics;
    private readonly http: AxiosInstance;
    private readonly sleep: Sleep;
    private readonly logger: Logger;
    private readonly agents: { http: http.Agent; https: https.Agent };

    constructor(private readonly options: GenesysTransportOptions) {
        const keepAlive = options.keepAlive ?? true;
        this.agents = {
            http: new http.Agent({ keepAlive, maxSockets: 16 }),
            https: new https.Agent({ keepAlive, maxSockets: 16 })
        };
        this.http = axios.create({
            httpAgent: this.agents.http,
            httpsAgent: this.agents.https,
            validateStatus: () => true,
            responseType: 'json',
            maxRedirects: 3,
            paramsSerializer: { serialize: serializeParams }
        });
        this.tokens =
            options.tokens ??
            new TokenManager({
                loginBaseUrl: options.config.loginBaseUrl,
                clientId: options.config.clientId,
                clientSecret: options.config.clientSecret.reveal(),
                clock: options.clock,
                refreshMarginMs: options.config.tokenRefreshMarginMs,
                http: this.http
            });
        this.limiter =
            options.limiter ??
            TokenBucket.forRollingMinute(options.clock, options.config.requestsPerMinute, { abortError });
        this.breaker = options.breaker ?? genesysBreaker({ clock: options.clock });
        this.metrics = options.metrics ?? createGenesysMetrics();
        this.sleep = options.sleep ?? genesysSleep(options.clock);
        this.logger = options.logger ?? silentLogger();
        Object.defineProperty(this, 'options', { enumerable: false });
    }

    toJSON(): Record<string, unknown> {
        return { apiBaseUrl: this.options.config.apiBaseUrl, tokens: this.tokens.toJSON() };
    }

    [Symbol.for('nodejs.util.inspect.custom')](): string {
        return `GenesysClient ${JSON.stringify(this.toJSON())}`;
    }

    /** Release keep-alive sockets. */
    close(): void {
        this.agents.http.destroy();
        this.agents.https.destroy();
    }

    /** One resilient call. Public for paths not wrapped above. */
    async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
        const cfg = this.options.config;
        return retry(
            () =>
                this.breaker.execute(async () => {
                    await this.limiter.acquire(options.signal);
                    return this.attempt<T>(method, path, options, true);
                }),
            {
                maxAttempts: cfg.maxAttempts ?? GENESYS_DEFAULTS.maxAttempts,
                backoff: () => decorrelatedJitter({ initialMs: 500, maxMs: 30_000 }, this.options.random),
                sleep: this.sleep,
                ...genesysRetryPolicy,
                signal: options.signal,
                onRetry: ({ attempt, delayMs, error }) =>
                    this.logger.warn(
                        {
                            method,
                            path: redactPath(path, options.absolute),
                            attempt,
                            delayMs,
                            code: isGenesysError(error) ? error.code : undefined
                        },
                        'genesys request retry'
                    )
            }
        );
    }

    private async attempt<T>(
        method: Method,
        path: string,
        options: RequestOptions,
        allowAuthRetry: boolean
    ): Promise<T> {
        const cfg = this.options.config;
        const clock = this.options.clock;
        const headers: Record<string, string> = { Accept: 'application/json' };
        let token: string | undefined;
        if (!options.absolute) {
            token = await this.tokens.getToken(options.signal);
            headers.Authorization = `Bearer ${token}`;
        }
        const url = options.absolute ? path : cfg.apiBaseUrl + path;
        let response;
        try {
            response = await withGenesysTimeout(
                (signal) =>
                    this.http.request({ method, url, params: options.params, data: options.data, headers, signal }),
                cfg.requestTimeoutMs ?? GENESYS_DEFAULTS.requestTimeoutMs,
                clock,
                options.signal
            );
        } catch (error) {
            const e = isGenesysError(error)
                ? error
                : new GenesysError(
                      'GENESYS_NETWORK',
                      `Genesys ${method} ${redactPath(path, options.absolute)} failed: ${networkMessage(error)}`
                  );
            this.metrics.requests.inc({ outcome: e.code });
            throw e;
        }
        const status = response.status;
        if (status >= 200 && status < 300) {
            this.metrics.requests.inc({ outcome: 'ok' });
            return response.data as T;
        }
        const body = (response.data ?? {}) as { message?: unknown; code?: unknown };
        const code = codeForStatus(status);
        this.metrics.requests.inc({ outcome: code });
        const retryAfterMs =
            status === 429 ? (parseRetryAfterMs(response.headers['retry-after'], clock.now()) ?? 1_000) : undefined;
        if (retryAfterMs !== undefined) {
            this.metrics.rateLimited.inc();
            this.limiter.pauseUntil(clock.now() + retryAfterMs);
        }
        if (status === 401 && token !== undefined) {
            this.tokens.invalidate(token);
            if (allowAuthRetry) {
                await this.limiter.acquire(options.signal);
                return this.attempt<T>(method, path, options, false);
            }
        }
        const correlationId =
            typeof response.headers['inin-correlation-id'] === 'string'
                ? response.headers['inin-correlation-id']
                : undefined;
        const message = typeof body.message === 'string' ? body.message.slice(0, 300) : `HTTP ${status}`;
        throw new GenesysError(code, `Genesys ${method} ${redactPath(path, options.absolute)}: ${message}`, {
            status,
            retryAfterMs,
            correlationId,
            genesysCode: typeof body.code === 'string' ? body.code : undefined
        });
    }
}

/** Repeat array parameters (`userId=a&userId=b`), as the Genesys API expects. */
export function serializeParams(params: Record<string, unknown>): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) search.append(key, String(v));
        else search.append(key, String(value));
    }
    return search.toString();
}

/** Download URLs are pre-signed: never log their query string. */
function redactPath(path: string, absolute?: boolean): string {
    if (!absolute) return path;
    try {
        const u = new URL(path);
        return `${u.origin}${u.pathname}`;
    } catch {
        return '[download url]';
    }
}
