import { AdherenceEngine } from '../engine/AdherenceEngine';
import type { EngineConfig } from '../engine/engineConfig';
import type { AgentStateStore, AlertWindowSource, CoverageSource } from '../engine/ports';
import type { AppContext } from './appContext';

/** The adherence engine on the agent store, with the schedule coverage when there is one; counted in the app's metrics. */
export function createEngine(
    config: EngineConfig,
    deps: { agentStore: AgentStateStore; coverage: CoverageSource | undefined; alertWindows?: AlertWindowSource },
    ctx: AppContext
): AdherenceEngine {
    const { metrics } = ctx;
    return new AdherenceEngine({
        store: deps.agentStore,
        clock: ctx.clock,
        policy: config.policy,
        coverage: deps.coverage,
        alertWindows: deps.alertWindows,
        dampening: config.dampening,
        deadlineLeaseMs: config.deadlineLeaseMs,
        orphanPollMs: config.orphanPollMs,
        maxQueued: config.maxQueued,
        logger: ctx.logger,
        metrics: {
            observations: (n) => metrics.eventsIn.inc(n),
            folded: (n) => metrics.folded.inc(n),
            episodesStarted: (n) => metrics.episodesStarted.inc(n),
            notificationsQueued: (kind, n) => metrics.notificationsQueued.inc({ kind }, n)
        }
    });
}
