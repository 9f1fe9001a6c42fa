import type { StageResult, SyncEvent } from './types';
import type { ValidatedEvent } from './validateEvent';

/** Reason code → presence definition id (presence target) and/or target code (span target). */
export interface ReasonCodeTable {
    readonly [reasonCode: string]: { readonly presenceDefinitionId?: string; readonly targetCode?: string };
}

export type TargetKind = 'presence' | 'span';

/** Stage 2: translate the reason code for the configured target; an unmapped code is refused, named. Pure. */
export function translateReason(
    event: ValidatedEvent,
    table: ReasonCodeTable,
    target: TargetKind
): StageResult<SyncEvent> {
    const entry = Object.prototype.hasOwnProperty.call(table, event.reasonCode) ? table[event.reasonCode] : undefined;
    const id = target === 'presence' ? entry?.presenceDefinitionId : entry?.targetCode;
    if (!id)
        return {
            ok: false,
            rejection: {
                code: 'UNMAPPED_REASON_CODE',
                reason: `reason code "${event.reasonCode.slice(0, 64)}" has no ${target === 'presence' ? 'presence definition' : 'target code'} mapping`
            }
        };
    return { ok: true, value: { ...event, target: id } };
}
