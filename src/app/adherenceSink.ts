import type { AdherenceSink } from '../adapters/genesys/AdherenceStream';

/**
 * What the Genesys stream feeds: the engine, plus the schedule cache, which must forget the published schedules that
 * were republished (the agents the change names, or the whole unit) so the exception pre-check reads the new ones.
 */
export function adherenceSink(
    engine: AdherenceSink,
    schedules?: { invalidate(managementUnitId: string, agentIds?: readonly string[]): void }
): AdherenceSink {
    if (!schedules) return engine;
    return {
        observe: (observations) => engine.observe(observations),
        reconcile: (managementUnitId, observations) => engine.reconcile(managementUnitId, observations),
        scheduleChanged: (managementUnitId, agentIds) => {
            schedules.invalidate(managementUnitId, agentIds);
            engine.scheduleChanged(managementUnitId, agentIds);
        }
    };
}
