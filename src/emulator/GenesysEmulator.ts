import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../domain/clock';
import { createSystemClock } from '../kit/systemClock';
import { ContactCenter } from './center/ContactCenter';
import { createEmulatorControl, type EmulatorControl } from './EmulatorControl';
import { EmulatorTimers } from './EmulatorTimers';
import { Faults } from './faults/Faults';
import { adherenceEvent } from './genesysModels';
import { ChannelRegistry } from './notifications/ChannelRegistry';
import { ChannelSockets } from './notifications/ChannelSockets';
import { notificationRoutes } from './notifications/notificationRoutes';
import { TopicGate, adherenceTopicsOf } from './notifications/topics';
import { OAuthServer } from './oauth/OAuthServer';
import { ApiHandler } from './rest/ApiHandler';
import { Downloads } from './rest/Downloads';
import { PresenceSources } from './rest/PresenceSources';
import { presenceRoutes } from './rest/presenceRoutes';
import { Router, type Route } from './rest/Router';
import { ScheduleSearches } from './rest/ScheduleSearches';
import { userRoutes } from './rest/userRoutes';
import { wfmRoutes } from './rest/wfmRoutes';
import { AdherenceExplanations } from './rest/AdherenceExplanations';
import { explanationRoutes } from './rest/explanationRoutes';
import { seededRandom, seededUuid } from './seededRandom';

export type { EmulatorControl } from './EmulatorControl';
export type { RecordedRequest } from './rest/ApiHandler';
export type { PresenceWrite } from './rest/PresenceSources';
export type { AsyncScheduleSearch } from './rest/ScheduleSearches';

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
    /** The permissions of the OAuth client's role. @default every permission (the zero-configuration sandbox) */
    permissions?: readonly string[];
    /** Requests per minute per token before 429; 0 disables. @default 300 */
    rateLimitPerMinute?: number;
    /** Server heartbeat period on every socket. @default 30000 */
    heartbeatIntervalMs?: number;
    /** Unit adherence snapshots larger than this are served through a `downloadUrl`. @default 500 */
    downloadThreshold?: number;
    /**
     * Schedule searches covering more agents than this answer `Processing` (the result goes to a user topic). @default
     * 100
     */
    scheduleSearchSyncLimit?: number;
    /** Run the contact-center simulation on a timer (agents follow schedules, drift now and then). @default false */
    simulate?: boolean;
    /** Simulation step. @default 1000 */
    simulationTickMs?: number;
    /** Spontaneous drifts per agent per hour. @default 0.2 */
    driftPerAgentPerHour?: number;
    /** Chance an agent is 4–20 min late following a schedule change. @default 0.1 */
    lateProbability?: number;
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

/** What the REST routes answer from. */
export interface RouteParts {
    center: ContactCenter;
    registry: ChannelRegistry;
    faults: Faults;
    downloads: Downloads;
    presence: PresenceSources;
    searches: ScheduleSearches;
    explanations: AdherenceExplanations;
    /** The emulator's base URL (known once it listens). */
    baseUrl: () => string;
    /** Results with more entries than this are served through a `downloadUrl`. */
    downloadThreshold: number;
}

/** The emulator's route table, in matching order. Building it touches no part; only handling a request does. */
export function emulatorRoutes(parts: RouteParts): Route[] {
    const { center, registry, faults, downloads, presence, searches, explanations, baseUrl, downloadThreshold } = parts;
    return [
        ...notificationRoutes(registry, baseUrl),
        ...wfmRoutes({ center, faults, downloads, searches, downloadThreshold }),
        ...userRoutes(center),
        ...presenceRoutes(center, presence),
        ...explanationRoutes(explanations)
    ];
}

/**
 * A Genesys Cloud emulator on a loopback port that speaks the real API (see docs/genesys.md for the list):
 * OAuth client credentials, notification channels and a WebSocket per channel, WFM reads, users, presence writes,
 * 401/429 behaviour, and a simulated contact center producing adherence events.
 */
export async function startGenesysEmulator(options: GenesysEmulatorOptions = {}): Promise<RunningEmulator> {
    const clock = options.clock ?? createSystemClock();
    const idRandom = seededRandom((options.seed ?? 1) * 7919 + 13);
    const newId = (): string => seededUuid(idRandom);
    const clientId = options.clientId ?? 'emulator-client';
    const clientSecret = options.clientSecret ?? 'emulator-secret';
    let baseUrl = '';
    const timers = new EmulatorTimers(clock);

    // The gate asks the center about units only when a subscription arrives, after everything is built.
    const gate = new TopicGate((id) => center.unit(id) !== undefined);
    const registry = new ChannelRegistry(clock, newId, gate);
    const sockets = new ChannelSockets(registry, clock, timers, newId);
    const center = new ContactCenter(
        {
            clock,
            random: seededRandom(options.seed ?? 1),
            units: options.units,
            agentsPerUnit: options.agentsPerUnit,
            teamsPerUnit: options.teamsPerUnit,
            driftPerAgentPerHour: options.driftPerAgentPerHour,
            lateProbability: options.lateProbability
        },
        (agent) => {
            const body = adherenceEvent(agent);
            for (const topic of adherenceTopicsOf(agent)) sockets.publish(topic, body);
        }
    );
    const oauth = new OAuthServer({
        clock,
        newId,
        clientId,
        clientSecret,
        tokenLifetimeSec: options.tokenLifetimeSec ?? 86_399,
        permissions: options.permissions
    });
    const faults = new Faults(clock, options.rateLimitPerMinute ?? 300);
    const downloads = new Downloads(newId, () => baseUrl);
    const presence = new PresenceSources(center, clock, newId);
    const searches = new ScheduleSearches({
        center,
        faults,
        downloads,
        newId,
        syncLimit: options.scheduleSearchSyncLimit ?? 100
    });
    const explanations = new AdherenceExplanations(center, clock, newId);
    const router = new Router(
        emulatorRoutes({
            center,
            registry,
            faults,
            downloads,
            presence,
            searches,
            explanations,
            baseUrl: () => baseUrl,
            downloadThreshold: options.downloadThreshold ?? 500
        })
    );
    const api = new ApiHandler({ clock, timers, newId, oauth, faults, downloads, router });

    const server = http.createServer(api.listener);
    server.keepAliveTimeout = 1_000;
    server.on('upgrade', sockets.upgrade);
    timers.every(() => sockets.heartbeat(), options.heartbeatIntervalMs ?? 30_000);
    if (options.simulate) timers.every(() => center.tick(), options.simulationTickMs ?? 1_000);

    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, host, () => resolve());
    });
    baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;

    const control = createEmulatorControl({
        clock,
        center,
        requests: api.requests,
        oauth,
        faults,
        registry,
        sockets,
        gate,
        presence,
        searches,
        explanations
    });
    return {
        url: baseUrl,
        loginUrl: baseUrl,
        clientId,
        clientSecret,
        control,
        async close() {
            timers.close();
            sockets.close();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    };
}
