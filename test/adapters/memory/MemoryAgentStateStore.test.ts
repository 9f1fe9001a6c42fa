import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryAgentStateStore } from '../../../src/adapters/memory/MemoryAgentStateStore';
import { isStoreError } from '../../../src/adapters/store/StoreError';
import { runStoreContract } from '../storeContract';

runStoreContract(
    'MemoryAgentStateStore',
    async () => {
        const store = new MemoryAgentStateStore({ pageSize: 1000 });
        return { store, peer: () => store, cleanup: () => store.close() };
    },
    { pageSize: 1000 }
);

const base = Date.UTC(2026, 0, 1);

/** `count` commits of agent `a`, each logging one entry at `base + i`. */
async function commitLogged(store: MemoryAgentStateStore, count: number): Promise<void> {
    for (let v = 0; v < count; v++) {
        const record = {
            userId: 'a',
            version: v + 1,
            lastChangeAt: base,
            managementUnitId: 'mu',
            state: { status: 'adherent' as const }
        };
        const entry = { type: 'start' as const, at: base + v, userId: 'a', managementUnitId: 'mu' };
        await store.commit([{ userId: 'a', expectedVersion: v, record, dueAt: null, log: [entry], outbox: [] }]);
    }
}

describe('MemoryAgentStateStore', () => {
    it('drops the oldest log entries beyond logMaxLen', async () => {
        const store = new MemoryAgentStateStore({ logMaxLen: 3 });
        await commitLogged(store, 5);
        const left = await store.readLog({ fromAt: 0, toAt: base + 10 });
        assert.deepEqual(
            left.map((e) => e.at - base),
            [2, 3, 4]
        );
    });

    it('keeps exactly the newest logMaxLen entries across many commits, and trims by time after that', async () => {
        const store = new MemoryAgentStateStore({ logMaxLen: 1_500 });
        await commitLogged(store, 5_000);
        const left = await store.readLog({ fromAt: 0, toAt: base + 10_000 });
        assert.equal(left.length, 1_500);
        assert.equal(left[0].at - base, 3_500);
        assert.equal(left[1_499].at - base, 4_999);
        assert.equal(await store.trimLog(base + 4_000), 500);
        const after = await store.readLog({ fromAt: 0, toAt: base + 10_000 });
        assert.deepEqual([after.length, after[0].at - base], [1_000, 4_000]);
    });

    it('rejects invalid options with a coded error', () => {
        assert.throws(
            () => new MemoryAgentStateStore({ logMaxLen: 0 }),
            (e: unknown) => isStoreError(e) && e.code === 'STORE_INVALID_ARGUMENT' && /logMaxLen/.test(e.message)
        );
    });
});
