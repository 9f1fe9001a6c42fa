import type * as Genesys from 'purecloud-platform-client-v2';
import type { Clock } from '../domain/clock';
import type { AdherenceExplanations } from './rest/AdherenceExplanations';
import type { ContactCenter } from './center/ContactCenter';
import { SYSTEM_PRESENCES, type SystemPresence } from './center/catalog';
import type { Faults } from './faults/Faults';
import type { ChannelRegistry } from './notifications/ChannelRegistry';
import type { ChannelSockets } from './notifications/ChannelSockets';
import { schedulesChangedEvent } from './genesysModels';
import { scheduleChangedTopic, unitAdherenceTopic, type TopicGate } from './notifications/topics';
import type { OAuthServer } from './oauth/OAuthServer';
import type { RecordedRequest } from './rest/ApiHandler';
import type { PresenceSources, PresenceWrite } from './rest/PresenceSources';
import type { AsyncScheduleSearch, ScheduleSearches } from './rest/ScheduleSearches';

/** Scenario control for tests and the sandbox. */
export interface EmulatorControl {
    readonly center: ContactCenter;
    readonly requests: RecordedRequest[];
    readonly presenceWrites: PresenceWrite[];
    /** Schedule searches answered `Processing` (their results reach no client-credentials token). */
    readonly asyncScheduleSearches: AsyncScheduleSearch[];
    /** Token requests served (successful or not). */
    readonly tokenRequests: number;
    /** Frames sent over sockets (excluding heartbeats/pongs). */
    readonly framesSent: number;
    clearRequests(): void;
    /** Set an agent's presence now; adherence is recomputed and events emitted like Genesys would. */
    setPresence(userId: string, presence: SystemPresence): void;
    /** The agent starts (true) or ends an interaction: an adherence event with `routingStatus: INTERACTING` (or not). */
    setInteracting(userId: string, on: boolean): void;
    /** Send an arbitrary adherence event body on the unit's topic (scripted event). */
    emitAdherence(managementUnitId: string, eventBody: Record<string, unknown>): void;
    /** Send a raw text frame on every open socket (malformed frames, unknown topics). */
    sendRaw(text: string): void;
    /**
     * Schedule republish: `agentschedules.changed` listing the moved agents, then a burst of adherence changes.
     * Returns the moved agents.
     */
    republish(managementUnitId: string, fraction?: number): string[];
    /** Close every socket abruptly (network drop). */
    dropSockets(): void;
    /** Send `v2.system.socket_closing` on every socket and close them after `graceMs` on the clock. */
    socketClosing(graceMs?: number): void;
    /** Stop (true) or resume heartbeats and pong replies. */
    silence(on: boolean): void;
    /** Refuse subscriptions to topics matching `pattern` with these missing permissions. */
    refuseTopics(pattern: RegExp, missingPermissions?: string[]): void;
    /** The OAuth client's role holds exactly `permissions` from now on (undefined = every permission). */
    setPermissions(permissions: readonly string[] | undefined): void;
    /** The OAuth client's role stops holding `permissions`. */
    revokePermissions(...permissions: string[]): void;
    /** Make `sourceId` the presence source Genesys shows `userId`'s presence from. */
    setPrimarySource(userId: string, sourceId: string): void;
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
    /** Answer the next `n` API calls (on paths matching `path`, when given) with `status` (5xx bursts). */
    failNext(n: number, status?: number, path?: RegExp): void;
    /** Serve every unit snapshot through a `downloadUrl` (true) or inline (false); undefined = by size. */
    snapshotViaDownload(on: boolean | undefined): void;
    /** The next `n` schedule searches answer `Processing`, whatever their size. */
    searchProcessing(n: number): void;
    /** Record presence writes but do not apply them (the sync worker's reconciliation test). */
    ignorePresenceWrites(on: boolean): void;
    /** Run one simulation step now. */
    tick(): void;
    /** Adherence explanations added through the API, by id. */
    readonly explanations: ReadonlyMap<string, Genesys.Models.AdherenceExplanationResponse>;
    /** How long explanation jobs stay `Processing` on the emulator clock, ms. @default 0 */
    explanationJobsProcessFor(ms: number): void;
    channels(): Array<{ id: string; topics: string[]; connected: boolean; expiresAt: number }>;
    /** Sockets currently open. */
    openSockets(): number;
}

