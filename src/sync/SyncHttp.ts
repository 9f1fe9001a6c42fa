import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';
import type { Clock, Random } from '../domain/clock';
import type { Logger } from '../app/logger';
import { silentLogger } from '../app/logger';
import { parseRetryAfter } from '../adapters/genesys/errors';
import type { RateLimiter } from '../adapters/genesys/rateLimiter';
import { decorrelatedJitter, withTimeout, type Sleep } from '../adapters/genesys/resilience';
import type { TokenManager } from '../adapters/genesys/tokenManager';
import { formatIsoUtc } from '../domain/isoInstant';
import { payloadHash } from './pipeline/payloadHash';
import type { BreakerPass, SuccessRateBreaker } from './SuccessRateBreaker';
import { SyncError } from './SyncError';

export interface SyncHttpOptions {
    clock: Clock;
    random: Random;
    sleep: Sleep;
    limiter: RateLimiter;
    breaker: SuccessRateBreaker;
    /** Bearer tokens (the shared Genesys token manager). Omitted: requests go without Authorization. */
    tokens?: Pick<TokenManager, 'getToken' | 'invalidate'>;
    /** @default 15000 */
    timeoutMs?: number;
    /** Attempts per request (401 re-tries do not count). @default 5 */
    maxAttempts?: number;
    logger?: Logger;
    /** Called on every response status (or 0 for a network/timeout failure). */
    onOutcome?: (status: number, retryAfterMs: number | undefined) => void;
    /** Test seam. @default a keep-alive axios instance */
    http?: AxiosInstance;
}

export interface SyncRequest {
    method: Method;
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
    signal?: AbortSignal;
}

export interface SyncResponse<T> {
    status: number;
    data: T;
    payloadHash: string;
}

/**
 * Outbound HTTP of the sync worker: the shared limiter and token, the success-rate breaker, `Retry-After`,
 * decorrelated-jitter backoff, a single re-try on 401 with a fresh token, keep-alive pooling, and the
 * `X-Request-Id` / `X-Timestamp-Dispatch` / `X-Payload-Hash` headers on every request.
 */
export class SyncHttp {
    private readonly http: AxiosInstance;
    private readonly agents = {
        http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
        https: new https.Agent({ keepAlive: true, maxSockets: 16 })
    };
    private readonly logger: Logger;

    constructor(private readonly options: SyncHttpOptions) {
        this.http =
            options.http ??
            axios.create({
                httpAgent: this.agents.http,
                httpsAgent: this.agents.https,
                validateStatus: () => true,
                responseType: 'json',
                maxRedirects: 0
            });
        this.logger = options.logger ?? silentLogger();
    }

    close(): void {
        this.agents.http.destroy();
        this.agents.https.destroy();
    }

    async send<T>(req: SyncRequest): Promise<SyncResponse<T>> {
        const o = this.options;
        const body = req.body === undefined ? undefined : JSON.stringify(req.body);
        const hash = payloadHash(body ?? '');
        const requestId = randomUUID();
        const delays = decorrelatedJitter({ initialMs: 500, maxMs: 30_000, random: o.random });
        const maxAttempts = o.maxAttempts ?? 5;
        let authRetried = false;
        // The breaker pass of the attempt under way. A half-open trial is always settled (finally): an unsettled trial
        // would leave the breaker half-open with nobody allowed through, for good.
        let pass: BreakerPass | undefined;
        const settle = (ok: boolean): void => {
            if (pass !== undefined) o.breaker.record(ok, pass);
            pass = undefined;
        };
        try {
            for (let attempt = 1; ; attempt++) {
                if (req.signal?.aborted)
                    throw new SyncError('SYNC_STOPPED', 'sync worker stopped', { retryable: true });
                // A 401 re-try keeps its pass: the same request re-sent with a fresh token, still the same trial.
                while (pass === undefined && (pass = o.breaker.acquire()) === undefined)
                    await o.sleep(Math.max(1, o.breaker.waitMs()), req.signal);
                await o.limiter.acquire(req.signal);
                const token = o.tokens ? await o.tokens.getToken(req.signal) : undefined;
                const headers: Record<string, string> = {
                    Accept: 'application/json',
                    'X-Request-Id': requestId,
                    'X-Timestamp-Dispatch': formatIsoUtc(o.clock.now()),
                    'X-Payload-Hash': hash,
                    ...req.headers
                };
                if (body !== undefined) headers['Content-Type'] = 'application/json';
                if (token) headers.Authorization = `Bearer ${token}`;
                let status = 0;
                let data: unknown;
                let retryAfterMs: number | undefined;
                try {
                    const res = await withTimeout(
                        (signal) =>
                            this.http.request({ method: req.method, url: req.url, data: body, headers, signal }),
                        o.timeoutMs ?? 15_000,
                        o.clock,
                        req.signal
                    );
                    status = res.status;
                    data = res.data;
                    if (status === 429)
                        retryAfterMs = parseRetryAfter(res.headers['retry-after'], o.clock.now()) ?? 1000;
                } catch (e) {
                    if (req.signal?.aborted)
                        throw new SyncError('SYNC_STOPPED', 'sync worker stopped', { retryable: true });
                    this.logger.warn({ url: req.url, attempt, err: (e as Error).message }, 'sync request failed');
                }
                o.onOutcome?.(status, retryAfterMs);
                if (status >= 200 && status < 300) {
                    settle(true);
                    return { status, data: data as T, payloadHash: hash };
                }
                if (status === 401 && token && !authRetried) {
                    authRetried = true;
                    o.tokens!.invalidate(token);
                    // An ordinary pass is taken again (the breaker may have opened meanwhile); a trial is kept.
                    if (pass === 'normal') pass = undefined;
                    attempt--;
                    continue;
                }
                const retryable = status === 0 || status === 429 || status === 408 || status >= 500;
                if (!retryable) {
                    // The target answered: for the breaker that is a healthy target refusing one request.
                    settle(true);
                    const msg = (data as { message?: unknown } | undefined)?.message;
                    throw new SyncError(
                        'SYNC_TARGET_REJECTED',
                        `${req.method} ${req.url} → ${status}${typeof msg === 'string' ? `: ${msg.slice(0, 200)}` : ''}`,
                        { status, retryable: false }
                    );
                }
                settle(false);
                if (retryAfterMs !== undefined) o.limiter.pauseUntil(o.clock.now() + retryAfterMs);
                if (attempt >= maxAttempts)
                    throw new SyncError(
                        'SYNC_TARGET_FAILED',
                        `${req.method} ${req.url} failed after ${attempt} attempts (last ${status})`,
                        {
                            status,
                            retryable: true
                        }
                    );
                const delayMs = retryAfterMs ?? (delays.next().value as number);
                await o.sleep(delayMs, req.signal);
            }
        } finally {
            // Ended without an outcome (aborted, no token, limiter refused): give the trial back.
            if (pass === 'trial') o.breaker.release();
        }
    }
}
