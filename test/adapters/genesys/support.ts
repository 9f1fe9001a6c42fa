import type { Observation } from '../../../src/domain/adherence/types';
import type { AdherenceSink } from '../../../src/adapters/genesys/AdherenceStream';

/**
 * Wait until `cond` holds, yielding to the event loop (real sockets need real I/O turns). This polls a condition;
 * it never measures or waits for time, and the deadline only stops a broken test from hanging.
 */
export async function until(cond: () => boolean, what = 'condition', deadlineMs = 5_000): Promise<void> {
    const start = Date.now();
    while (!cond()) {
        if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((r) => setImmediate(r));
    }
}

/** A sink that records everything the stream delivers. */
export class RecordingSink implements AdherenceSink {
    readonly observed: Observation[] = [];
    readonly reconciled: Array<{ managementUnitId: string; observations: Observation[] }> = [];
    readonly scheduleChanges: string[] = [];
    /** The agents each schedule change named (undefined: the whole unit), in order. */
    readonly scheduleChangeAgents: Array<readonly string[] | undefined> = [];
    /** Call order: `observe`, `reconcile:<mu>`, `scheduleChanged:<mu>`. */
    readonly sequence: string[] = [];

    observe(observations: Observation[]): void {
        this.observed.push(...observations);
        this.sequence.push('observe');
    }

    reconcile(managementUnitId: string, observations: Observation[]): void {
        this.reconciled.push({ managementUnitId, observations });
        this.sequence.push(`reconcile:${managementUnitId}`);
    }

    scheduleChanged(managementUnitId: string, agentIds?: readonly string[]): void {
        this.scheduleChanges.push(managementUnitId);
        this.scheduleChangeAgents.push(agentIds);
        this.sequence.push(`scheduleChanged:${managementUnitId}`);
    }

    /** Latest known state per user, from reconciles and live events in order of arrival. */
    lastReconcile(unit?: string): Observation[] | undefined {
        const list = this.reconciled.filter((r) => unit === undefined || r.managementUnitId === unit);
        return list[list.length - 1]?.observations;
    }
}

import { FakeClock } from '../../support/FakeClock';
import { Secret } from '../../../src/kit/Secret';
import { GenesysClient, type GenesysClientOptions } from '../../../src/adapters/genesys/GenesysClient';
import {
    startGenesysEmulator,
    type GenesysEmulatorOptions,
    type RunningEmulator
} from '../../../src/emulator/GenesysEmulator';
import { seededRandom } from '../../../src/emulator/seededRandom';

export interface Rig {
    clock: FakeClock;
    emulator: RunningEmulator;
    client: GenesysClient;
    close(): Promise<void>;
}

/** An emulator and a client on one fake clock. Retry waits advance the fake clock by the asked delay. */
export async function startRig(
    emulatorOptions: GenesysEmulatorOptions = {},
    clientOptions: Partial<GenesysClientOptions> & { requestTimeoutMs?: number; maxAttempts?: number } = {}
): Promise<Rig> {
    const clock = new FakeClock();
    const emulator = await startGenesysEmulator({ clock, ...emulatorOptions });
    const client = new GenesysClient({
        config: {
            apiBaseUrl: emulator.url,
            loginBaseUrl: emulator.loginUrl,
            clientId: emulator.clientId,
            clientSecret: new Secret(emulator.clientSecret),
            tokenRefreshMarginMs: 300_000,
            requestsPerMinute: 6_000,
            requestTimeoutMs: clientOptions.requestTimeoutMs ?? 15_000,
            maxAttempts: clientOptions.maxAttempts ?? 4
        },
        clock,
        random: seededRandom(3),
        sleep: async (ms) => clock.advance(ms),
        keepAlive: false,
        ...clientOptions
    });
    return {
        clock,
        emulator,
        client,
        async close() {
            client.close();
            await emulator.close();
        }
    };
}
