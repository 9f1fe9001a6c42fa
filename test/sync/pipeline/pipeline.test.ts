import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyTransitionMatrix, type TransitionMatrix } from '../../../src/sync/pipeline/applyTransitionMatrix';
import { coalescePath, dedupe } from '../../../src/sync/pipeline/dedupe';
import { formatIsoUtc } from '../../../src/domain/isoInstant';
import { idempotencyKey } from '../../../src/sync/pipeline/payloadHash';
import { prepareIngest, staticAgentResolver } from '../../../src/sync/pipeline/prepareIngest';
import { nextLocalMidnight, splitAtMidnight } from '../../../src/sync/pipeline/splitAtMidnight';
import { translateReason } from '../../../src/sync/pipeline/translateReason';
import type { AckedState, SyncEvent } from '../../../src/sync/pipeline/types';
import { validateEvent } from '../../../src/sync/pipeline/validateEvent';

const resolve = staticAgentResolver(['u1', 'u2'], { 'EXT-1': 'u1', 'EXT-9': 'nobody' });
const base = { agentId: 'u1', state: 'Break', reasonCode: 'BREAK', startTime: '2026-11-23T10:00:00Z' };
const ev = (over: Partial<SyncEvent> = {}): SyncEvent => ({
    agentId: 'u1',
    state: 'Break',
    reasonCode: 'BREAK',
    startAt: Date.UTC(2026, 10, 23, 10),
    target: 'def-break',
    ...over
});

describe('validateEvent', () => {
    it('normalises to UTC, maps external agent ids and keeps optional fields', () => {
        const r = validateEvent(
            {
                ...base,
                agentId: 'EXT-1',
                startTime: '2026-11-23T11:00:00+01:00',
                endTime: '2026-11-23T10:15:00Z',
                externalEventId: 'x1'
            },
            resolve
        );
        assert.ok(r.ok);
        assert.deepEqual(r.value, {
            agentId: 'u1',
            state: 'Break',
            reasonCode: 'BREAK',
            startAt: Date.UTC(2026, 10, 23, 10),
            endAt: Date.UTC(2026, 10, 23, 10, 15),
            externalEventId: 'x1'
        });
    });
    it('rejects each bad input with a specific code', () => {
        const cases: Array<[unknown, string]> = [
            [null, 'INVALID_ITEM'],
            [[1], 'INVALID_ITEM'],
            [{ ...base, state: '' }, 'MISSING_FIELD'],
            [{ ...base, reasonCode: 5 }, 'MISSING_FIELD'],
            [{ ...base, startTime: '2026-11-23T10:00:00' }, 'LOCAL_TIME_NOT_ALLOWED'],
            [{ ...base, endTime: '2026-11-23T11:00' }, 'LOCAL_TIME_NOT_ALLOWED'],
            [{ ...base, startTime: 'soon' }, 'BAD_TIME'],
            [{ ...base, endTime: '2026-11-23T10:00:00Z' }, 'END_NOT_AFTER_START'],
            [{ ...base, endTime: '2026-11-23T09:00:00Z' }, 'END_NOT_AFTER_START'],
            [{ ...base, agentId: 'ghost' }, 'UNKNOWN_AGENT'],
            [{ ...base, agentId: 'EXT-9' }, 'UNKNOWN_AGENT']
        ];
        for (const [input, code] of cases) {
            const r = validateEvent(input, resolve);
            assert.ok(!r.ok, JSON.stringify(input));
            assert.equal(r.rejection.code, code, JSON.stringify(input));
        }
    });
});

describe('translateReason', () => {
    const table = { BREAK: { presenceDefinitionId: 'def-break', targetCode: 'BRK' }, SPANONLY: { targetCode: 'X' } };
    it('maps to the presence definition or the span code depending on the target', () => {
        const v = { agentId: 'u1', state: 'Break', reasonCode: 'BREAK', startAt: 0 };
        assert.deepEqual(translateReason(v, table, 'presence'), { ok: true, value: { ...v, target: 'def-break' } });
        assert.deepEqual(translateReason(v, table, 'span'), { ok: true, value: { ...v, target: 'BRK' } });
    });
    it('rejects an unmapped code and names it', () => {
        const r = translateReason({ agentId: 'u1', state: 's', reasonCode: 'SPANONLY', startAt: 0 }, table, 'presence');
        assert.ok(!r.ok);
        assert.equal(r.rejection.code, 'UNMAPPED_REASON_CODE');
        assert.match(r.rejection.reason, /SPANONLY/);
        const proto = translateReason({ agentId: 'u1', state: 's', reasonCode: 'toString', startAt: 0 }, table, 'span');
        assert.ok(!proto.ok);
    });
});

