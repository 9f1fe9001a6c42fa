/* eslint-disable @typescript-eslint/no-explicit-any -- hostile JSON payloads are untyped by nature */
import fc from 'fast-check';
import type { ActionSigner } from '../../src/adapters/teams/ActionSigner';
import { REASON_CODES, VICTIM } from './fuzzRig';

/** One fuzzed HTTP request: its body text and headers. */
export interface FuzzRequest {
    body: string;
    headers: Record<string, string>;
    /** What kind of input it is (for the figures). */
    kind: string;
}

const VERBS = ['acknowledge', 'snooze', 'approveOvertime', 'ackNudge', 'myStatus', 'doSomethingElse', ''];
const COMMANDS = ['help', 'status', 'report 7', 'report -1', 'subscribe mu-fuzz', 'unsubscribe', 'exclude Break', ''];

/** A JSON value with the odd corners: deep nesting, long strings, numbers where strings belong. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    {
        weight: 1,
        arbitrary: fc.integer({ min: 1, max: 3_000 }).map((d) => JSON.parse(`${'['.repeat(d)}${']'.repeat(d)}`))
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)) },
    {
        weight: 1,
        arbitrary: fc.constantFrom(
            null,
            0,
            -1,
            1e308,
            true,
            '',
            '__proto__',
            JSON.parse('{"__proto__":{"polluted":1}}')
        )
    }
);

/** Replace the value at a random path of `base` (creating it) with `value`. */
function mutate(base: any, path: string[], value: unknown): any {
    const copy = structuredClone(base);
    let at = copy;
    for (const key of path.slice(0, -1)) {
        if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
        at = at[key];
    }
    at[path.at(-1)!] = value;
    return copy;
}

const ACTIVITY_PATHS: string[][] = [
    ['type'],
    ['text'],
    ['value'],
    ['serviceUrl'],
    ['channelId'],
    ['from'],
    ['from', 'id'],
    ['from', 'aadObjectId'],
    ['conversation'],
    ['conversation', 'id'],
    ['conversation', 'conversationType'],
    ['recipient'],
    ['entities'],
    ['channelData'],
    ['name'],
    ['value', 'action'],
    ['value', 'action', 'data'],
    ['value', 'action', 'verb']
];

/**
 * Activities for `POST /api/messages`: commands from random users, mutated activities, random JSON, non-JSON text,
 * and card actions (Action.Execute invokes and Action.Submit messages) that are forged, tampered, re-targeted or
 * validly signed but sent by someone not entitled to them. `serviceUrl` is always the fake connector or a closed
 * loopback port: no reply may leave the machine.
 */
export function activityRequests(
    serviceUrl: string,
    signer: ActionSigner,
    episodeId: string
): fc.Arbitrary<FuzzRequest> {
    const user = fc.constantFrom('29:u1', '29:u2', '29:stranger', 'g-victim', '29:victim').map((id) => ({
        id,
        name: 'Fuzz User',
        aadObjectId: `aad-${id}`
    }));
    const conversation = fc.oneof(
        fc.constant({ id: 'a:personal-fuzz', conversationType: 'personal', tenantId: 't' }),
        fc.constant({ id: '19:fuzz@thread.tacv2;messageid=1', conversationType: 'channel', tenantId: 't' })
    );
    const base = fc.record({ from: user, conversation }).map(({ from, conversation }) => ({
        type: 'message',
        id: 'in-fuzz',
        channelId: 'msteams',
        serviceUrl,
        from,
        recipient: { id: '28:bot', name: 'adherence' },
        conversation,
        channelData: { tenant: { id: 't' } }
    }));
    const command = fc
        .tuple(base, fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 300 })))
        .map(([a, text]) => ({ kind: 'command', activity: { ...a, text } }));
    const actionData = fc
        .record({
            verb: fc.constantFrom(...VERBS),
            forgery: fc.constantFrom('random', 'other-agent', 'other-verb', 'other-minutes', 'valid', 'none'),
            userId: fc.constantFrom(VICTIM.userId, 'g-other'),
            minutes: fc.constantFrom(undefined, 5, 15, 1e9, -5),
            until: fc.oneof(fc.constant(undefined), fc.string(), fc.integer())
        })
        .map(({ verb, forgery, userId, minutes, until }) => {
            const sign = (v: string, u: string, m?: number) => signer.sign(v, u, episodeId, m);
            const sig =
                forgery === 'random'
                    ? 'deadbeef'.repeat(8)
                    : forgery === 'other-agent'
                      ? sign(verb, 'g-other', minutes)
                      : forgery === 'other-verb'
                        ? sign('myStatus', userId, minutes)
                        : forgery === 'other-minutes'
                          ? sign(verb, userId, 5)
                          : forgery === 'valid'
                            ? sign(verb, userId, minutes)
                            : undefined;
            return { verb, userId, episodeId, minutes, until, ...(sig ? { sig } : {}) };
        });
    const invoke = fc.tuple(base, actionData, fc.boolean()).map(([a, data, asSubmit]) => ({
        kind: asSubmit ? 'submit' : 'invoke',
        activity: asSubmit
            ? { ...a, value: data }
            : {
                  ...a,
                  type: 'invoke',
                  name: 'adaptiveCard/action',
                  value: { action: { type: 'Action.Execute', verb: data.verb, data }, trigger: 'manual' }
              }
    }));
    const mutated = fc
        .tuple(fc.oneof(command, invoke), fc.constantFrom(...ACTIVITY_PATHS), hostileJson)
        .map(([{ activity }, path, value]) => ({ kind: 'mutated', activity: mutate(activity, path, value) }));
    const randomJson = hostileJson.map((activity) => ({ kind: 'json', activity }));
    const structured = fc.oneof(
        { weight: 3, arbitrary: command },
        { weight: 4, arbitrary: invoke },
        { weight: 4, arbitrary: mutated },
        { weight: 1, arbitrary: randomJson }
    );
    const toRequest = structured.map(({ kind, activity }) => ({
        kind,
        body: JSON.stringify(keepLocal(activity, serviceUrl)) ?? 'null',
        headers: { 'content-type': 'application/json' }
    }));
    const text = fc
        .string({ maxLength: 2_000 })
        .map((body) => ({ kind: 'text', body, headers: { 'content-type': 'application/json' } }));
    return fc.oneof({ weight: 12, arbitrary: toRequest }, { weight: 1, arbitrary: text });
}

