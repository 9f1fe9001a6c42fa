import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';
import type * as Genesys from 'purecloud-platform-client-v2';
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

export type UserScheduleAdherence = Genesys.Models.UserScheduleAdherence;
export type ManagementUnit = Genesys.Models.ManagementUnit;
export type ActivityCode = Genesys.Models.BusinessUnitActivityCode;
export type AgentScheduleSearchResponse = Genesys.Models.BuAgentScheduleSearchResponse;
export type Channel = Genesys.Models.Channel;
export type ChannelTopic = Genesys.Models.ChannelTopic;
export type GenesysUser = Genesys.Models.User;
export type UserPresence = Genesys.Models.UserPresence;
export type UcUserPresence = Genesys.Models.UcUserPresence;
export type PresenceSource = Genesys.Models.Source;
export type PresenceDefinition = Genesys.Models.OrganizationPresenceDefinition;

/** Result of the agent schedule search: the schedules, or "still processing, ask again later". */
export type ScheduleSearchResult =
    | { status: 'Complete'; agentSchedules: AgentScheduleSearchResponse[]; timeZone?: string }
    | { status: 'Processing'; operationId?: string };

/** One entry of `PUT /api/v2/users/presences/bulk`. */
export interface BulkPresenceUpdate {
    id: string;
    sourceId: string;
    presenceDefinition: { id: string };
    message?: string;
}

export interface GenesysClientOptions {
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
 * Typed Genesys Cloud REST calls. Every call takes one token from the shared rate limiter, carries the shared
 * OAuth token (a 401 invalidates it and retries once with a fresh one), honours 429 `Retry-After`, retries 5xx,
 * timeouts and network errors with decorrelated-jitter backoff, and passes a circuit breaker.
 */
export class GenesysClient {
    readonly tokens: TokenManager;
    readonly limiter: TokenBucket;
    readonly breaker: CircuitBreaker;
    readonly metrics: GenesysMetrics;
    private readonly http: AxiosInstance;
    private readonly sleep: Sleep;
    private readonly logger: Logger;
    private readonly agents: { http: http.Agent; https: https.Agent };

