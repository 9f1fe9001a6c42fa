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
    // Every commit passes through here (once per engine batch): a plain loop answers "all valid" without building
    // anything; the messages are built only when something is wrong.
    const seen = changes.length > 1 ? new Set<string>() : undefined;
    let valid = true;
    for (let i = 0; i < changes.length && valid; i++) {
        const change = changes[i];
        valid = isValidChange(change) && (seen === undefined || !seen.has(change.userId));
        if (valid) seen?.add(change.userId);
    }
    if (valid) return;
    const problems = describeProblems(changes);
    throw new StoreError('STORE_INVALID_CHANGE', `commit rejected, nothing written: ${problems.join('; ')}`);
}

function isValidChange(change: StateChange): boolean {
    if (typeof change !== 'object' || change === null) return false;
    const { userId, expectedVersion, record, dueAt, log, outbox } = change;
    if (typeof userId !== 'string' || userId.length === 0) return false;
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) return false;
    if (typeof record !== 'object' || record === null) return false;
    if (record.userId !== userId || record.version !== expectedVersion + 1) return false;
    if (dueAt !== null && !isEpochMs(dueAt)) return false;
    if (!Array.isArray(log) || !Array.isArray(outbox)) return false;
    for (let j = 0; j < log.length; j++) {
        const entry = log[j];
        if (!entry || !isEpochMs(entry.at) || typeof entry.managementUnitId !== 'string') return false;
    }
    for (let j = 0; j < outbox.length; j++) {
        const n = outbox[j];
        if (!n || typeof n.key !== 'string' || n.key.length === 0 || !isEpochMs(n.at)) return false;
    }
    return true;
}

/** Every problem of the changes, for the error message (the slow path; exported for the test that keeps both paths in step). */
export function describeProblems(changes: readonly StateChange[]): string[] {
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
    return problems;
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
