import { translateReason, type ReasonCodeTable, type TargetKind } from './translateReason';
import type { Rejection, SyncEvent } from './types';
import { validateEvent, type AgentResolver, type TimeWindow } from './validateEvent';

export type IngestItemResult =
    | { index: number; status: 'accepted'; externalEventId?: string }
    | { index: number; status: 'rejected'; code: Rejection['code']; reason: string; externalEventId?: string };

export interface PreparedIngest {
    accepted: SyncEvent[];
    rejected: Array<{ index: number; item: unknown; rejection: Rejection }>;
    results: IngestItemResult[];
}

/** Stages 1 and 2 over one ingest batch, item by item (one bad item never spoils the others). Pure. */
export function prepareIngest(
    items: readonly unknown[],
    deps: { resolveAgent: AgentResolver; reasonCodes: ReasonCodeTable; target: TargetKind; window?: TimeWindow }
): PreparedIngest {
    const out: PreparedIngest = { accepted: [], rejected: [], results: [] };
    items.forEach((item, index) => {
        const ext =
            typeof item === 'object' &&
            item !== null &&
            typeof (item as { externalEventId?: unknown }).externalEventId === 'string'
                ? (item as { externalEventId: string }).externalEventId.slice(0, 256)
                : undefined;
        const v = validateEvent(item, deps.resolveAgent, deps.window);
        const t = v.ok ? translateReason(v.value, deps.reasonCodes, deps.target) : v;
        if (t.ok) {
            out.accepted.push(t.value);
            out.results.push(
                ext === undefined ? { index, status: 'accepted' } : { index, status: 'accepted', externalEventId: ext }
            );
        } else {
            out.rejected.push({ index, item, rejection: t.rejection });
            const r: IngestItemResult = {
                index,
                status: 'rejected',
                code: t.rejection.code,
                reason: t.rejection.reason
            };
            if (ext !== undefined) r.externalEventId = ext;
            out.results.push(r);
        }
    });
    return out;
}

/** Agent resolver over known Genesys user ids plus an external id → user id map. */
export function staticAgentResolver(
    userIds: Iterable<string>,
    externalMap: Readonly<Record<string, string>> = {}
): AgentResolver {
    const known = new Set(userIds);
    return (id) => {
        if (known.has(id)) return id;
        const mapped = Object.prototype.hasOwnProperty.call(externalMap, id) ? externalMap[id] : undefined;
        return mapped !== undefined && known.has(mapped) ? mapped : undefined;
    };
}
