import { describe } from 'node:test';
import { LocalRateGate } from '../../src/kit/RateGate';
import { TEST_LIMITS, rateGateContract } from './rateGateContract';

describe('LocalRateGate (one process)', () => {
    rateGateContract((n, limits = TEST_LIMITS) => {
        const gate = new LocalRateGate(limits);
        return Array.from({ length: n }, () => gate);
    });
});
