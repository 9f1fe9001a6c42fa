import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';
import type { Clock, Random } from '../domain/clock';
import type { TokenManager } from '../adapters/genesys/tokenManager';
import { formatIsoUtc } from '../domain/isoInstant';
import { withTimeout, type Sleep } from '../kit/abort';
import { decorrelatedJitter } from '../kit/backoff';
import type { BreakerPass, CircuitBreaker } from '../kit/CircuitBreaker';
import { silentLogger, type Logger } from '../kit/Logger';
import { retry } from '../kit/retry';
import { parseRetryAfterMs } from '../kit/retryAfter';
import type { TokenBucket } from '../kit/TokenBucket';
import { payloadHash } from './pipeline/payloadHash';
import { isSyncError, SyncError } from './SyncError';
import { SYNC_DEFAULTS } from './syncConfig';

export interface SyncHttpOptions {
    clock: Clock;
    random: Random;
    sleep: Sleep;
    limiter: TokenBucket;
    /** The success-rate breaker of the target. */
    breaker: CircuitBreaker;
    /** Bearer tokens (the shared Genesys token manager). Omitted: requests go without Authorization. */
    tokens?: Pick<TokenManager, 'getToken' | 'invalidate'>;
    /** @default SYNC_DEFAULTS.requestTimeoutMs */
    timeoutMs?: number;
    /** Attempts per request (401 re-tries do not count). @default SYNC_DEFAULTS.maxAttempts */
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

/** One request across its attempts. */
interface Exchange {
    req: SyncRequest;
    body: string | undefined;
    hash: string;
    requestId: string;
    /** The single 401 re-try with a fresh token was used. */
    authRetried: boolean;
    /**
     * The breaker pass of the attempt under way. A half-open trial is always settled or given back: an unsettled trial
     * would leave the breaker half-open with nobody allowed through, for good.
     */
    pass: BreakerPass | undefined;
}

const stopped = (): SyncError => new SyncError('SYNC_STOPPED', 'sync worker stopped', { retryable: true });

/**
 * Outbound HTTP of the sync worker: the shared limiter and token, the success-rate breaker, `Retry-After`,
 * decorrelated-jitter backoff (the kit's `retry`), a single re-try on 401 with a fresh token, keep-alive pooling, and
 * the `X-Request-Id` / `X-Timestamp-Dispatch` / `X-Payload-Hash` headers on every request. Whatever ends a request
 * because its signal aborted rejects with SYNC_STOPPED.
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
        const x: Exchange = {
            req,
            body,
            hash: payloadHash(body ?? ''),
            requestId: randomUUID(),
            authRetried: false,
            pass: undefined
        };
        try {
            return await retry((attempt) => this.attempt<T>(x, attempt), {
                maxAttempts: o.maxAttempts ?? SYNC_DEFAULTS.maxAttempts,
                backoff: () => decorrelatedJitter({ initialMs: 500, maxMs: 30_000 }, o.random),
                sleep: o.sleep,
                isRetryable: (e) => isSyncError(e) && e.code === 'SYNC_TARGET_FAILED',
                retryAfterMsOf: (e) => (isSyncError(e) ? e.retryAfterMs : undefined),
                signal: req.signal,
                abortError: stopped
            });
        } catch (error) {
            throw req.signal?.aborted && !isSyncError(error) ? stopped() : error;
        } finally {
            // Ended without an outcome (aborted, no token, limiter refused): give the trial back.
            if (x.pass === 'trial') o.breaker.release();
        }
    }

    /** One attempt: its breaker pass, a token from the limiter, the request (and its one 401 re-send). */
    private async attempt<T>(x: Exchange, attempt: number): Promise<SyncResponse<T>> {
        const o = this.options;
        const { req } = x;
        for (;;) {
            if (req.signal?.aborted) throw stopped();
            // A 401 re-send keeps its pass: the same request with a fresh token, still the same trial.
            while (x.pass === undefined && (x.pass = o.breaker.acquire()) === undefined)
                await o.sleep(Math.max(1, o.breaker.waitMs()), req.signal);
            await o.limiter.acquire(req.signal);
            const token = o.tokens ? await o.tokens.getToken(req.signal) : undefined;
            const { status, data, retryAfterMs } = await this.exchange(x, token, attempt);
            o.onOutcome?.(status, retryAfterMs);
            if (status >= 200 && status < 300) {
                this.settle(x, true);
                return { status, data: data as T, payloadHash: x.hash };
            }
            if (status === 401 && token && !x.authRetried) {
                x.authRetried = true;
                o.tokens!.invalidate(token);
                // An ordinary pass is taken again (the breaker may have opened meanwhile); a trial is kept.
                if (x.pass === 'normal') x.pass = undefined;
                continue;
            }
            if (!(status === 0 || status === 429 || status === 408 || status >= 500)) {
                // The target answered: for the breaker that is a healthy target refusing one request.
                this.settle(x, true);
                const msg = (data as { message?: unknown } | undefined)?.message;
                throw new SyncError(
                    'SYNC_TARGET_REJECTED',
                    `${req.method} ${req.url} → ${status}${typeof msg === 'string' ? `: ${msg.slice(0, 200)}` : ''}`,
                    { status, retryable: false }
                );
            }
            this.settle(x, false);
            if (retryAfterMs !== undefined) o.limiter.pauseUntil(o.clock.now() + retryAfterMs);
            throw new SyncError(
                'SYNC_TARGET_FAILED',
                `${req.method} ${req.url} failed after ${attempt} attempts (last ${status})`,
                { status, retryable: true, retryAfterMs }
            );
        }
    }

    /** The request itself: its status (0 when it never got one), body and, on a 429, the wait asked for. */
    private async exchange(
        x: Exchange,
        token: string | undefined,
        attempt: number
    ): Promise<{ status: number; data?: unknown; retryAfterMs?: number }> {
        const o = this.options;
        const { req } = x;
        const headers: Record<string, string> = {
            Accept: 'application/json',
            'X-Request-Id': x.requestId,
            'X-Timestamp-Dispatch': formatIsoUtc(o.clock.now()),
            'X-Payload-Hash': x.hash,
            ...req.headers
        };
        if (x.body !== undefined) headers['Content-Type'] = 'application/json';
        if (token) headers.Authorization = `Bearer ${token}`;
        try {
            const res = await withTimeout(
                (signal) => this.http.request({ method: req.method, url: req.url, data: x.body, headers, signal }),
                { ms: o.timeoutMs ?? SYNC_DEFAULTS.requestTimeoutMs, clock: o.clock, signal: req.signal }
            );
            const retryAfterMs =
                res.status === 429 ? (parseRetryAfterMs(res.headers['retry-after'], o.clock.now()) ?? 1000) : undefined;
            return { status: res.status, data: res.data, retryAfterMs };
        } catch (e) {
            if (req.signal?.aborted) throw stopped();
            this.logger.warn({ url: req.url, attempt, err: (e as Error).message }, 'sync request failed');
            return { status: 0 };
        }
    }

    private settle(x: Exchange, ok: boolean): void {
        if (x.pass !== undefined) this.options.breaker.record(ok, x.pass);
        x.pass = undefined;
    }
}