/** The parts of a running emulator that {@link EmulatorControl} drives. */
export interface EmulatorParts {
    clock: Clock;
    center: ContactCenter;
    requests: RecordedRequest[];
    oauth: OAuthServer;
    faults: Faults;
    registry: ChannelRegistry;
    sockets: ChannelSockets;
    gate: TopicGate;
    presence: PresenceSources;
    searches: ScheduleSearches;
    explanations: AdherenceExplanations;
}

/** The scenario control over an emulator's parts. */
export function createEmulatorControl(parts: EmulatorParts): EmulatorControl {
    const { clock, center, requests, oauth, faults, registry, sockets, gate, presence, searches, explanations } = parts;
    return {
        center,
        requests,
        presenceWrites: presence.writes,
        asyncScheduleSearches: searches.pending,
        get tokenRequests() {
            return oauth.tokenRequests;
        },
        get framesSent() {
            return sockets.framesSent;
        },
        clearRequests: () => void requests.splice(0),
        setPresence: (userId, p) => {
            if (!SYSTEM_PRESENCES.includes(p)) throw new Error(`unknown presence ${p}`);
            center.setPresence(userId, p);
        },
        setInteracting: (userId, on) => center.setInteracting(userId, on),
        emitAdherence: (muId, eventBody) => sockets.publish(unitAdherenceTopic(muId), eventBody),
        sendRaw: (text) => sockets.broadcast(text),
        republish: (muId, fraction) => {
            const moved = center.republish(muId, fraction);
            sockets.publish(
                scheduleChangedTopic(muId),
                schedulesChangedEvent(moved.map((id) => center.agents.get(id)!))
            );
            const now = clock.now();
            for (const id of moved) center.refresh(center.agents.get(id)!, now);
            return moved;
        },
        dropSockets: () => sockets.dropAll(),
        socketClosing: (graceMs = 60_000) => sockets.socketClosing(graceMs),
        silence: (on) => sockets.silence(on),
        refuseTopics: (pattern, missingPermissions = ['wfm:realtimeAdherence:view']) =>
            gate.refuse(pattern, missingPermissions),
        setPermissions: (permissions) => oauth.role.set(permissions),
        revokePermissions: (...permissions) => oauth.role.revoke(...permissions),
        setPrimarySource: (userId, sourceId) => void presence.setPrimary(userId, sourceId),
        setLatency: (ms) => {
            faults.latencyMs = ms;
        },
        revokeTokens: () => oauth.revokeAll(),
        refuseAuth: (on) => oauth.refuseAll(on),
        setTokenLifetime: (seconds) => oauth.setTokenLifetime(seconds),
        rateLimitNext: (n, retryAfterSec) => faults.rateLimitNext(n, retryAfterSec),
        setRateLimit: (perMinute) => faults.setRateLimit(perMinute),
        failNext: (n, status = 503, path) => faults.failNext(n, status, path),
        snapshotViaDownload: (on) => {
            faults.snapshotViaDownload = on;
        },
        searchProcessing: (n) => faults.searchProcessing(n),
        ignorePresenceWrites: (on) => {
            presence.ignoreWrites = on;
        },
        tick: () => center.tick(),
        explanations: explanations.byId,
        explanationJobsProcessFor: (ms) => {
            explanations.processingMs = ms;
        },
        channels: () =>
            [...registry.all()].map((c) => ({
                id: c.id,
                topics: [...c.topics],
                connected: c.socket !== undefined,
                expiresAt: c.expiresAt
            })),
        openSockets: () => sockets.openSockets()
    };
}
