import axios from 'axios';
import type { FakeClock } from '../support/FakeClock';
import { TokenManager } from '../../src/adapters/genesys/tokenManager';
import {
    startGenesysEmulator,
    type GenesysEmulatorOptions,
    type RunningEmulator
} from '../../src/emulator/GenesysEmulator';
import { parseSyncConfig, type SyncConfig } from '../../src/sync/syncConfig';
import { prepareIngest, staticAgentResolver } from '../../src/sync/pipeline/prepareIngest';
import type { SyncQueue } from '../../src/sync/SyncQueue';
import { createSyncWorker } from '../../src/sync/createSyncWorker';
import { createSyncMetrics } from '../../src/sync/createSyncMetrics';
import { createLogger } from '../../src/app/logger';
import { seededRandom } from '../../src/emulator/seededRandom';

/**
 * Run `promise` to completion while moving the fake clock: yield real I/O turns (loopback sockets need them), then
 * advance `stepMs`. Time only moves through the fake clock; the turn cap only stops a broken test from hanging.
 */
export async function drive<T>(clock: FakeClock, promise: Promise<T>, stepMs = 50, maxTurns = 200_000): Promise<T> {
    let done = false;
    promise.then(
        () => (done = true),
        () => (done = true)
    );
    for (let turn = 0; !done; turn++) {
        if (turn > maxTurns) throw new Error('drive: promise never settled');
        for (let i = 0; i < 8 && !done; i++) await new Promise<void>((r) => setImmediate(r));
        if (!done) clock.advance(stepMs);
    }
    return promise;
}

export interface PresenceRig {
    emulator: RunningEmulator;
    tokens: TokenManager;
    sourceId: string;
    agents: string[];
    def: (presence: string) => string;
    config: (env?: Record<string, string>) => SyncConfig;
    close(): Promise<void>;
}

export const INGEST_TOKEN = 'sync-test-token-0123456789';

/** An emulator on the fake clock, a shared token manager, a registered presence source, and a config builder. */
export async function startPresenceRig(clock: FakeClock, options: GenesysEmulatorOptions = {}): Promise<PresenceRig> {
    const emulator = await startGenesysEmulator({ clock, units: 1, agentsPerUnit: 40, ...options });
    const tokens = new TokenManager({
        loginBaseUrl: emulator.loginUrl,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        clock
    });
    const token = await tokens.getToken();
    const source = await axios.post(
        `${emulator.url}/api/v2/presence/sources`,
        { name: 'external-wfm' },
        { headers: { Authorization: `Bearer ${token}` } }
    );
    const center = emulator.control.center;
    const def = (p: string): string => center.presenceDefinitions.find((d) => d.systemPresence === p)!.id;
    const codes = JSON.stringify({
        AVAIL: { presenceDefinitionId: def('Available'), targetCode: 'AVAILABLE' },
        BREAK: { presenceDefinitionId: def('Break'), targetCode: 'BREAK' },
        MEAL: { presenceDefinitionId: def('Meal'), targetCode: 'MEAL' },
        BOGUS: { presenceDefinitionId: 'no-such-definition', targetCode: 'BOGUS' }
    });
    return {
        emulator,
        tokens,
        sourceId: source.data.id as string,
        agents: [...center.agents.keys()],
        def,
        config: (env = {}) =>
            parseSyncConfig(
                {
                    SYNC_INGEST_TOKEN: INGEST_TOKEN,
                    SYNC_PRESENCE_SOURCE_ID: source.data.id as string,
                    SYNC_REASON_CODES_FILE: 'codes',
                    ...env
                },
                (p) => (p === 'codes' ? codes : (env[`FILE:${p}`] ?? ''))
            ),
        close: () => emulator.close()
    };
}

const STATE_OF: Record<string, string> = { AVAIL: 'Available', BREAK: 'Break', MEAL: 'Meal', BOGUS: 'Bogus' };

/** Validate + translate + append, like the ingest route does. */
export async function ingest(
    queue: SyncQueue,
    config: SyncConfig,
    agents: readonly string[],
    items: Array<{ agentId: string; reasonCode: string; at: number; endAt?: number }>
): Promise<void> {
    const prepared = prepareIngest(
        items.map((i) => ({
            agentId: i.agentId,
            state: STATE_OF[i.reasonCode] ?? i.reasonCode,
            reasonCode: i.reasonCode,
            startTime: new Date(i.at).toISOString(),
            ...(i.endAt !== undefined ? { endTime: new Date(i.endAt).toISOString() } : {})
        })),
        { resolveAgent: staticAgentResolver(agents), reasonCodes: config.reasonCodes, target: config.target }
    );
    if (prepared.rejected.length > 0) throw new Error(JSON.stringify(prepared.rejected[0].rejection));
    await queue.append(prepared.accepted);
}

/** A presence-target worker on `rig` and `queue`, with its metrics and what it logged at `level` and above. */
export function presenceWorker(
    rig: PresenceRig,
    queue: SyncQueue,
    clock: FakeClock,
    env: Record<string, string> = {},
    level: 'info' | 'warn' = 'info'
) {
    const lines: string[] = [];
    const logger = createLogger({ level, destination: { write: (s: string) => void lines.push(s) } });
    const metrics = createSyncMetrics();
    const config = rig.config(env);
    const worker = createSyncWorker({
        config,
        queue,
        clock,
        random: seededRandom(7),
        apiBaseUrl: rig.emulator.url,
        tokens: rig.tokens,
        logger,
        metrics
    });
    const logged = () => lines.map((l) => JSON.parse(l) as { level: number; msg: string; fix?: string });
    return { config, worker, metrics, logged };
}