/** A URL-looking `serviceUrl` that is not the connector becomes a closed loopback port: nothing leaves the machine. */
function keepLocal(activity: any, serviceUrl: string): any {
    if (typeof activity !== 'object' || activity === null || typeof activity.serviceUrl !== 'string') return activity;
    if (activity.serviceUrl === serviceUrl || !/^[a-z][a-z0-9+.-]*:/i.test(activity.serviceUrl)) return activity;
    return { ...activity, serviceUrl: 'http://127.0.0.1:9/' };
}

/** ISO instants around `now`: plausible ones, far future and far past, local times, garbage. */
function instant(now: number): fc.Arbitrary<unknown> {
    return fc.oneof(
        {
            weight: 6,
            arbitrary: fc.integer({ min: -3_600_000, max: 3_600_000 }).map((d) => new Date(now + d).toISOString())
        },
        {
            weight: 1,
            arbitrary: fc.constantFrom(
                '9999-12-31T23:59:59Z',
                '0000-01-01T00:00:00Z',
                '2026-11-23T10:00:00',
                '2026-02-30T10:00:00Z'
            )
        },
        {
            weight: 1,
            arbitrary: fc
                .integer({ min: -100_000, max: 100_000 })
                .map((days) => new Date(now + days * 86_400_000).toISOString())
        },
        { weight: 1, arbitrary: hostileJson }
    );
}

/**
 * Bodies for `POST /api/sync/events`: arrays (and NDJSON) of valid, mutated and hostile items, random JSON, garbage,
 * with the right token mostly and a wrong or missing one sometimes.
 */
export function syncRequests(token: string, now: number): fc.Arbitrary<FuzzRequest & { authorized: boolean }> {
    const item = fc.record({
        agentId: fc.oneof(fc.constantFrom('g-1', 'g-2', 'ext-9'), fc.string({ maxLength: 300 })),
        state: fc.oneof(fc.constantFrom('Break', 'Lunch'), fc.string({ maxLength: 40 })),
        reasonCode: fc.oneof(fc.constantFrom(...REASON_CODES), fc.string({ maxLength: 20 })),
        startTime: instant(now),
        endTime: fc.option(instant(now + 1_800_000), { nil: undefined }),
        externalEventId: fc.option(fc.string({ maxLength: 300 }), { nil: undefined })
    });
    const mutatedItem = fc
        .tuple(item, fc.constantFrom('agentId', 'state', 'reasonCode', 'startTime', 'endTime', 'extra'), hostileJson)
        .map(([i, key, value]) => ({ ...i, [key]: value }));
    const anyItem = fc.oneof(
        { weight: 5, arbitrary: item },
        { weight: 3, arbitrary: mutatedItem },
        { weight: 1, arbitrary: hostileJson }
    );
    const items = fc.array(anyItem, { minLength: 0, maxLength: 30 });
    const body = fc.oneof(
        {
            weight: 6,
            arbitrary: items.map((xs) => ({ kind: 'array', body: JSON.stringify(xs), type: 'application/json' }))
        },
        {
            weight: 2,
            arbitrary: items.map((xs) => ({
                kind: 'ndjson',
                body: xs.map((x) => JSON.stringify(x) ?? '').join('\n'),
                type: 'application/x-ndjson'
            }))
        },
        {
            weight: 1,
            arbitrary: hostileJson.map((x) => ({
                kind: 'json',
                body: JSON.stringify(x) ?? '',
                type: 'application/json'
            }))
        },
        {
            weight: 1,
            arbitrary: fc.string({ maxLength: 2_000 }).map((s) => ({ kind: 'text', body: s, type: 'text/plain' }))
        }
    );
    const auth = fc.oneof(
        { weight: 9, arbitrary: fc.constant(`Bearer ${token}`) },
        {
            weight: 1,
            arbitrary: fc.constantFrom(
                '',
                'Bearer',
                `Bearer ${token}x`,
                `Basic ${token}`,
                'Bearer wrong-token-0123456789'
            )
        }
    );
    return fc.tuple(body, auth).map(([b, authorization]) => ({
        kind: b.kind,
        body: b.body,
        authorized: authorization === `Bearer ${token}`,
        headers: { 'content-type': b.type, ...(authorization ? { authorization } : {}) }
    }));
}
