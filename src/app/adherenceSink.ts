import type { AdherenceSink } from '../adapters/genesys/AdherenceStream';

/**
 * What the Genesys stream feeds: the engine, plus the schedule cache, which must forget a unit's published schedules
 * when they are republished (so the exception pre-check reads the new ones).
 */
export function adherenceSink(
    engine: AdherenceSink,
    schedules?: { invalidate(managementUnitId: string): void }
): AdherenceSink {
    if (!schedules) return engine;
    return {
        observe: (observations) => engine.observe(observations),
        reconcile: (managementUnitId, observations) => engine.reconcile(managementUnitId, observations),
        scheduleChanged: (managementUnitId) => {
            schedules.invalidate(managementUnitId);
            engine.scheduleChanged(managementUnitId);
        }
    };
}
