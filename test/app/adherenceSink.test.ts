import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adherenceSink } from '../../src/app/adherenceSink';
import { out } from '../support/adherence';

describe('adherenceSink', () => {
    it('invalidates the unit schedule cache and tells the engine when a schedule is republished', () => {
        const calls: string[] = [];
        const engine = {
            observe: (o: readonly unknown[]) => calls.push(`observe:${o.length}`),
            reconcile: (mu: string) => calls.push(`reconcile:${mu}`),
            scheduleChanged: (mu: string) => calls.push(`engine:${mu}`)
        };
        const sink = adherenceSink(engine, { invalidate: (mu) => calls.push(`invalidate:${mu}`) });
        sink.observe([out(0)]);
        sink.reconcile('mu-1', []);
        sink.scheduleChanged('mu-2');
        assert.deepEqual(calls, ['observe:1', 'reconcile:mu-1', 'invalidate:mu-2', 'engine:mu-2']);
        assert.equal(adherenceSink(engine), engine);
    });
});
