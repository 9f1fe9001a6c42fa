import { isGenesysError } from './errors';
import { mapSnapshot } from './mapping';
import type { StreamContext } from './StreamContext';

/** How a re-sync of some units went. */
export interface ResyncOutcome {
    /** Units whose snapshot was applied, in order. */
    synced: string[];
    /** Units whose snapshot Genesys refused (403: a permission, not an outage). */
    forbidden: string[];
    /** The failure that stopped the re-sync (any other error), with its unit. */
    failed?: { unit: string; error: unknown };
    agents: number;
    /** The attempt went stale (a reconnect or close) before it finished. */
    stale: boolean;
}

/**
 * Re-sync `units` through the REST snapshot, one after the other, handing each unit's observations to the sink's
 * `reconcile`. A refused snapshot (403) is noted and skipped; any other failure stops the re-sync, and so does
 * `current()` turning false. Invalid snapshot entries are counted and skipped.
 */
export async function resyncUnits(
    ctx: StreamContext,
    units: readonly string[],
    current: () => boolean
): Promise<ResyncOutcome> {
    const { client, clock, sink } = ctx.options;
    const outcome: ResyncOutcome = { synced: [], forbidden: [], agents: 0, stale: false };
    for (const unit of units) {
        if (!current()) return { ...outcome, stale: true };
        let entities;
        try {
            entities = await client.getUnitAdherence(unit);
        } catch (error) {
            if (!current()) return { ...outcome, stale: true };
            if (isGenesysError(error) && error.code === 'GENESYS_FORBIDDEN') {
                outcome.forbidden.push(unit);
                continue;
            }
            return { ...outcome, failed: { unit, error } };
        }
        if (!current()) return { ...outcome, stale: true };
        const { observations, rejected, unknown } = mapSnapshot(entities, unit, clock.now());
        for (const u of unknown) ctx.unknownCategories(u.observation, u.fields);
        for (const [reason, n] of Object.entries(rejected)) {
            ctx.metrics.framesSkipped.inc({ reason: `snapshot-${reason}` }, n);
            ctx.refused.record(`snapshot-${reason}`, unit);
        }
        outcome.agents += observations.length;
        outcome.synced.push(unit);
        ctx.safely(() => sink.reconcile(unit, observations));
    }
    return outcome;
}
