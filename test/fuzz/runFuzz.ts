import fc from 'fast-check';
import { activityRequests, syncRequests, type FuzzRequest } from './arbitraries';
import {
    eventProblems,
    figures,
    FUZZ_TOKEN,
    LATENCY_LIMIT_MS,
    type EndpointFigures,
    type FuzzRig,
    type Outcome
} from './fuzzRig';

/** How a fuzz run went for one endpoint: the figures and every broken promise (empty when all held). */
export interface FuzzReport extends EndpointFigures {
    endpoint: string;
    seed: number;
    violations: string[];
}

const DEAD_LETTER_CAP = 10_000;

/**
 * Sends `runs` requests drawn from `requests` (seeded), one at a time, through `send`, which answers the outcome and
 * the promises it broke beyond the common ones (no 5xx, within 2 s). Stops at the first broken promise.
 */
async function runProperty<R extends FuzzRequest>(
    requests: fc.Arbitrary<R>,
    runs: number,
    seed: number,
    send: (request: R) => Promise<{ outcome: Outcome & { text: string }; problems: string[] }>
): Promise<{ outcomes: Outcome[]; violations: string[] }> {
    const outcomes: Outcome[] = [];
    const violations: string[] = [];
    const property = fc.asyncProperty(requests, async (request) => {
        const { outcome, problems } = await send(request);
        outcomes.push(outcome);
        if (outcome.status >= 500) problems.push(`${outcome.status} ${outcome.text.slice(0, 200)}`);
        if (outcome.ms > LATENCY_LIMIT_MS) problems.push(`answered in ${Math.round(outcome.ms)} ms`);
        if (problems.length === 0) return true;
        violations.push(`${request.kind}: ${problems.join('; ')} <- ${request.body.slice(0, 1_500)}`);
        return false;
    });
    await fc.assert(property, { seed, numRuns: runs, endOnFailure: true }).catch(() => undefined);
    return { outcomes, violations };
}

/**
 * `runs` fuzzed activities to `POST /api/messages`, one at a time. Promises: no 5xx, no answer slower than 2 s, no
 * error-level log line, the victim's record unchanged (no forged or unauthorised card action applied).
 */
export async function fuzzMessages(rig: FuzzRig, runs: number, seed: number): Promise<FuzzReport> {
    const requests = activityRequests(rig.connector.url, rig.signer, rig.episodeId);
    const { outcomes, violations } = await runProperty(requests, runs, seed, async (request) => {
        const errorsBefore = rig.logger.errors.length;
        const outcome = await rig.post('/api/messages', request.body, request.headers);
        const problems: string[] = [];
        const errors = rig.logger.errors.slice(errorsBefore);
        if (errors.length > 0) problems.push(`logged an error: ${errors[0].msg} ${JSON.stringify(errors[0].fields)}`);
        if (!rig.victimUnchanged()) problems.push('a fuzzed card action changed the victim');
        return { outcome, problems };
    });
    return { endpoint: '/api/messages', seed, violations, ...figures(outcomes) };
}

/**
 * `runs` fuzzed bodies to `POST /api/sync/events`, one at a time. Promises: no 5xx, no answer slower than 2 s, a
 * 202's counts match its items, the queue grew by exactly the accepted items and the dead letters by exactly the
 * rejected ones (nothing without the token), and every queued event is valid.
 */
export async function fuzzSync(rig: FuzzRig, runs: number, seed: number): Promise<FuzzReport> {
    const requests = syncRequests(FUZZ_TOKEN, rig.clock.now());
    const { outcomes, violations } = await runProperty(requests, runs, seed, async (request) => {
        const before = await rig.syncCounts();
        const outcome = await rig.post('/api/sync/events', request.body, request.headers);
        const after = await rig.syncCounts();
        const problems: string[] = [];
        if (outcome.status === 202) {
            if (!request.authorized) problems.push('accepted without the token');
            const reply = JSON.parse(outcome.text) as { accepted: number; rejected: number; results: unknown[] };
            if (reply.accepted + reply.rejected !== reply.results.length) problems.push('counts disagree with results');
            if (after.queued - before.queued !== reply.accepted)
                problems.push(`queue grew by ${after.queued - before.queued}, reply accepted ${reply.accepted}`);
            if (after.dead !== Math.min(DEAD_LETTER_CAP, before.dead + reply.rejected))
                problems.push(`dead letters ${before.dead} -> ${after.dead}, reply rejected ${reply.rejected}`);
        } else if (after.queued !== before.queued || after.dead !== before.dead) {
            problems.push(`a ${outcome.status} changed the queue or the dead letters`);
        }
        return { outcome, problems };
    });
    const now = rig.clock.now();
    for (const event of await rig.queuedEvents()) {
        const problems = eventProblems(event, now);
        if (problems.length > 0)
            violations.push(`queued invalid event (${problems.join(', ')}): ${JSON.stringify(event).slice(0, 300)}`);
    }
    return { endpoint: '/api/sync/events', seed, violations, ...figures(outcomes) };
}