    constructor(private readonly options: GenesysClientOptions) {
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

    // ---- WFM reads ----

    /** Management units; by default only those with real-time adherence. Follows `nextUri` pages. */
    async listManagementUnits(signal?: AbortSignal): Promise<ManagementUnit[]> {
        const units: ManagementUnit[] = [];
        for (let page = 1; page <= 100; page++) {
            const res = await this.request<Genesys.Models.ManagementUnitListing>(
                'GET',
                '/api/v2/workforcemanagement/managementunits',
                {
                    params: { feature: 'RealTimeAdherence', pageSize: 100, pageNumber: page },
                    signal
                }
            );
            units.push(...(res.entities ?? []));
            if (
                !res.nextUri ||
                (res.pageCount !== undefined && page >= res.pageCount) ||
                (res.entities ?? []).length === 0
            )
                break;
        }
        return units;
    }

    /** User ids of a management unit. */
    async listUnitUsers(managementUnitId: string, signal?: AbortSignal): Promise<string[]> {
        const res = await this.request<Genesys.Models.WfmUserEntityListing>(
            'GET',
            `/api/v2/workforcemanagement/managementunits/${enc(managementUnitId)}/users`,
            { signal }
        );
        return (res.entities ?? []).map((u) => u.id).filter((id): id is string => typeof id === 'string');
    }

    /** Current adherence of every agent in a unit; follows `downloadUrl` when Genesys returns one. */
    async getUnitAdherence(managementUnitId: string, signal?: AbortSignal): Promise<UserScheduleAdherence[]> {
        const res = await this.request<Genesys.Models.UserScheduleAdherenceListing>(
            'GET',
            `/api/v2/workforcemanagement/managementunits/${enc(managementUnitId)}/adherence`,
            { signal }
        );
        if (res.downloadUrl) {
            const data = await this.request<unknown>('GET', res.downloadUrl, { signal, absolute: true });
            if (Array.isArray(data)) return data as UserScheduleAdherence[];
            const entities = (data as Genesys.Models.UserScheduleAdherenceListing | undefined)?.entities;
            if (!Array.isArray(entities))
                throw new GenesysError('GENESYS_BAD_RESPONSE', 'Adherence download has no entities');
            return entities;
        }
        return res.entities ?? [];
    }

    /** Adherence of the given users, in calls of at most 100 ids (the API limit). */
    async getAdherence(userIds: readonly string[], signal?: AbortSignal): Promise<UserScheduleAdherence[]> {
        const out: UserScheduleAdherence[] = [];
        for (const chunk of chunks(unique(userIds), 100)) {
            const res = await this.request<UserScheduleAdherence[]>('GET', '/api/v2/workforcemanagement/adherence', {
                params: { userId: chunk },
                signal
            });
            if (!Array.isArray(res))
                throw new GenesysError('GENESYS_BAD_RESPONSE', 'Adherence by user ids did not return an array');
            out.push(...res);
        }
        return out;
    }

    /** Users by id (names, emails), in calls of at most 100 ids. */
    async getUsers(userIds: readonly string[], signal?: AbortSignal): Promise<GenesysUser[]> {
        const out: GenesysUser[] = [];
        for (const chunk of chunks(unique(userIds), 100)) {
            const res = await this.request<Genesys.Models.UserEntityListing>('GET', '/api/v2/users', {
                params: { id: chunk, pageSize: chunk.length, state: 'any' },
                signal
            });
            out.push(...(res.entities ?? []));
        }
        return out;
    }

    /** Exact email look-up through `POST /api/v2/users/search`; undefined when no user has it. */
    async findUserByEmail(email: string, signal?: AbortSignal): Promise<GenesysUser | undefined> {
        const res = await this.request<Genesys.Models.UsersSearchResponse>('POST', '/api/v2/users/search', {
            data: { pageSize: 1, query: [{ type: 'EXACT', fields: ['email'], value: email }] },
            signal
        });
        return res.results?.[0];
    }

    /** Activity codes of a business unit. */
    async getActivityCodes(businessUnitId: string, signal?: AbortSignal): Promise<ActivityCode[]> {
        const res = await this.request<Genesys.Models.BusinessUnitActivityCodeListing>(
            'GET',
            `/api/v2/workforcemanagement/businessunits/${enc(businessUnitId)}/activitycodes`,
            { signal }
        );
        if (res.downloadUrl && !res.entities) {
            const data = await this.request<Genesys.Models.BusinessUnitActivityCodeListing>('GET', res.downloadUrl, {
                signal,
                absolute: true
            });
            return data.entities ?? [];
        }
        return res.entities ?? [];
    }

    /**
     * Published agent schedules of a unit between two instants. `Processing` means the result is not ready: ask again
     * later (the caller polls); a `downloadUrl` on a complete answer is followed.
     */
    async searchSchedules(
        managementUnitId: string,
        query: { startDate: string; endDate: string; userIds?: readonly string[] },
        signal?: AbortSignal
    ): Promise<ScheduleSearchResult> {
        const body: Genesys.Models.BuSearchAgentSchedulesRequest = {
            startDate: query.startDate,
            endDate: query.endDate
        };
        if (query.userIds) body.userIds = [...query.userIds];
        const res = await this.request<Genesys.Models.BuAsyncAgentSchedulesSearchResponse>(
            'POST',
            `/api/v2/workforcemanagement/managementunits/${enc(managementUnitId)}/agentschedules/search`,
            { data: body, signal }
        );
        if (res.status === 'Processing') return { status: 'Processing', operationId: res.operationId };
        if (res.status !== undefined && res.status !== 'Complete') {
            throw new GenesysError('GENESYS_SERVER_ERROR', `Schedule search ended with status ${res.status}`, {
                retryable: true
            });
        }
        let result = res.result;
        if (!result && res.downloadUrl) {
            result = await this.request<Genesys.Models.BuAgentSchedulesSearchResponse>('GET', res.downloadUrl, {
                signal,
                absolute: true
            });
        }
        return {
            status: 'Complete',
            agentSchedules: result?.agentSchedules ?? [],
            timeZone: result?.businessUnitTimeZone
        };
    }

    // ---- Notifications ----

    async createChannel(signal?: AbortSignal): Promise<Channel> {
        const ch = await this.request<Channel>('POST', '/api/v2/notifications/channels', { signal });
        if (!ch.id || !ch.connectUri)
            throw new GenesysError('GENESYS_BAD_RESPONSE', 'Channel response lacks id or connectUri');
        return ch;
    }

    /** Adds topics (POST) or replaces the topic list (PUT, `replace`); returns the per-topic states. */
    async subscribe(
        channelId: string,
        topics: readonly string[],
        replace = false,
        signal?: AbortSignal
    ): Promise<ChannelTopic[]> {
        const res = await this.request<Genesys.Models.ChannelTopicEntityListing>(
            replace ? 'PUT' : 'POST',
            `/api/v2/notifications/channels/${enc(channelId)}/subscriptions`,
            { data: topics.map((id) => ({ id })), signal }
        );
        return res.entities ?? [];
    }

    async getSubscriptions(channelId: string, signal?: AbortSignal): Promise<ChannelTopic[]> {
        const res = await this.request<Genesys.Models.ChannelTopicEntityListing>(
            'GET',
            `/api/v2/notifications/channels/${enc(channelId)}/subscriptions`,
            { signal }
        );
        return res.entities ?? [];
    }

    // ---- Presence (sync worker) ----

    async putPresencesBulk(updates: readonly BulkPresenceUpdate[], signal?: AbortSignal): Promise<UcUserPresence[]> {
        const res = await this.request<UcUserPresence[] | undefined>('PUT', '/api/v2/users/presences/bulk', {
            data: updates,
            signal
        });
        return Array.isArray(res) ? res : [];
    }

    async patchUserPresence(
        userId: string,
        sourceId: string,
        body: { presenceDefinition: { id: string }; message?: string },
        signal?: AbortSignal
    ): Promise<UserPresence> {
        const payload: UserPresence = { presenceDefinition: body.presenceDefinition, message: body.message };
        return this.request<UserPresence>('PATCH', `/api/v2/users/${enc(userId)}/presences/${enc(sourceId)}`, {
            data: payload,
            signal
        });
    }

    /** Presences set by a source, in calls of at most 50 ids. */
    async getPresencesBulk(
        sourceId: string,
        userIds: readonly string[],
        signal?: AbortSignal
    ): Promise<UcUserPresence[]> {
        const out: UcUserPresence[] = [];
        for (const chunk of chunks(unique(userIds), 50)) {
            const res = await this.request<UcUserPresence[]>('GET', `/api/v2/users/presences/${enc(sourceId)}/bulk`, {
                params: { id: chunk },
                signal
            });
            out.push(...(Array.isArray(res) ? res : []));
        }
        return out;
    }

    async listPresenceSources(signal?: AbortSignal): Promise<PresenceSource[]> {
        const res = await this.request<Genesys.Models.SourceEntityListing>('GET', '/api/v2/presence/sources', {
            signal
        });
        return res.entities ?? [];
    }

    async createPresenceSource(
        source: { name: string; description?: string },
        signal?: AbortSignal
    ): Promise<PresenceSource> {
        const body: PresenceSource = { name: source.name, description: source.description };
        return this.request<PresenceSource>('POST', '/api/v2/presence/sources', { data: body, signal });
    }

    async listPresenceDefinitions(signal?: AbortSignal): Promise<PresenceDefinition[]> {
        const res = await this.request<Genesys.Models.OrganizationPresenceDefinitionEntityListing>(
            'GET',
            '/api/v2/presence/definitions',
            {
                params: { pageSize: 100 },
                signal
            }
        );
        return res.entities ?? [];
    }

    // ---- transport ----

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

function enc(s: string): string {
    return encodeURIComponent(s);
}

function unique(ids: readonly string[]): string[] {
    return [...new Set(ids)];
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}
