import { describe, expect, it } from 'vitest';
import { allowedFields, categoryOf, recordTypes } from '#policy/index';
import { validRecord } from '#test/records';
import { RECORD_SCHEMAS } from '../../../functions/captureEvents/schemas.ts';
import { MAX_RECORDS_PER_REQUEST, parseBatch } from '../../../functions/captureEvents/validate.ts';

const COMMON = ['id', 'type', 'occurredAt'];
const when = '2026-11-22T10:00:00.000Z';
const issuesOf = (body: unknown) => {
  const parsed = parseBatch(body);
  if (parsed.kind !== 'invalid') throw new Error(`expected issues, got ${parsed.kind}`);
  return parsed.issues;
};

describe('capture schemas', () => {
  it.each(recordTypes())('%s accepts only fields its category may store', (type) => {
    const keys = Object.keys(RECORD_SCHEMAS[type].entries).filter((k) => !COMMON.includes(k));
    const allowed = allowedFields(categoryOf(type).id).map((f) => f.split('.')[0]);
    for (const key of keys) expect(allowed).toContain(key);
  });

  it.each(recordTypes())('accepts a valid %s record and keeps its fields', (type) => {
    const record = validRecord(type, { id: 'r-1', occurredAt: when });
    const parsed = parseBatch(record);
    expect(parsed.kind).toBe('ok');
    if (parsed.kind !== 'ok') return;
    const [valid] = parsed.records;
    expect(valid).toMatchObject({
      id: 'r-1',
      type,
      category: categoryOf(type).id,
      occurredAt: new Date(when),
    });
    const { id: _i, type: _t, occurredAt: _o, ...fields } = record;
    expect(valid?.fields).toEqual(fields);
  });
});

describe('parsing a request body', () => {
  it('takes a single record or a batch of up to 100', () => {
    expect(parseBatch({ events: [validRecord('user.login'), validRecord('api.invocation')] })).toMatchObject({
      kind: 'ok',
      records: [{ type: 'user.login' }, { type: 'api.invocation' }],
    });
    const hundred = Array.from({ length: MAX_RECORDS_PER_REQUEST }, () => validRecord('user.login'));
    expect(parseBatch({ events: hundred }).kind).toBe('ok');
    expect(parseBatch({ events: [...hundred, validRecord('user.login')] })).toEqual({
      kind: 'tooMany',
      count: 101,
    });
  });

  it.each([null, [], 'text', 42, true])('refuses a body that is not an object: %j', (body) => {
    expect(issuesOf(body)[0]).toMatchObject({ pointer: '' });
  });

  it('refuses an empty batch, a non-array batch and extra keys beside events', () => {
    expect(issuesOf({ events: [] })[0]?.pointer).toBe('/events');
    expect(issuesOf({ events: {} })[0]?.pointer).toBe('/events');
    expect(issuesOf({ events: [validRecord('user.login')], tenantId: 'x' })[0]?.pointer).toBe('/tenantId');
  });

  it.each(['user.teleported', '__proto__', 'constructor', 'toString'])(
    'refuses the unknown type %s, naming it',
    (type) => {
      const [issue] = issuesOf(JSON.parse(JSON.stringify({ id: 'a', type, occurredAt: when })));
      expect(issue).toMatchObject({
        pointer: '/type',
        detail: expect.stringContaining(`type ${type} is unknown`),
      });
    },
  );

  it('refuses prototype-pollution keys as fields the policy does not collect', () => {
    const body = JSON.parse(
      `{"id":"a","type":"user.login","occurredAt":"${when}","userId":"u","clientIp":"192.0.2.1","country":"DE","__proto__":{"admin":true},"constructor":1}`,
    );
    const pointers = issuesOf(body).map((i) => i.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/__proto__', '/constructor']));
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each([
    [{ userId: undefined }, '/userId'],
    [{ userId: 42 }, '/userId'],
    [{ userId: '' }, '/userId'],
    [{ userId: 'a\u0000b' }, '/userId'],
    [{ clientIp: '999.1.1.1' }, '/clientIp'],
    [{ clientIp: '1.2.3' }, '/clientIp'],
    [{ country: 'de' }, '/country'],
    [{ country: 'DEU' }, '/country'],
    [{ occurredAt: '2026-11-22T10:00:00' }, '/occurredAt'],
    [{ occurredAt: '2026-02-30T00:00:00Z' }, '/occurredAt'],
    [{ occurredAt: 'yesterday' }, '/occurredAt'],
    [{ id: 'has space' }, '/id'],
    [{ id: 'x'.repeat(129) }, '/id'],
    [{ result: 'failure' }, '/result'],
    [{ result: 'maybe' }, '/result'],
  ])('refuses a login with %j at %s', (override, pointer) => {
    const record = validRecord('user.login', override);
    for (const [k, v] of Object.entries(override)) if (v === undefined) delete record[k];
    expect(issuesOf(record).map((i) => i.pointer)).toContain(pointer);
  });

  it('refuses an unknown key inside camContext', () => {
    const record = validRecord('admin.action', { camContext: { clientIp: '192.0.2.1', password: 'x' } });
    expect(issuesOf(record).map((i) => i.pointer)).toContain('/camContext/password');
  });

  it('refuses a business report of a kind outside the policy, or a count that is not a whole number', () => {
    expect(
      issuesOf(validRecord('security.business_report', { reportType: 'crypto-mining' }))[0]?.pointer,
    ).toBe('/reportType');
    expect(issuesOf(validRecord('security.business_report', { count: -1 }))[0]?.pointer).toBe('/count');
    expect(issuesOf(validRecord('security.business_report', { count: 1.5 }))[0]?.pointer).toBe('/count');
  });

  it('reports every problem of every record with its index, and the same id twice', () => {
    const issues = issuesOf({
      events: [
        validRecord('user.login', { id: 'same' }),
        validRecord('user.login', { clientIp: 'nope', country: 'xx' }),
        validRecord('api.invocation', { requestIp: 5 }),
        validRecord('user.login', { id: 'same' }),
      ],
    });
    expect(issues.map((i) => [i.index, i.pointer])).toEqual([
      [1, '/events/1/clientIp'],
      [1, '/events/1/country'],
      [2, '/events/2/requestIp'],
      [3, '/events/3/id'],
    ]);
    expect(issues[3]?.detail).toMatch(/appears twice/);
  });
});
