import type { StateChange } from '../../engine/ports';
import { StoreError } from './StoreError';

function isEpochMs(value: unknown): value is number {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Checks every change of a `commit()` call before anything is written, so bad input never half-applies.
 * Throws one `STORE_INVALID_CHANGE` error listing every problem.
 */
export function validateChanges(changes: readonly StateChange[]): void {
    if (!Array.isArray(changes)) throw new StoreError('STORE_INVALID_CHANGE', 'commit: changes must be an array');
    const problems: string[] = [];
    const seen = new Set<string>();
    changes.forEach((change, i) => {
        const where = `changes[${i}]`;
        if (typeof change !== 'object' || change === null) {
            problems.push(`${where}: not an object`);
            return;
        }
        const { userId, expectedVersion, record, dueAt, log, outbox } = change;
        if (typeof userId !== 'string' || userId.length === 0)
            problems.push(`${where}: userId must be a non-empty string`);
        else if (seen.has(userId)) problems.push(`${where}: agent ${userId} appears more than once in one commit`);
        else seen.add(userId);
        if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
            problems.push(`${where}: expectedVersion must be an integer >= 0 (got ${String(expectedVersion)})`);
        }
        if (typeof record !== 'object' || record === null) problems.push(`${where}: record is missing`);
        else {
            if (record.userId !== userId)
                problems.push(`${where}: record.userId ${String(record.userId)} != userId ${userId}`);
            if (record.version !== expectedVersion + 1) {
                problems.push(
                    `${where}: record.version must be expectedVersion + 1 = ${expectedVersion + 1} (got ${String(record.version)})`
                );
            }
        }
        if (dueAt !== null && !isEpochMs(dueAt))
            problems.push(`${where}: dueAt must be null or epoch ms (got ${String(dueAt)})`);
        if (!Array.isArray(log)) problems.push(`${where}: log must be an array`);
        else {
            log.forEach((entry, j) => {
                if (!entry || !isEpochMs(entry.at)) problems.push(`${where}.log[${j}]: at must be epoch ms`);
                else if (typeof entry.managementUnitId !== 'string') {
                    problems.push(`${where}.log[${j}]: managementUnitId must be a string`);
                }
            });
        }
        if (!Array.isArray(outbox)) problems.push(`${where}: outbox must be an array`);
        else {
            outbox.forEach((n, j) => {
                if (!n || typeof n.key !== 'string' || n.key.length === 0) {
                    problems.push(`${where}.outbox[${j}]: key must be a non-empty string`);
                }
                if (!n || !isEpochMs(n.at)) problems.push(`${where}.outbox[${j}]: at must be epoch ms`);
            });
        }
    });
    if (problems.length > 0) {
        throw new StoreError('STORE_INVALID_CHANGE', `commit rejected, nothing written: ${problems.join('; ')}`);
    }
}

/** Throws `STORE_INVALID_ARGUMENT` unless `value` is epoch ms (a safe integer >= 0). */
export function assertEpochMs(method: string, name: string, value: unknown): asserts value is number {
    if (!isEpochMs(value)) {
        throw new StoreError('STORE_INVALID_ARGUMENT', `${method}: ${name} must be epoch ms (got ${String(value)})`);
    }
}

/** Throws `STORE_INVALID_ARGUMENT` unless `value` is a safe integer >= `min`. */
export function assertInteger(method: string, name: string, value: unknown, min: number): asserts value is number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
        throw new StoreError(
            'STORE_INVALID_ARGUMENT',
            `${method}: ${name} must be an integer >= ${min} (got ${String(value)})`
        );
    }
}

/** Throws `STORE_INVALID_ARGUMENT` unless `value` is an array of non-empty strings. */
export function assertIds(method: string, name: string, value: unknown): asserts value is readonly string[] {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
        throw new StoreError('STORE_INVALID_ARGUMENT', `${method}: ${name} must be an array of non-empty strings`);
    }
}
