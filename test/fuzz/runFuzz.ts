import fc from 'fast-check';
import { activityRequests, syncRequests } from './arbitraries';
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
 * `runs` fuzzed activities to `POST /api/messages`, one at a time. Promises: no 5xx, no answer slower than 2 s, the
 * victim's record unchanged (no forged or unauthorised card action applied).
 */
export async function fuzzMessages(rig: FuzzRig, runs: number, seed: number): Promise<FuzzReport> {
    const outcomes: Outcome[] = [];
    const violations: string[] = [];
    await fc
        .assert(
            fc.asyncProperty(activityRequests(rig.connector.url, rig.signer, rig.episodeId), async (request) => {
                const errorsBefore = rig.logger.at('error').length;
                const res = await rig.post('/api/messages', request.body, request.headers);
                outcomes.push(res);
                const problems: string[] = [];
                const errors = rig.logger.at('error').slice(errorsBefore);
                if (errors.length > 0)
                    problems.push(`logged an error: ${errors[0].msg} ${JSON.stringify(errors[0].fields)}`);
                if (res.status >= 500) problems.push(`${res.status} ${res.text.slice(0, 200)}`);
                if (res.ms > LATENCY_LIMIT_MS) problems.push(`answered in ${Math.round(res.ms)} ms`);
                if (!rig.victimUnchanged()) problems.push('a fuzzed card action changed the victim');
                if (problems.length > 0) {
                    violations.push(`${request.kind}: ${problems.join('; ')} <- ${request.body.slice(0, 1_500)}`);
                    return false;
                }
                return true;
            }),
            { seed, numRuns: runs, endOnFailure: true }
        )
        .catch(() => undefined);
    return { endpoint: '/api/messages', seed, violations, ...figures(outcomes) };
}

/**
 * `runs` fuzzed bodies to `POST /api/sync/events`, one at a time. Promises: no 5xx, no answer slower than 2 s, a
 * 202's counts match its items, the queue grew by exactly the accepted items and the dead letters by exactly the
 * rejected ones (nothing without the token), and every queued event is valid.
 */
export async function fuzzSync(rig: FuzzRig, runs: number, seed: number): Promise<FuzzReport> {
    const outcomes: Outcome[] = [];
    const violations: string[] = [];
    await fc
        .assert(
            fc.asyncProperty(syncRequests(FUZZ_TOKEN, rig.clock.now()), async (request) => {
                const before = await rig.syncCounts();
                const res = await rig.post('/api/sync/events', request.body, request.headers);
                outcomes.push(res);
                const after = await rig.syncCounts();
                const problems: string[] = [];
                if (res.status >= 500) problems.push(`${res.status} ${res.text.slice(0, 200)}`);
                if (res.ms > LATENCY_LIMIT_MS) problems.push(`answered in ${Math.round(res.ms)} ms`);
                if (res.status === 202) {
                    if (!request.authorized) problems.push('accepted without the token');
                    const reply = JSON.parse(res.text) as { accepted: number; rejected: number; results: unknown[] };
                    if (reply.accepted + reply.rejected !== reply.results.length)
                        problems.push('counts disagree with results');
                    if (after.queued - before.queued !== reply.accepted)
                        problems.push(
                            `queue grew by ${after.queued - before.queued}, reply accepted ${reply.accepted}`
                        );
                    const expectedDead = Math.min(DEAD_LETTER_CAP, before.dead + reply.rejected);
                    if (after.dead !== expectedDead)
                        problems.push(`dead letters ${before.dead} -> ${after.dead}, reply rejected ${reply.rejected}`);
                } else if (after.queued !== before.queued || after.dead !== before.dead) {
                    problems.push(`a ${res.status} changed the queue or the dead letters`);
                }
                if (problems.length > 0) {
                    violations.push(`${request.kind}: ${problems.join('; ')} <- ${request.body.slice(0, 1_500)}`);
                    return false;
                }
                return true;
            }),
            { seed, numRuns: runs, endOnFailure: true }
        )
        .catch(() => undefined);
    const now = rig.clock.now();
    for (const event of await rig.queuedEvents()) {
        const problems = eventProblems(event, now);
        if (problems.length > 0)
            violations.push(`queued invalid event (${problems.join(', ')}): ${JSON.stringify(event).slice(0, 300)}`);
    }
    return { endpoint: '/api/sync/events', seed, violations, ...figures(outcomes) };
}
