import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type * as Genesys from 'purecloud-platform-client-v2';
import type { Clock, Random, TimerHandle } from '../domain/clock';
import { createSystemClock } from '../adapters/systemClock';
import { ACTIVITY_CODES, SYSTEM_PRESENCES, routingStatusOf, type SystemPresence } from './center/catalog';
import { ContactCenter, type Agent } from './center/ContactCenter';
import { seededRandom, seededUuid } from './seededRandom';

export interface GenesysEmulatorOptions {
    /** @default 0 (any free port) */
    port?: number;
    /** @default '127.0.0.1' */
    host?: string;
    /** Drives tokens, rate limits, heartbeats, latency and the simulation. @default the wall clock */
    clock?: Clock;
    /** Seed of every id, name and simulated choice. @default 1 */
    seed?: number;
    /** @default 2 */
    units?: number;
    /** @default 25 (the sandbox: 2 units of 25 = 50 agents) */
    agentsPerUnit?: number;
    /** @default 2 */
    teamsPerUnit?: number;
    /** @default 'emulator-client' */
    clientId?: string;
    /** @default 'emulator-secret' */
    clientSecret?: string;
    /** `expires_in` of issued tokens, seconds. @default 86399 */
    tokenLifetimeSec?: number;
    /** Requests per minute per token before 429; 0 disables. @default 300 */
    rateLimitPerMinute?: number;
    /** Server heartbeat period on every socket. @default 30000 */
    heartbeatIntervalMs?: number;
    /** Unit adherence snapshots larger than this are served through a `downloadUrl`. @default 500 */
    downloadThreshold?: number;
    /** Run the contact-center simulation on a timer (agents follow schedules, drift now and then). @default false */
    simulate?: boolean;
    /** Simulation step. @default 1000 */
    simulationTickMs?: number;
    /** Spontaneous drifts per agent per hour. @default 0.2 */
    driftPerAgentPerHour?: number;
    /** Chance an agent is 4–20 min late following a schedule change. @default 0.1 */
    lateProbability?: number;
}

export interface RecordedRequest {
    method: string;
    path: string;
    query: Record<string, string[]>;
    at: number;
    token?: string;
    status?: number;
    body?: unknown;
}

export interface PresenceWrite {
    userId: string;
    sourceId: string;
    presenceDefinitionId: string;
    message?: string;
    at: number;
    via: 'bulk' | 'patch';
    applied: boolean;
}

interface EmChannel {
    id: string;
    clientId: string;
    topics: Set<string>;
    expiresAt: number;
    createdAt: number;
    socket?: WebSocket;
}

interface TokenInfo {
    clientId: string;
    expiresAt: number;
    window: number[];
}

/** Scenario control for tests and the sandbox. */
export interface EmulatorControl {
    readonly center: ContactCenter;
    readonly requests: RecordedRequest[];
    readonly presenceWrites: PresenceWrite[];
    /** Token requests served (successful or not). */
    readonly tokenRequests: number;
    /** Frames sent over sockets (excluding heartbeats/pongs). */
    readonly framesSent: number;
    clearRequests(): void;
    /** Set an agent's presence now; adherence is recomputed and events emitted like Genesys would. */
    setPresence(userId: string, presence: SystemPresence): void;
    /** Send an arbitrary adherence event body on the unit's topic (scripted event). */
    emitAdherence(managementUnitId: string, eventBody: Record<string, unknown>): void;
    /** Send a raw text frame on every open socket (malformed frames, unknown topics). */
    sendRaw(text: string): void;
    /** Schedule republish: `agentschedules.changed` then a burst of adherence changes. Returns the moved agents. */
    republish(managementUnitId: string, fraction?: number): string[];
    /** Close every socket abruptly (network drop). */
    dropSockets(): void;
    /** Send `v2.system.socket_closing` on every socket and close them after `graceMs` on the clock. */
    socketClosing(graceMs?: number): void;
    /** Stop (true) or resume heartbeats and pong replies. */
    silence(on: boolean): void;
    /** Refuse subscriptions to topics matching `pattern` with these missing permissions. */
    refuseTopics(pattern: RegExp, missingPermissions?: string[]): void;
    /** Delay every API response by `ms` on the emulator clock. */
    setLatency(ms: number): void;
    /** Invalidate every issued token (the next call gets 401). */
    revokeTokens(): void;
    /** While on, every API call gets 401 whatever the token. */
    refuseAuth(on: boolean): void;
    setTokenLifetime(seconds: number): void;
    /** Answer the next `n` API calls with 429 and `Retry-After: retryAfterSec`. */
    rateLimitNext(n: number, retryAfterSec: number): void;
    setRateLimit(perMinute: number): void;
    /** Answer the next `n` API calls with `status` (5xx bursts). */
    failNext(n: number, status?: number): void;
    /** Serve every unit snapshot through a `downloadUrl` (true) or inline (false); undefined = by size. */
    snapshotViaDownload(on: boolean | undefined): void;
    /** The next `n` schedule searches answer `Processing`. */
    searchProcessing(n: number): void;
    /** Record presence writes but do not apply them (the sync worker's reconciliation test). */
    ignorePresenceWrites(on: boolean): void;
    /** Run one simulation step now. */
    tick(): void;
    channels(): Array<{ id: string; topics: string[]; connected: boolean; expiresAt: number }>;
    /** Sockets currently open. */
    openSockets(): number;
}

