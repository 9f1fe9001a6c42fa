import { describe } from 'node:test';
import { LocalRateGate } from '../../src/kit/RateGate';
import { TEST_LIMITS, rateGateContract } from './rateGateContract';

describe('LocalRateGate (one process)', () => {
    rateGateContract((n) => {
        const gate = new LocalRateGate(TEST_LIMITS);
        return Array.from({ length: n }, () => gate);
    });
});
