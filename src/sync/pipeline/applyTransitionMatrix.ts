import type { Rejection, SyncEvent } from './types';

/** One rule of the transition matrix: what to do when an agent goes from `from` to `to` (`*` matches any). */
export interface TransitionRule {
    from: string;
    to: string;
    /** `reject`: refused, never sent. `repair`: an intermediate state is sent first. */
    action: 'reject' | 'repair';
    /** Repair only: the intermediate state and its target id. */
    viaState?: string;
    viaTarget?: string;
}

export interface TransitionMatrix {
    /** Transitions no rule names. @default 'allow' */
    default: 'allow' | 'reject';
    rules: readonly TransitionRule[];
}

export type MatrixOutcome = { ok: true; events: SyncEvent[]; repaired: boolean } | { ok: false; rejection: Rejection };

function findRule(matrix: TransitionMatrix, from: string, to: string): TransitionRule | undefined {
    return (
        matrix.rules.find((r) => r.from === from && r.to === to) ??
        matrix.rules.find((r) => r.from === from && r.to === '*') ??
        matrix.rules.find((r) => r.from === '*' && r.to === to)
    );
}

/**
 * Stage 3: check `previousState → event.state` against the matrix. Illegal transitions are rejected or repaired by
 * inserting the rule's intermediate state (at the same instant) before the event. No previous state: allowed. Pure.
 */
export function applyTransitionMatrix(
    previousState: string | undefined,
    event: SyncEvent,
    matrix: TransitionMatrix
): MatrixOutcome {
    if (previousState === undefined || previousState === event.state)
        return { ok: true, events: [event], repaired: false };
    const rule = findRule(matrix, previousState, event.state);
    if (!rule)
        return matrix.default === 'allow'
            ? { ok: true, events: [event], repaired: false }
            : {
                  ok: false,
                  rejection: {
                      code: 'ILLEGAL_TRANSITION',
                      reason: `transition ${previousState} → ${event.state} is not allowed`
                  }
              };
    if (rule.action === 'reject' || !rule.viaState || !rule.viaTarget)
        return {
            ok: false,
            rejection: {
                code: 'ILLEGAL_TRANSITION',
                reason: `transition ${previousState} → ${event.state} is refused by rule`
            }
        };
    const via: SyncEvent = {
        ...event,
        state: rule.viaState,
        target: rule.viaTarget,
        reasonCode: `repair:${rule.viaState}`
    };
    delete via.endAt;
    delete via.externalEventId;
    return { ok: true, events: [via, event], repaired: true };
}

/** Checks a parsed matrix file; returns every problem found (empty when valid). */
export function matrixProblems(value: unknown): string[] {
    const problems: string[] = [];
    if (typeof value !== 'object' || value === null) return ['transition matrix must be an object'];
    const m = value as Partial<TransitionMatrix>;
    if (m.default !== 'allow' && m.default !== 'reject') problems.push('default must be "allow" or "reject"');
    if (!Array.isArray(m.rules)) problems.push('rules must be an array');
    else
        m.rules.forEach((r: Partial<TransitionRule>, i) => {
            if (typeof r.from !== 'string' || typeof r.to !== 'string')
                problems.push(`rules[${i}]: from/to are required strings`);
            if (r.action !== 'reject' && r.action !== 'repair')
                problems.push(`rules[${i}]: action must be reject or repair`);
            if (r.action === 'repair' && (typeof r.viaState !== 'string' || typeof r.viaTarget !== 'string'))
                problems.push(`rules[${i}]: repair needs viaState and viaTarget`);
        });
    return problems;
}
