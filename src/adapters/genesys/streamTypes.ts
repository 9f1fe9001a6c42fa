import type { Clock, Random } from '../../domain/clock';
import type { Observation } from '../../domain/adherence/types';
import type { Logger } from '../../kit/Logger';
import type { GenesysClient } from './GenesysClient';
import type { GenesysConfig } from './genesysConfig';
import type { GenesysMetrics } from './genesysMetrics';

/** Where the stream delivers what it learns (the engine implements it). Calls must not throw. */
export interface AdherenceSink {
    /** Live events from the socket, in arrival order. */
    observe(observations: readonly Observation[]): void;
    /** The full current adherence of one unit after a (re)connect: the engine reconciles against its state. */
    reconcile(managementUnitId: string, observations: readonly Observation[]): void;
    /**
     * A schedule republish started in the unit (dampening): for the agents `agentIds` names when the event lists them,
     * for the whole unit otherwise.
     */
    scheduleChanged(managementUnitId: string, agentIds?: readonly string[]): void;
}

/** A topic Genesys refused to subscribe, with why. */
export interface RejectedTopic {
    topic: string;
    reason: string;
    missingPermissions: string[];
}

export interface ChannelStatus {
    id?: string;
    connected: boolean;
    topics: number;
    /** Epoch ms. */
    expiresAt?: number;
}

/** For /readyz. */
export interface AdherenceStreamStatus {
    started: boolean;
    /** Every channel has an open socket. */
    connected: boolean;
    channels: ChannelStatus[];
    managementUnitIds: string[];
    rejectedTopics: RejectedTopic[];
    /** Epoch ms. */
    lastEventAt?: number;
    /** Epoch ms. */
    lastResyncAt?: number;
    reconnects: number;
    /** Frames received since start (any kind). */
    framesReceived: number;
    lastError?: string;
}

/** Lifecycle notifications (benchmarks, tests, logs). */
export type StreamEvent =
    | { type: 'connecting'; at: number }
    | { type: 'connected'; channelId: string; at: number }
    | { type: 'resynced'; channelId: string; at: number; units: number; agents: number }
    | { type: 'disconnected'; channelId?: string; at: number; cause: string };

export interface AdherenceStreamOptions {
    client: Pick<GenesysClient, 'listManagementUnits' | 'createChannel' | 'subscribe' | 'getUnitAdherence'>;
    sink: AdherenceSink;
    config: Pick<
        GenesysConfig,
        | 'managementUnitIds'
        | 'pingIntervalMs'
        | 'heartbeatTimeoutMs'
        | 'renewBeforeMs'
        | 'reconnectInitialMs'
        | 'reconnectMaxMs'
    > &
        Partial<Pick<GenesysConfig, 'refusedRetryMs'>>;
    clock: Clock;
    random: Random;
    logger?: Logger;
    metrics?: GenesysMetrics;
    /** Genesys limit per channel. @default 1000 */
    maxTopicsPerChannel?: number;
    /** Socket open deadline, ms. @default 15000 */
    connectTimeoutMs?: number;
    onEvent?: (event: StreamEvent) => void;
}
