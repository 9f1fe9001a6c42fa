import { createHash } from 'node:crypto';
import type { SyncEvent } from './types';

/** sha256 hex of a request body (the `X-Payload-Hash` header). */
export function payloadHash(body: string): string {
    return createHash('sha256').update(body).digest('hex');
}

/**
 * Deterministic idempotency key of a span: the same span gives the same key across retries and restarts, a different
 * span (agent, state, target, start, end) a different one.
 */
export function idempotencyKey(span: SyncEvent): string {
    const basis = [span.agentId, span.state, span.target, span.startAt, span.endAt ?? ''].join('|');
    return createHash('sha256').update(basis).digest('hex').slice(0, 32);
}