describe('applyTransitionMatrix', () => {
    const matrix: TransitionMatrix = {
        default: 'allow',
        rules: [
            { from: 'Offline', to: 'Break', action: 'reject' },
            { from: 'Offline', to: 'Meal', action: 'repair', viaState: 'Available', viaTarget: 'def-avail' }
        ]
    };
    it('allows unnamed transitions and the first event of an agent', () => {
        assert.deepEqual(applyTransitionMatrix(undefined, ev({ state: 'Break' }), matrix), {
            ok: true,
            events: [ev()],
            repaired: false
        });
        assert.ok(applyTransitionMatrix('Available', ev({ state: 'Break' }), matrix).ok);
    });
    it('rejects an illegal transition, never sending it', () => {
        const r = applyTransitionMatrix('Offline', ev({ state: 'Break' }), matrix);
        assert.ok(!r.ok);
        assert.equal(r.rejection.code, 'ILLEGAL_TRANSITION');
    });
    it('repairs by inserting the intermediate state first', () => {
        const r = applyTransitionMatrix('Offline', ev({ state: 'Meal', target: 'def-meal' }), matrix);
        assert.ok(r.ok && r.repaired);
        assert.deepEqual(
            r.events.map((e) => [e.state, e.target]),
            [
                ['Available', 'def-avail'],
                ['Meal', 'def-meal']
            ]
        );
    });
    it('rejects anything unnamed when the default is reject', () => {
        assert.ok(!applyTransitionMatrix('A', ev({ state: 'B' }), { default: 'reject', rules: [] }).ok);
    });
});

describe('dedupe', () => {
    const acked = (state: string, target: string, startAt: number): AckedState => ({
        state,
        target,
        startAt,
        payloadHash: 'h',
        ackedAt: 0
    });
    it('sends only real changes against the last acknowledged state and within the batch', () => {
        const t = Date.UTC(2026, 10, 23, 10);
        const last = new Map([['u1', acked('Break', 'def-break', t - 60_000)]]);
        const events = [
            ev({ startAt: t }),
            ev({ startAt: t + 1, state: 'Available', target: 'def-avail' }),
            ev({ startAt: t + 2, state: 'Available', target: 'def-avail' }),
            ev({ startAt: t - 120_000, state: 'Meal', target: 'def-meal' }),
            ev({ agentId: 'u2', startAt: t })
        ];
        const r = dedupe(events, last);
        assert.deepEqual(
            r.send.map((e) => [e.agentId, e.state]),
            [
                ['u1', 'Available'],
                ['u2', 'Break']
            ]
        );
        assert.equal(r.duplicates.length, 2);
        assert.equal(r.stale.length, 1);
    });
    it('sends an event older than the last acknowledged one when asked (spans), without making it the current state', () => {
        const t = Date.UTC(2026, 10, 23, 10);
        const last = new Map([['u1', acked('Available', 'def-avail', t)]]);
        const late = ev({ startAt: t - 300_000, endAt: t - 60_000 });
        const after = ev({ startAt: t + 1, state: 'Available', target: 'def-avail' });
        const dropped = dedupe([late, after], last);
        assert.deepEqual(dropped.stale, [late]);
        assert.deepEqual(dropped.send, []);
        const sent = dedupe([late, after], last, { stale: 'send' });
        assert.deepEqual(sent.send, [late]);
        assert.deepEqual(sent.late, [late]);
        assert.deepEqual(sent.stale, []);
        assert.deepEqual(sent.duplicates, [after], 'still compared with the acknowledged state, not the late one');
    });
});

describe('coalescePath (presence target)', () => {
    const t = Date.UTC(2026, 10, 23, 10);
    const st = (state: string, at: number): SyncEvent => ev({ state, target: `def-${state}`, startAt: at });
    const offline = { state: 'Offline', target: 'def-Offline' };
    const states = (events: SyncEvent[]) => events.map((e) => e.state);
    it('sends only the latest state when the matrix allows the jump, nothing when it is the acknowledged one', () => {
        const open: TransitionMatrix = { default: 'allow', rules: [] };
        assert.deepEqual(states(coalescePath(offline, [st('Available', t), st('Busy', t + 1)], open)), ['Busy']);
        assert.deepEqual(states(coalescePath(undefined, [st('Available', t), st('Busy', t + 1)], open)), ['Busy']);
        assert.deepEqual(coalescePath(offline, [st('Available', t), st('Offline', t + 1)], open), []);
    });
    it('keeps a repair intermediate: the jump over it would need the repair again', () => {
        const m: TransitionMatrix = {
            default: 'allow',
            rules: [
                { from: 'Offline', to: 'Busy', action: 'repair', viaState: 'Available', viaTarget: 'def-Available' }
            ]
        };
        const r = applyTransitionMatrix('Offline', st('Busy', t), m);
        assert.ok(r.ok);
        assert.deepEqual(states(coalescePath(offline, r.events, m)), ['Available', 'Busy']);
    });
    it('keeps the state in between when jumping over it is refused, and only that one', () => {
        const m: TransitionMatrix = { default: 'allow', rules: [{ from: 'Offline', to: 'Busy', action: 'reject' }] };
        const events = [st('Break', t), st('Available', t + 1), st('Meal', t + 2), st('Busy', t + 3)];
        assert.deepEqual(states(coalescePath(offline, events, m)), ['Meal', 'Busy']);
        assert.deepEqual(states(coalescePath({ state: 'Meal', target: 'def-Meal' }, events, m)), ['Busy']);
    });
});

