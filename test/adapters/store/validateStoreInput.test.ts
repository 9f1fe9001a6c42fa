import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeProblems, validateChanges } from '../../../src/adapters/store/validateStoreInput';
import type { StateChange } from '../../../src/engine/ports';
import { change, logEntry, nudge } from '../storeContract';

describe('validateChanges', () => {
    it('has a fast "all valid" path that agrees with the problem list on any input', async () => {
        const fc = (await import('fast-check')).default;
        const T0 = Date.UTC(2026, 10, 23, 9);
        // Valid changes with one field at a time replaced by something hostile (or left alone).
        const hostile = fc.oneof(
            fc.constant(undefined),
            fc.constant(null),
            fc.constant(''),
            fc.constant(-1),
            fc.constant(1.5),
            fc.constant(Number.NaN),
            fc.constant([]),
            fc.constant({}),
            fc.string(),
            fc.integer()
        );
        // Each change is valid, or has one spot broken; several changes may share an agent id.
        const spot = fc.oneof(
            { arbitrary: fc.constant('none'), weight: 8 },
            {
                arbitrary: fc.constantFrom(
                    'change',
                    'userId',
                    'expectedVersion',
                    'record',
                    'record.userId',
                    'record.version',
                    'dueAt',
                    'log',
                    'log[0]',
                    'log[0].at',
                    'log[0].managementUnitId',
                    'outbox',
                    'outbox[0]',
                    'outbox[0].key',
                    'outbox[0].at'
                ),
                weight: 7
            }
        );
        const oneChange = fc
            .record({
                id: fc.constantFrom('a', 'b', 'c', 'd'),
                version: fc.integer({ min: 0, max: 3 }),
                spot,
                value: hostile
            })
            .map(({ id, version, spot: where, value }) => {
                const c = change(id, version, { dueAt: T0, log: [logEntry(id, T0)], outbox: [nudge(id, 'k', T0)] });
                if (where === 'change') return value as unknown as StateChange;
                const [head, tail] = where.split('.');
                const m = /^(\w+)\[0\]$/.exec(head);
                const holder: Record<string, unknown> = m
                    ? ((c as unknown as Record<string, unknown[]>)[m[1]] as unknown as Record<string, unknown>)
                    : (c as unknown as Record<string, unknown>);
                const key = m ? '0' : head;
                if (where === 'none') return c;
                if (tail === undefined) holder[key] = value;
                else (holder[key] as Record<string, unknown>)[tail] = value;
                return c;
            });
        fc.assert(
            fc.property(fc.array(oneChange, { maxLength: 4 }), (changes) => {
                const problems = describeProblems(changes);
                let thrown: Error | undefined;
                try {
                    validateChanges(changes);
                } catch (e) {
                    thrown = e as Error;
                }
                assert.equal(thrown !== undefined, problems.length > 0, problems.join('; '));
                if (thrown) assert.ok(thrown.message.includes(problems[0]));
            }),
            { numRuns: 3_000 }
        );
    });
});
