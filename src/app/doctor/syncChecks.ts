import { describeError, isGenesysError } from '../../adapters/genesys/errors';
import type { GenesysClient } from '../../adapters/genesys/GenesysClient';
import type { SyncConfig } from '../../sync/syncConfig';
import { result, type CheckResult } from './doctorTypes';
import type { GenesysFacts } from './genesysChecks';

/** Agents whose primary source is read (a sample: the check reads one user at a time). */
const SAMPLE = 5;

/**
 * The sync worker's presence target: the bulk write is allowed (probed with an empty write, which changes nothing),
 * the presence source exists, and it is the primary source of a sample of the synced agents (else Genesys shows none
 * of the worker's writes).
 */
export async function syncChecks(
    client: GenesysClient,
    config: SyncConfig,
    facts: GenesysFacts
): Promise<CheckResult[]> {
    if (!config.enabled) return [result('sync', 'Sync worker', 'skip', 'off (SYNC_INGEST_TOKEN is not set)')];
    if (config.target !== 'presence')
        return [result('sync', 'Sync worker', 'skip', `target ${config.target}: SYNC_SPAN_URL is not probed`)];
    const sourceId = config.presenceSourceId!;
    const out: CheckResult[] = [await checkWrite(client)];
    out.push(await checkSource(client, sourceId));
    const mapped = Object.values(config.agentMap);
    const sample = (mapped.length > 0 ? mapped : facts.sampleUsers).slice(0, SAMPLE);
    out.push(await checkPrimary(client, config, sourceId, sample));
    return out;
}

function refusal(error: unknown, permission: string): string | undefined {
    return isGenesysError(error) && error.code === 'GENESYS_FORBIDDEN'
        ? `grant ${permission} to the OAuth client's role`
        : undefined;
}

async function checkWrite(client: GenesysClient): Promise<CheckResult> {
    const title = 'Presence bulk write (sync worker)';
    try {
        await client.putPresencesBulk([]);
        return result('sync.permission.presenceWrite', title, 'pass', 'allowed (presence:userPresence:edit)');
    } catch (error) {
        const fix = refusal(error, 'presence:userPresence:edit') ?? 'see the detail; run the doctor again';
        return result('sync.permission.presenceWrite', title, 'fail', describeError(error), fix);
    }
}

async function checkSource(client: GenesysClient, sourceId: string): Promise<CheckResult> {
    const title = 'Presence source exists';
    try {
        const sources = await client.listPresenceSources();
        const source = sources.find((s) => s.id === sourceId);
        if (source) return result('sync.source', title, 'pass', `"${source.name}" (${sourceId})`);
        return result(
            'sync.source',
            title,
            'fail',
            `no registered presence source ${sourceId} (${sources.length} registered)`,
            'SYNC_PRESENCE_SOURCE_ID: the id of a source of GET /api/v2/presence/sources (create one with POST /api/v2/presence/sources)'
        );
    } catch (error) {
        const fix = refusal(error, 'presence:source:view') ?? 'see the detail; run the doctor again';
        return result('sync.source', title, 'fail', describeError(error), fix);
    }
}

async function checkPrimary(
    client: GenesysClient,
    config: SyncConfig,
    sourceId: string,
    sample: readonly string[]
): Promise<CheckResult> {
    const title = 'Presence source is primary for the synced agents (sample)';
    if (sample.length === 0)
        return result('sync.primary', title, 'skip', 'no agent to sample (no SYNC_AGENT_MAP_FILE, no unit agents)');
    const others: string[] = [];
    let current: { userId: string; sourceId: string } | undefined;
    try {
        for (const userId of sample) {
            const primary = await client.getPrimarySource(userId);
            if (primary.sourceId !== sourceId) others.push(`${userId} (primary: ${primary.name ?? primary.sourceId})`);
            current ??= primary.sourceId ? { userId, sourceId: primary.sourceId } : undefined;
        }
    } catch (error) {
        const fix = refusal(error, 'presence:userPrimarySource:view') ?? 'see the detail; run the doctor again';
        return result('sync.primary', title, 'fail', describeError(error), fix);
    }
    if (config.setPrimarySource && current) {
        try {
            // Put back the source that is primary now: proves the edit permission and changes nothing.
            await client.setPrimarySource(current.userId, current.sourceId);
        } catch (error) {
            const fix = refusal(error, 'presence:userPrimarySource:edit') ?? 'see the detail; run the doctor again';
            return result(
                'sync.primary',
                title,
                'fail',
                `SYNC_SET_PRIMARY_SOURCE=true but ${describeError(error)}`,
                fix
            );
        }
    }
    const detail = `${sample.length - others.length} of ${sample.length} sampled agents have it as primary source`;
    if (others.length === 0) return result('sync.primary', title, 'pass', detail);
    if (config.setPrimarySource)
        return result(
            'sync.primary',
            title,
            'warn',
            `${detail}; the worker will make it primary (SYNC_SET_PRIMARY_SOURCE=true)`
        );
    return result(
        'sync.primary',
        title,
        'fail',
        `${detail}; Genesys shows none of the worker's writes for: ${others.join(', ')}`,
        'set SYNC_SET_PRIMARY_SOURCE=true (with presence:userPrimarySource:edit), or make the source primary for every synced agent'
    );
}
