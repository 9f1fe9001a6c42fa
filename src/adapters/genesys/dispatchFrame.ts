import { mapFrame } from './mapping';
import type { StreamContext } from './StreamContext';

/**
 * One text frame of a channel socket to the sink and the counters: adherence events to `observe`, schedule republishes
 * to `scheduleChanged`, refused frames counted per reason. Returns `socket-closing` when Genesys announced that it
 * will close the socket (the channel reconnects).
 */
export function dispatchFrame(ctx: StreamContext, text: string): 'socket-closing' | undefined {
    const { clock, sink } = ctx.options;
    const now = clock.now();
    ctx.framesReceived++;
    const frame = mapFrame(text, now);
    ctx.metrics.framesIn.inc({ kind: frame.kind });
    switch (frame.kind) {
        case 'adherence':
            ctx.lastEventAt = now;
            if (frame.unknownCategories) ctx.unknownCategories(frame.observation, frame.unknownCategories);
            ctx.safely(() => sink.observe([frame.observation]));
            return undefined;
        case 'schedule-changed':
            ctx.lastEventAt = now;
            ctx.safely(() => sink.scheduleChanged(frame.managementUnitId, frame.agentIds));
            return undefined;
        case 'heartbeat':
        case 'pong':
            return undefined;
        case 'socket-closing':
            return 'socket-closing';
        case 'rejected':
            ctx.metrics.framesSkipped.inc({ reason: frame.reason });
            ctx.refused.record(frame.reason, frame.topicName);
            return undefined;
    }
}