describe('splitAtMidnight', () => {
    it('splits a span crossing local midnight into two', () => {
        const s = ev({ startAt: Date.parse('2026-11-23T22:00:00Z'), endAt: Date.parse('2026-11-24T02:00:00Z') });
        const parts = splitAtMidnight(s, 'Europe/Paris');
        assert.deepEqual(
            parts.map((p) => [formatIsoUtc(p.startAt), formatIsoUtc(p.endAt!)]),
            [
                ['2026-11-23T22:00:00.000Z', '2026-11-23T23:00:00.000Z'],
                ['2026-11-23T23:00:00.000Z', '2026-11-24T02:00:00.000Z']
            ]
        );
    });
    it('leaves a span inside one local day, and an open span, unchanged', () => {
        const s = ev({ startAt: Date.parse('2026-11-23T10:00:00Z'), endAt: Date.parse('2026-11-23T22:30:00Z') });
        assert.equal(splitAtMidnight(s, 'Europe/Paris').length, 1);
        assert.deepEqual(splitAtMidnight(ev(), 'Europe/Paris'), [ev()]);
    });
    it('finds local midnight around DST changes (23 h and 25 h days)', () => {
        // Spring forward in New York on 2026-03-08: local midnight of the 9th is 04:00Z (EDT), of the 8th 05:00Z (EST).
        assert.equal(
            formatIsoUtc(nextLocalMidnight(Date.parse('2026-03-08T12:00:00Z'), 'America/New_York')),
            '2026-03-09T04:00:00.000Z'
        );
        assert.equal(
            formatIsoUtc(nextLocalMidnight(Date.parse('2026-03-08T03:00:00Z'), 'America/New_York')),
            '2026-03-08T05:00:00.000Z'
        );
        // Fall back on 2026-11-01.
        assert.equal(
            formatIsoUtc(nextLocalMidnight(Date.parse('2026-11-01T12:00:00Z'), 'America/New_York')),
            '2026-11-02T05:00:00.000Z'
        );
        const night = ev({ startAt: Date.parse('2026-03-08T02:00:00Z'), endAt: Date.parse('2026-03-09T06:00:00Z') });
        const parts = splitAtMidnight(night, 'America/New_York');
        assert.deepEqual(
            parts.map((p) => formatIsoUtc(p.startAt)),
            ['2026-03-08T02:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']
        );
        assert.equal(parts[1].endAt! - parts[1].startAt, 23 * 3_600_000);
    });
    it('starts the day at 01:00 where the clock jumps at midnight (Santiago, Havana, Beirut): one split, no empty spans', () => {
        // America/Santiago 2026-09-06: 00:00 -04 does not exist, the clock goes to 01:00 -03 (04:00Z).
        assert.equal(
            formatIsoUtc(nextLocalMidnight(Date.parse('2026-09-05T12:00:00Z'), 'America/Santiago')),
            '2026-09-06T04:00:00.000Z'
        );
        // ... and back on 2026-04-05: 24:00 -03 becomes 23:00 -04, the 4th lasts 25 h, the 5th starts 00:00 -04.
        assert.equal(
            formatIsoUtc(nextLocalMidnight(Date.parse('2026-04-04T12:00:00Z'), 'America/Santiago')),
            '2026-04-05T04:00:00.000Z'
        );
        for (const [tz, start, end, boundary] of [
            ['America/Santiago', '2026-09-05T20:00:00-04:00', '2026-09-06T10:00:00-03:00', '2026-09-06T04:00:00.000Z'],
            ['America/Havana', '2026-03-07T20:00:00-05:00', '2026-03-08T10:00:00-04:00', '2026-03-08T05:00:00.000Z'],
            ['Asia/Beirut', '2026-03-28T20:00:00+02:00', '2026-03-29T10:00:00+03:00', '2026-03-28T22:00:00.000Z']
        ]) {
            const s = ev({ startAt: Date.parse(start), endAt: Date.parse(end) });
            const parts = splitAtMidnight(s, tz);
            assert.deepEqual(
                parts.map((p) => [formatIsoUtc(p.startAt), formatIsoUtc(p.endAt!)]),
                [
                    [formatIsoUtc(s.startAt), boundary],
                    [boundary, formatIsoUtc(s.endAt!)]
                ],
                tz
            );
            assert.equal(new Set(parts.map(idempotencyKey)).size, 2, tz);
        }
    });
    it('splits at local midnight in Europe/Dublin on both DST changes (23 h and 25 h days)', () => {
        // 2026-03-29: 01:00 GMT → 02:00 IST; the 29th starts 00:00Z and lasts 23 h.
        const spring = splitAtMidnight(
            ev({ startAt: Date.parse('2026-03-28T22:00:00Z'), endAt: Date.parse('2026-03-30T01:00:00Z') }),
            'Europe/Dublin'
        );
        assert.deepEqual(
            spring.map((p) => formatIsoUtc(p.startAt)),
            ['2026-03-28T22:00:00.000Z', '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z']
        );
        assert.equal(spring[1].endAt! - spring[1].startAt, 23 * 3_600_000);
        // 2026-10-25: 02:00 IST → 01:00 GMT; the 25th starts 23:00Z on the 24th and lasts 25 h.
        const autumn = splitAtMidnight(
            ev({ startAt: Date.parse('2026-10-24T20:00:00Z'), endAt: Date.parse('2026-10-26T03:00:00Z') }),
            'Europe/Dublin'
        );
        assert.deepEqual(
            autumn.map((p) => formatIsoUtc(p.startAt)),
            ['2026-10-24T20:00:00.000Z', '2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z']
        );
        assert.equal(autumn[1].endAt! - autumn[1].startAt, 25 * 3_600_000);
    });
    it('cuts any span into contiguous, non-empty parts, each inside one local day', () => {
        const zones = ['America/Santiago', 'America/Havana', 'Asia/Beirut', 'Europe/Dublin', 'America/New_York', 'UTC'];
        const day = (t: number, tz: string) =>
            new Intl.DateTimeFormat('en-CA', {
                timeZone: tz,
                year: 'numeric',
                month: '2-digit',
                day: '2-digit'
            }).format(t);
        fc.assert(
            fc.property(
                fc.constantFrom(...zones),
                fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
                fc.integer({ min: 1, max: 4 * 86_400_000 }),
                (tz, startAt, length) => {
                    const parts = splitAtMidnight(ev({ startAt, endAt: startAt + length }), tz);
                    assert.equal(parts[0].startAt, startAt);
                    assert.equal(parts[parts.length - 1].endAt, startAt + length);
                    parts.forEach((p, i) => {
                        assert.ok(p.endAt! > p.startAt, `${tz}: empty part`);
                        if (i > 0) assert.equal(p.startAt, parts[i - 1].endAt);
                        assert.equal(day(p.startAt, tz), day(p.endAt! - 1, tz), `${tz}: part spans two local days`);
                        if (i > 0) assert.notEqual(day(p.startAt, tz), day(p.startAt - 1, tz), 'cut at a day boundary');
                    });
                }
            ),
            { numRuns: 300, seed: 42 }
        );
        // The DST days themselves, not left to chance.
        for (const [tz, at] of [
            ['America/Santiago', '2026-09-05T12:00:00Z'],
            ['America/Santiago', '2026-04-04T12:00:00Z'],
            ['America/Havana', '2026-03-07T12:00:00Z'],
            ['Asia/Beirut', '2026-03-28T12:00:00Z']
        ]) {
            const parts = splitAtMidnight(ev({ startAt: Date.parse(at), endAt: Date.parse(at) + 2 * 86_400_000 }), tz);
            assert.equal(parts.length, 3, tz);
            assert.ok(parts.every((p) => p.endAt! > p.startAt));
        }
    });
    it('gives the same idempotency key to the same span and a different one to each part', () => {
        const s = ev({ startAt: Date.parse('2026-11-23T22:00:00Z'), endAt: Date.parse('2026-11-24T02:00:00Z') });
        const [a, b] = splitAtMidnight(s, 'Europe/Paris');
        assert.equal(idempotencyKey(a), idempotencyKey({ ...a }));
        assert.notEqual(idempotencyKey(a), idempotencyKey(b));
    });
});

describe('prepareIngest', () => {
    it('accepts good items and refuses bad ones item by item', () => {
        const r = prepareIngest([base, { ...base, reasonCode: 'NOPE', externalEventId: 'e2' }, 'junk'], {
            resolveAgent: resolve,
            reasonCodes: { BREAK: { presenceDefinitionId: 'def-break' } },
            target: 'presence'
        });
        assert.equal(r.accepted.length, 1);
        assert.deepEqual(
            r.results.map((x) => [x.index, x.status, x.status === 'rejected' ? x.code : '']),
            [
                [0, 'accepted', ''],
                [1, 'rejected', 'UNMAPPED_REASON_CODE'],
                [2, 'rejected', 'INVALID_ITEM']
            ]
        );
        assert.equal(r.results[1].externalEventId, 'e2');
    });
});
