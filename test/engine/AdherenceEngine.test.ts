import { MemoryAgentStateStore } from '../../src/adapters/memory/MemoryAgentStateStore';
import { engineSuite } from './engineSuite';

engineSuite('the in-memory store', {
    async make() {
        const store = new MemoryAgentStateStore();
        // One process, one store: a second "instance" shares the same object (close is a no-op on shared data).
        return { store, shared: async () => store };
    },
    async cleanup() {}
});