export interface RunningEmulator {
    /** REST base (GENESYS_API_URL). */
    url: string;
    /** OAuth base (GENESYS_LOGIN_URL). */
    loginUrl: string;
    clientId: string;
    clientSecret: string;
    control: EmulatorControl;
    close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const TOPIC_LIMIT = 1000;
const CHANNEL_LIMIT = 20;

class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly headers: Record<string, string> = {}
    ) {
        super(message);
    }
}

/**
 * A Genesys Cloud emulator on a loopback port that speaks the real API (see docs/genesys.md for the list):
 * OAuth client credentials, notification channels and a WebSocket per channel, WFM reads, users, presence writes,
 * 401/429 behaviour, and a simulated contact center producing adherence events.
 */
export async function startGenesysEmulator(options: GenesysEmulatorOptions = {}): Promise<RunningEmulator> {
    const clock = options.clock ?? createSystemClock();
    const random: Random = seededRandom(options.seed ?? 1);
    const idRandom: Random = seededRandom((options.seed ?? 1) * 7919 + 13);
    const clientId = options.clientId ?? 'emulator-client';
    const clientSecret = options.clientSecret ?? 'emulator-secret';
    let tokenLifetimeSec = options.tokenLifetimeSec ?? 86_399;
    let rateLimitPerMinute = options.rateLimitPerMinute ?? 300;
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
    const downloadThreshold = options.downloadThreshold ?? 500;

    const channels = new Map<string, EmChannel>();
    const tokens = new Map<string, TokenInfo>();
    const downloads = new Map<string, unknown>();
    const sources = new Map<string, Genesys.Models.Source>();
    const sourcePresence = new Map<string, { definitionId: string; at: number; message?: string }>();
    const requests: RecordedRequest[] = [];
    const presenceWrites: PresenceWrite[] = [];
    const timers = new Set<TimerHandle>();
    let tokenRequests = 0;
    let framesSent = 0;
    let silenced = false;
    let latencyMs = 0;
    let scripted429: { n: number; retryAfterSec: number } = { n: 0, retryAfterSec: 0 };
    let scriptedFail: { n: number; status: number } = { n: 0, status: 503 };
    let viaDownload: boolean | undefined;
    let processingLeft = 0;
    let ignoreWrites = false;
    let authRefused = false;
    const refusals: Array<{ pattern: RegExp; missingPermissions: string[] }> = [];
    let baseUrl = '';
    let closed = false;

    const later = (fn: () => void, ms: number): void => {
        const h = clock.setTimeout(() => {
            timers.delete(h);
            if (!closed) fn();
        }, ms);
        timers.add(h);
    };

    const center = new ContactCenter(
        {
            clock,
            random,
            units: options.units,
            agentsPerUnit: options.agentsPerUnit,
            teamsPerUnit: options.teamsPerUnit,
            driftPerAgentPerHour: options.driftPerAgentPerHour,
            lateProbability: options.lateProbability
        },
        (agent) => publishAdherence(agent)
    );

    function iso(ms: number): string {
        return new Date(ms).toISOString();
    }

    function adherenceBody(
        agent: Agent
    ): Genesys.Models.WfmUserScheduleAdherenceUpdatedMuTopicUserScheduleAdherenceUpdate {
        const a = agent.adherence;
        return {
            user: { id: agent.id },
            managementUnitId: agent.managementUnitId,
            businessUnitId: agent.businessUnitId,
            team: { id: agent.teamId, name: agent.teamName },
            scheduledActivityCategory: a.scheduledCategory,
            // Unscheduled agents have no activity code: the field is left out rather than sent with an empty id.
            ...(a.scheduledActivityCodeId === undefined
                ? {}
                : { scheduledActivityCode: { id: a.scheduledActivityCodeId, secondaryPresences: [] } }),
            systemPresence: agent.systemPresence,
            organizationSecondaryPresenceId: agent.presenceDefinitionId,
            routingStatus: routingStatusOf(agent.systemPresence),
            actualActivityCategory: a.actualCategory,
            isOutOfOffice: false,
            adherenceState: a.adherenceState,
            impact: a.impact,
            adherenceChangeTime: iso(a.changedAt),
            presenceUpdateTime: iso(agent.presenceUpdatedAt),
            activeQueues: [],
            removedFromManagementUnit: false
        } as Genesys.Models.WfmUserScheduleAdherenceUpdatedMuTopicUserScheduleAdherenceUpdate;
    }

    function snapshotEntity(agent: Agent): Genesys.Models.UserScheduleAdherence {
        const a = agent.adherence;
        const entity: Genesys.Models.UserScheduleAdherence = {
            id: agent.id,
            name: agent.name,
            user: { id: agent.id, selfUri: `/api/v2/users/${agent.id}` },
            businessUnit: { id: agent.businessUnitId },
            managementUnit: { id: agent.managementUnitId },
            team: { id: agent.teamId },
            scheduledActivityCategory: a.scheduledCategory,
            systemPresence: agent.systemPresence,
            organizationSecondaryPresenceId: agent.presenceDefinitionId,
            routingStatus: routingStatusOf(agent.systemPresence),
            actualActivityCategory: a.actualCategory,
            isOutOfOffice: false,
            adherenceState: a.adherenceState,
            impact: a.impact,
            timeOfAdherenceChange: iso(a.changedAt),
            presenceUpdateTime: iso(agent.presenceUpdatedAt),
            activeQueues: [],
            removedFromManagementUnit: false,
            selfUri: `/api/v2/workforcemanagement/adherence/${agent.id}`
        };
        if (a.scheduledActivityCodeId !== undefined) entity.scheduledActivityCode = { id: a.scheduledActivityCodeId };
        return entity;
    }

    function sendToTopic(topic: string, eventBody: unknown): void {
        const text = JSON.stringify({
            topicName: topic,
            version: '2',
            eventBody,
            metadata: { CorrelationId: seededUuid(idRandom) }
        });
        const now = clock.now();
        for (const ch of channels.values()) {
            // A channel expires 24 h after creation or its last subscription change: it carries nothing any more.
            if (ch.expiresAt <= now) continue;
            if (ch.socket && ch.topics.has(topic) && ch.socket.readyState === 1) {
                ch.socket.send(text);
                framesSent++;
            }
        }
    }

    function publishAdherence(agent: Agent): void {
        const body = adherenceBody(agent);
        sendToTopic(`v2.workforcemanagement.managementunits.${agent.managementUnitId}.adherence`, body);
        sendToTopic(`v2.workforcemanagement.teams.${agent.teamId}.adherence`, body);
        sendToTopic(`v2.users.${agent.id}.workforcemanagement.adherence`, body);
    }

    // ---------- HTTP ----------

    function errorBody(status: number, code: string, message: string): Record<string, unknown> {
        return { message, code, status, contextId: seededUuid(idRandom), details: [], errors: [] };
    }

    function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
        const text = body === undefined ? '' : JSON.stringify(body);
        res.writeHead(status, {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(text),
            'ININ-Correlation-Id': seededUuid(idRandom),
            ...headers
        });
        res.end(text);
    }

    function authenticate(req: http.IncomingMessage): { token: string; info: TokenInfo } {
        const header = req.headers.authorization ?? '';
        const m = /^Bearer (.+)$/.exec(header);
        const info = m ? tokens.get(m[1]) : undefined;
        if (!m || !info || info.expiresAt <= clock.now() || authRefused) {
            if (m && info) tokens.delete(m[1]);
            throw new HttpError(401, 'bad.credentials', 'Invalid login credentials.');
        }
        return { token: m[1], info };
    }

    function rateLimit(info: TokenInfo): void {
        if (scripted429.n > 0) {
            scripted429.n--;
            throw tooMany(scripted429.retryAfterSec);
        }
        if (rateLimitPerMinute <= 0) return;
        const now = clock.now();
        while (info.window.length > 0 && info.window[0] <= now - 60_000) info.window.shift();
        if (info.window.length >= rateLimitPerMinute) {
            throw tooMany(Math.max(1, Math.ceil((info.window[0] + 60_000 - now) / 1000)));
        }
        info.window.push(now);
    }

    function tooMany(seconds: number): HttpError {
        return new HttpError(
            429,
            'too.many.requests.retry.after',
            `Rate limit exceeded the maximum. Retry the request in [${seconds}] seconds`,
            { 'Retry-After': String(seconds) }
        );
    }

    async function readBody(req: http.IncomingMessage): Promise<string> {
        const parts: Buffer[] = [];
        let size = 0;
        for await (const chunk of req) {
            size += (chunk as Buffer).length;
            if (size > 512_000)
                throw new HttpError(413, 'request.entity.too.large', 'Request body exceeds 512000 bytes');
            parts.push(chunk as Buffer);
        }
        return Buffer.concat(parts).toString('utf8');
    }

    function json(text: string): unknown {
        if (text === '') return undefined;
        try {
            return JSON.parse(text);
        } catch {
            throw new HttpError(400, 'bad.request', 'The request body is not valid JSON');
        }
    }

    function handleToken(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
        tokenRequests++;
        const auth = req.headers.authorization ?? '';
        const m = /^Basic (.+)$/.exec(auth);
        const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
        const sep = decoded.indexOf(':');
        const id = sep >= 0 ? decoded.slice(0, sep) : '';
        const secret = sep >= 0 ? decoded.slice(sep + 1) : '';
        const form = new URLSearchParams(body);
        if (id !== clientId || secret !== clientSecret) {
            return send(res, 401, { error: 'invalid_client', description: 'client authentication failed' });
        }
        if (form.get('grant_type') !== 'client_credentials') {
            return send(res, 400, { error: 'unsupported_grant_type', description: 'grant type not supported' });
        }
        const token = `emu-${seededUuid(idRandom)}`;
        tokens.set(token, { clientId: id, expiresAt: clock.now() + tokenLifetimeSec * 1000, window: [] });
        send(res, 200, { access_token: token, token_type: 'bearer', expires_in: tokenLifetimeSec });
    }

    function agentOr404(id: string): Agent {
        const a = center.agents.get(id);
        if (!a) throw new HttpError(404, 'not.found', `User ${id} not found`);
        return a;
    }

    function unitOr404(id: string): ReturnType<ContactCenter['unit']> & object {
        const u = center.unit(id);
        if (!u) throw new HttpError(404, 'not.found', `Management unit ${id} not found`);
        return u;
    }

    function userEntity(a: Agent): Genesys.Models.User {
        return {
            id: a.id,
            name: a.name,
            email: a.email,
            username: a.email,
            state: 'active',
            version: 1,
            division: { id: 'home' },
            selfUri: `/api/v2/users/${a.id}`
        } as Genesys.Models.User;
    }

    function download(content: unknown): string {
        const id = seededUuid(idRandom);
        downloads.set(id, content);
        return `${baseUrl}/downloads/${id}?X-Amz-Signature=${seededUuid(idRandom)}`;
    }

    function ucPresence(userId: string, sourceId: string): Genesys.Models.UcUserPresence {
        const a = agentOr404(userId);
        const stored = sourcePresence.get(`${userId}|${sourceId}`);
        const defId = stored?.definitionId ?? a.presenceDefinitionId;
        const def = center.presenceDefinitions.find((d) => d.id === defId);
        return {
            userId,
            sourceId,
            presenceDefinition: { id: defId, systemPresence: def?.systemPresence },
            message: stored?.message,
            modifiedDate: iso(stored?.at ?? a.presenceUpdatedAt)
        };
    }

    function applyPresenceWrite(
        userId: string,
        sourceId: string,
        definitionId: unknown,
        message: unknown,
        via: 'bulk' | 'patch'
    ): void {
        if (typeof definitionId !== 'string')
            throw new HttpError(400, 'bad.request', 'presenceDefinition.id is required');
        const def = center.presenceDefinitions.find((d) => d.id === definitionId);
        if (!def) throw new HttpError(400, 'bad.request', `Unknown presence definition ${definitionId}`);
        agentOr404(userId);
        if (!sources.has(sourceId)) throw new HttpError(404, 'not.found', `Presence source ${sourceId} not found`);
        const write: PresenceWrite = {
            userId,
            sourceId,
            presenceDefinitionId: definitionId,
            at: clock.now(),
            via,
            applied: !ignoreWrites
        };
        if (typeof message === 'string') write.message = message;
        presenceWrites.push(write);
        if (ignoreWrites) return;
        sourcePresence.set(`${userId}|${sourceId}`, { definitionId, at: clock.now(), message: write.message });
        center.setPresence(userId, def.systemPresence);
    }

    function topicState(ch: EmChannel, topic: string): Genesys.Models.ChannelTopic {
        for (const r of refusals) {
            if (r.pattern.test(topic)) {
                return {
                    id: topic,
                    state: 'Rejected',
                    rejectionReason: 'Missing permissions',
                    missingPermissions: r.missingPermissions
                };
            }
        }
        const mu = /^v2\.workforcemanagement\.managementunits\.([^.]+)\.(adherence|agentschedules\.changed)$/.exec(
            topic
        );
        const known =
            (mu && center.unit(mu[1])) ||
            /^v2\.workforcemanagement\.teams\.[^.]+\.adherence$/.test(topic) ||
            /^v2\.users\.[^.]+\.workforcemanagement\.adherence$/.test(topic);
        if (!known) return { id: topic, state: 'Rejected', rejectionReason: 'Topic not found', missingPermissions: [] };
        ch.topics.add(topic);
        return { id: topic, state: 'Permitted', selfUri: `/api/v2/notifications/channels/${ch.id}/subscriptions` };
    }

    function channelOr404(id: string): EmChannel {
        const ch = channels.get(id);
        if (!ch || ch.expiresAt <= clock.now()) {
            if (ch) dropChannel(ch);
            throw new HttpError(404, 'not.found', `Channel ${id} not found`);
        }
        return ch;
    }

    function dropChannel(ch: EmChannel): void {
        ch.socket?.terminate();
        channels.delete(ch.id);
    }

    async function route(req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest): Promise<void> {
        const url = new URL(req.url ?? '/', 'http://emulator');
        const path = url.pathname;
        const method = req.method ?? 'GET';
        const body = await readBody(req);
        if (method === 'POST' && path === '/oauth/token') return handleToken(req, body, res);
        if (method === 'GET' && path.startsWith('/downloads/')) {
            const content = downloads.get(path.slice('/downloads/'.length));
            if (content === undefined) throw new HttpError(404, 'not.found', 'Download expired');
            return send(res, 200, content);
        }
        if (!path.startsWith('/api/v2/')) throw new HttpError(404, 'not.found', `No route ${method} ${path}`);
        const { token, info } = authenticate(req);
        rec.token = token;
        rateLimit(info);
        if (scriptedFail.n > 0) {
            scriptedFail.n--;
            throw new HttpError(scriptedFail.status, 'internal.server.error', 'The server encountered an error');
        }
        if (latencyMs > 0) await new Promise<void>((resolve) => later(resolve, latencyMs));
        const q = (name: string): string[] =>
            url.searchParams
                .getAll(name)
                .flatMap((v) => v.split(','))
                .filter((v) => v !== '');
        const data = json(body);
        rec.body = data;
        let m: RegExpExecArray | null;

        // --- notifications ---
        if (method === 'POST' && path === '/api/v2/notifications/channels') {
            const mine = [...channels.values()].filter((c) => c.clientId === info.clientId);
            if (mine.length >= CHANNEL_LIMIT) {
                const victim =
                    mine.filter((c) => !c.socket).sort((a, b) => a.createdAt - b.createdAt)[0] ??
                    mine.sort((a, b) => a.createdAt - b.createdAt)[0];
                dropChannel(victim);
            }
            const id = seededUuid(idRandom);
            const ch: EmChannel = {
                id,
                clientId: info.clientId,
                topics: new Set(),
                expiresAt: clock.now() + DAY_MS,
                createdAt: clock.now()
            };
            channels.set(id, ch);
            const wsBase = baseUrl.replace(/^http/, 'ws');
            const channel: Genesys.Models.Channel = {
                id,
                connectUri: `${wsBase}/channels/${id}`,
                expires: iso(ch.expiresAt)
            };
            return send(res, 200, channel);
        }
        if ((m = /^\/api\/v2\/notifications\/channels\/([^/]+)\/subscriptions$/.exec(path))) {
            const ch = channelOr404(m[1]);
            if (method === 'GET') {
                return send(res, 200, { entities: [...ch.topics].map((id) => ({ id, state: 'Permitted' })) });
            }
            if (method !== 'POST' && method !== 'PUT')
                throw new HttpError(405, 'method.not.allowed', 'Method not allowed');
            if (!Array.isArray(data) || data.some((t) => typeof (t as { id?: unknown })?.id !== 'string')) {
                throw new HttpError(400, 'bad.request', 'Body must be an array of {"id": "<topic>"}');
            }
            const requested = (data as Array<{ id: string }>).map((t) => t.id);
            const total = new Set([...(method === 'POST' ? ch.topics : []), ...requested]).size;
            if (total > TOPIC_LIMIT) {
                throw new HttpError(
                    400,
                    'notification.topic.limit.exceeded',
                    `A channel may have at most ${TOPIC_LIMIT} topics`
                );
            }
            if (method === 'PUT') ch.topics.clear();
            const entities = requested.map((t) => topicState(ch, t));
            ch.expiresAt = clock.now() + DAY_MS;
            return send(res, 200, { entities });
        }
        if ((m = /^\/api\/v2\/notifications\/channels\/([^/]+)$/.exec(path)) && method === 'HEAD') {
            channelOr404(m[1]);
            res.writeHead(200);
            return void res.end();
        }

        // --- WFM ---
        if (method === 'GET' && path === '/api/v2/workforcemanagement/managementunits') {
            const entities: Genesys.Models.ManagementUnit[] = center.units.map((u) => ({
                id: u.id,
                name: u.name,
                businessUnit: { id: u.businessUnitId },
                timeZone: 'UTC',
                selfUri: `/api/v2/workforcemanagement/managementunits/${u.id}`
            }));
            return send(res, 200, { entities, pageSize: 100, pageNumber: 1, total: entities.length, pageCount: 1 });
        }
        if (method === 'GET' && (m = /^\/api\/v2\/workforcemanagement\/managementunits\/([^/]+)\/users$/.exec(path))) {
            const unit = unitOr404(m[1]);
            return send(res, 200, { entities: unit.agentIds.map((id) => ({ id, selfUri: `/api/v2/users/${id}` })) });
        }
        if (
            method === 'GET' &&
            (m = /^\/api\/v2\/workforcemanagement\/managementunits\/([^/]+)\/adherence$/.exec(path))
        ) {
            const unit = unitOr404(m[1]);
            const entities = unit.agentIds.map((id) => snapshotEntity(center.agents.get(id)!));
            const useDownload = viaDownload ?? entities.length > downloadThreshold;
            const listing: Genesys.Models.UserScheduleAdherenceListing = useDownload
                ? { downloadUrl: download({ entities }) }
                : { entities };
            return send(res, 200, listing);
        }
        if (method === 'GET' && path === '/api/v2/workforcemanagement/adherence') {
            const ids = q('userId');
            if (ids.length < 1 || ids.length > 100)
                throw new HttpError(400, 'bad.request', 'Between 1 and 100 userId values are required');
            return send(
                res,
                200,
                ids.filter((id) => center.agents.has(id)).map((id) => snapshotEntity(center.agents.get(id)!))
            );
        }
        if (
            method === 'GET' &&
            (m = /^\/api\/v2\/workforcemanagement\/businessunits\/([^/]+)\/activitycodes$/.exec(path))
        ) {
            if (m[1] !== center.businessUnitId)
                throw new HttpError(404, 'not.found', `Business unit ${m[1]} not found`);
            const entities: Genesys.Models.BusinessUnitActivityCode[] = ACTIVITY_CODES.map((c) => ({
                id: c.id,
                name: c.name,
                active: true,
                defaultCode: true,
                category: c.category,
                countsAsPaidTime: c.category !== 'Meal',
                countsAsWorkTime: c.category === 'OnQueueWork' || c.category === 'OffQueueWork'
            }));
            return send(res, 200, { entities });
        }
        if (
            method === 'POST' &&
            (m = /^\/api\/v2\/workforcemanagement\/managementunits\/([^/]+)\/agentschedules\/search$/.exec(path))
        ) {
            const unit = unitOr404(m[1]);
            const b = (data ?? {}) as { startDate?: unknown; endDate?: unknown; userIds?: unknown };
            const start = typeof b.startDate === 'string' ? Date.parse(b.startDate) : Number.NaN;
            const end = typeof b.endDate === 'string' ? Date.parse(b.endDate) : Number.NaN;
            if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
                throw new HttpError(
                    400,
                    'bad.request',
                    'startDate and endDate are required ISO-8601 instants with endDate after startDate'
                );
            }
            if (processingLeft > 0) {
                processingLeft--;
                const r: Genesys.Models.BuAsyncAgentSchedulesSearchResponse = {
                    status: 'Processing',
                    operationId: seededUuid(idRandom)
                };
                return send(res, 200, r);
            }
            const wanted = Array.isArray(b.userIds) ? new Set(b.userIds as string[]) : undefined;
            const agentSchedules: Genesys.Models.BuAgentScheduleSearchResponse[] = unit.agentIds
                .filter((id) => !wanted || wanted.has(id))
                .map((id) => {
                    const a = center.agents.get(id)!;
                    const acts = a.activities.filter(
                        (x) => x.startAt < end && x.startAt + x.lengthMinutes * 60_000 > start
                    );
                    return {
                        user: { id },
                        shifts: acts.length
                            ? [
                                  {
                                      id: `${id}-${start}`,
                                      startDate: iso(acts[0].startAt),
                                      lengthMinutes: acts.reduce((s, x) => s + x.lengthMinutes, 0),
                                      activities: acts.map((x) => ({
                                          startDate: iso(x.startAt),
                                          lengthMinutes: x.lengthMinutes,
                                          activityCodeId: x.activityCodeId,
                                          description: ACTIVITY_CODES.find((c) => c.id === x.activityCodeId)?.name ?? ''
                                      }))
                                  }
                              ]
                            : [],
                        fullDayTimeOffMarkers: []
                    };
                });
            const result: Genesys.Models.BuAgentSchedulesSearchResponse = {
                agentSchedules,
                businessUnitTimeZone: 'UTC'
            };
            const r: Genesys.Models.BuAsyncAgentSchedulesSearchResponse =
                agentSchedules.length > downloadThreshold
                    ? { status: 'Complete', operationId: seededUuid(idRandom), downloadUrl: download(result) }
                    : { status: 'Complete', operationId: seededUuid(idRandom), result };
            return send(res, 200, r);
        }

        // --- users ---
        if (method === 'GET' && path === '/api/v2/users') {
            const ids = q('id');
            if (ids.length > 100) throw new HttpError(400, 'bad.request', 'At most 100 id values');
            const list = ids.length
                ? ids.filter((id) => center.agents.has(id)).map((id) => center.agents.get(id)!)
                : [...center.agents.values()].slice(0, 25);
            const entities = list.map(userEntity);
            return send(res, 200, {
                entities,
                pageSize: Math.max(1, entities.length),
                pageNumber: 1,
                total: entities.length,
                pageCount: 1
            });
        }
        if (method === 'POST' && path === '/api/v2/users/search') {
            const b = (data ?? {}) as { query?: Array<{ type?: string; fields?: string[]; value?: string }> };
            const clause = b.query?.find((c) => c.fields?.includes('email'));
            if (!clause || typeof clause.value !== 'string')
                throw new HttpError(400, 'bad.request', 'Only EXACT email queries are emulated');
            const a = center.findByEmail(clause.value);
            return send(res, 200, { total: a ? 1 : 0, pageSize: 1, pageNumber: 1, results: a ? [userEntity(a)] : [] });
        }

        // --- presence ---
        if (method === 'PUT' && path === '/api/v2/users/presences/bulk') {
            if (!Array.isArray(data))
                throw new HttpError(400, 'bad.request', 'Body must be an array of user presences');
            const out: Genesys.Models.UcUserPresence[] = [];
            for (const item of data as Array<{
                id?: unknown;
                sourceId?: unknown;
                presenceDefinition?: { id?: unknown };
                message?: unknown;
            }>) {
                if (typeof item.id !== 'string' || typeof item.sourceId !== 'string')
                    throw new HttpError(400, 'bad.request', 'id and sourceId are required');
                applyPresenceWrite(item.id, item.sourceId, item.presenceDefinition?.id, item.message, 'bulk');
                out.push(ucPresence(item.id, item.sourceId));
            }
            return send(res, 200, out);
        }
        if ((m = /^\/api\/v2\/users\/presences\/([^/]+)\/bulk$/.exec(path)) && method === 'GET') {
            const sourceId = decodeURIComponent(m[1]);
            const ids = q('id');
            if (ids.length < 1 || ids.length > 50)
                throw new HttpError(400, 'bad.request', 'Between 1 and 50 id values are required');
            return send(
                res,
                200,
                ids.filter((id) => center.agents.has(id)).map((id) => ucPresence(id, sourceId))
            );
        }
        if ((m = /^\/api\/v2\/users\/([^/]+)\/presences\/([^/]+)$/.exec(path)) && method === 'PATCH') {
            const [userId, sourceId] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
            const b = (data ?? {}) as { presenceDefinition?: { id?: unknown }; message?: unknown };
            applyPresenceWrite(userId, sourceId, b.presenceDefinition?.id, b.message, 'patch');
            const p = ucPresence(userId, sourceId);
            const up: Genesys.Models.UserPresence = {
                sourceId,
                presenceDefinition: p.presenceDefinition,
                message: p.message,
                modifiedDate: p.modifiedDate
            };
            return send(res, 200, up);
        }
        if (method === 'GET' && (m = /^\/api\/v2\/users\/([^/]+)$/.exec(path))) {
            return send(res, 200, userEntity(agentOr404(decodeURIComponent(m[1]))));
        }
        if (path === '/api/v2/presence/sources') {
            if (method === 'GET') return send(res, 200, { total: sources.size, entities: [...sources.values()] });
            if (method === 'POST') {
                const b = (data ?? {}) as { name?: unknown; description?: unknown };
                if (typeof b.name !== 'string' || b.name === '')
                    throw new HttpError(400, 'bad.request', 'name is required');
                const s: Genesys.Models.Source = { id: seededUuid(idRandom), name: b.name, deactivated: false };
                if (typeof b.description === 'string') s.description = b.description;
                sources.set(s.id!, s);
                return send(res, 200, s);
            }
        }
        if (method === 'GET' && path === '/api/v2/presence/definitions') {
            const entities: Genesys.Models.OrganizationPresenceDefinition[] = center.presenceDefinitions.map((d) => ({
                id: d.id,
                name: d.label,
                type: 'System',
                systemPresence: d.systemPresence,
                languageLabels: { en_US: d.label },
                deactivated: false
            }));
            return send(res, 200, { total: entities.length, entities });
        }
        throw new HttpError(404, 'not.found', `No route ${method} ${path}`);
    }

    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://emulator');
        const query: Record<string, string[]> = {};
        for (const k of new Set(url.searchParams.keys())) query[k] = url.searchParams.getAll(k);
        const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query, at: clock.now() };
        requests.push(rec);
        if (requests.length > 20_000) requests.splice(0, 10_000);
        route(req, res, rec)
            .then(() => {
                rec.status = res.statusCode;
            })
            .catch((error: unknown) => {
                if (error instanceof HttpError) {
                    rec.status = error.status;
                    if (!res.headersSent)
                        send(res, error.status, errorBody(error.status, error.code, error.message), error.headers);
                } else {
                    rec.status = 500;
                    if (!res.headersSent) send(res, 500, errorBody(500, 'internal.server.error', 'Emulator error'));
                }
            });
    });
    server.keepAliveTimeout = 1_000;

    // ---------- WebSocket ----------

    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
        const m = /^\/channels\/([^/?]+)/.exec(req.url ?? '');
        const ch = m ? channels.get(m[1]) : undefined;
        if (!ch || ch.expiresAt <= clock.now()) {
            socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
            return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
            const previous = ch.socket;
            ch.socket = ws;
            if (previous) previous.terminate();
            ws.on('message', (data) => {
                let msg: unknown;
                try {
                    msg = JSON.parse(data.toString());
                } catch {
                    return;
                }
                if ((msg as { message?: unknown })?.message === 'ping' && !silenced) {
                    ws.send(JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }));
                }
            });
            ws.on('close', () => {
                if (ch.socket === ws) ch.socket = undefined;
            });
        });
    });

    const heartbeat = (): void => {
        // Expired channels are closed, as Genesys does; a client that never renewed has to start over.
        for (const ch of channels.values()) {
            if (ch.expiresAt <= clock.now() && ch.socket && ch.socket.readyState === 1)
                ch.socket.close(1000, 'expired');
        }
        if (!silenced) {
            const text = JSON.stringify({
                topicName: 'channel.metadata',
                eventBody: { message: 'WebSocket Heartbeat' }
            });
            for (const ch of channels.values()) if (ch.socket?.readyState === 1) ch.socket.send(text);
        }
        later(heartbeat, heartbeatIntervalMs);
    };
    later(heartbeat, heartbeatIntervalMs);

    if (options.simulate) {
        const tickMs = options.simulationTickMs ?? 1_000;
        const step = (): void => {
            center.tick();
            later(step, tickMs);
        };
        later(step, tickMs);
    }

    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    baseUrl = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

    const control: EmulatorControl = {
        center,
        requests,
        presenceWrites,
        get tokenRequests() {
            return tokenRequests;
        },
        get framesSent() {
            return framesSent;
        },
        clearRequests: () => void requests.splice(0),
        setPresence: (userId, presence) => {
            if (!SYSTEM_PRESENCES.includes(presence)) throw new Error(`unknown presence ${presence}`);
            center.setPresence(userId, presence);
        },
        emitAdherence: (muId, eventBody) =>
            sendToTopic(`v2.workforcemanagement.managementunits.${muId}.adherence`, eventBody),
        sendRaw: (text) => {
            for (const ch of channels.values()) if (ch.socket?.readyState === 1) ch.socket.send(text);
        },
        republish: (muId, fraction) => {
            sendToTopic(`v2.workforcemanagement.managementunits.${muId}.agentschedules.changed`, {
                managementUnitId: muId,
                updates: []
            });
            const moved = center.republish(muId, fraction);
            const now = clock.now();
            for (const id of moved) center.refresh(center.agents.get(id)!, now);
            return moved;
        },
        dropSockets: () => {
            for (const ch of channels.values()) ch.socket?.terminate();
        },
        socketClosing: (graceMs = 60_000) => {
            const text = JSON.stringify({
                topicName: 'v2.system.socket_closing',
                eventBody: { message: 'Socket closing' }
            });
            const sockets = [...channels.values()].map((c) => c.socket).filter((s): s is WebSocket => s !== undefined);
            for (const s of sockets) s.send(text);
            later(() => sockets.forEach((s) => s.terminate()), graceMs);
        },
        silence: (on) => {
            silenced = on;
        },
        refuseTopics: (pattern, missingPermissions = ['wfm:realtimeAdherence:view']) => {
            refusals.push({ pattern, missingPermissions });
        },
        setLatency: (ms) => {
            latencyMs = ms;
        },
        revokeTokens: () => tokens.clear(),
        refuseAuth: (on) => {
            authRefused = on;
        },
        setTokenLifetime: (seconds) => {
            tokenLifetimeSec = seconds;
        },
        rateLimitNext: (n, retryAfterSec) => {
            scripted429 = { n, retryAfterSec };
        },
        setRateLimit: (perMinute) => {
            rateLimitPerMinute = perMinute;
        },
        failNext: (n, status = 503) => {
            scriptedFail = { n, status };
        },
        snapshotViaDownload: (on) => {
            viaDownload = on;
        },
        searchProcessing: (n) => {
            processingLeft = n;
        },
        ignorePresenceWrites: (on) => {
            ignoreWrites = on;
        },
        tick: () => center.tick(),
        channels: () =>
            [...channels.values()].map((c) => ({
                id: c.id,
                topics: [...c.topics],
                connected: c.socket !== undefined,
                expiresAt: c.expiresAt
            })),
        openSockets: () => [...channels.values()].filter((c) => c.socket?.readyState === 1).length
    };

    return {
        url: baseUrl,
        loginUrl: baseUrl,
        clientId,
        clientSecret,
        control,
        async close() {
            closed = true;
            for (const h of timers) clock.clearTimeout(h);
            timers.clear();
            for (const c of wss.clients) c.terminate();
            wss.close();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    };
}
