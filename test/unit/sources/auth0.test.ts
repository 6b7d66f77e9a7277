import { describe, expect, it } from 'vitest';
import { type Auth0Context, mapAuth0LogStream, mapAuth0Logs } from '../../../shared/sources/auth0.ts';
import { parseAuth0Body } from '../../../shared/sources/auth0-body.ts';
import { AUTH0_LOG_TYPES, auth0Rule } from '../../../shared/sources/auth0-types.ts';
import { ADMIN_ACCOUNT, captureVerdict, countries, fixture, fixtureText } from './fixtures.ts';

const context: Auth0Context = { countries, adminAccount: ADMIN_ACCOUNT };

const ARRAY_RECORDS = [
  {
    id: 'a0-90020261122100000123456789012345678901234567890123456789',
    type: 'user.login',
    occurredAt: '2026-11-22T10:00:00.123Z',
    userId: 'auth0|56c75c4e42b6359e98374bc2',
    clientIp: '85.214.132.117',
    country: 'DE',
  },
  {
    id: 'a0-90020261122100100123456789012345678901234567890123456789',
    type: 'user.login_failed',
    occurredAt: '2026-11-22T10:01:00.000Z',
    userId: 'auth0|5f0a1b2c3d4e5f6a7b8c9d0e',
    clientIp: '2a00:1450:4001:81a::200e',
    country: 'IE',
  },
  {
    id: 'a0-90020261122100300123456789012345678901234567890123456789',
    type: 'user.registered',
    occurredAt: '2026-11-22T10:03:00.000Z',
    userId: 'auth0|6a7b8c9d0e1f2a3b4c5d6e7f',
    clientIp: '133.242.0.1',
    country: 'JP',
  },
];

describe('an Auth0 log stream in the JSON array format', () => {
  it('maps logins, failures and sign-ups under their log_id, and ignores what it does not collect', () => {
    expect(mapAuth0LogStream(fixtureText('auth0-log-stream.json'), context)).toEqual({
      records: ARRAY_RECORDS,
      ignored: [
        { index: 2, reason: expect.stringContaining('names no user_id') },
        { index: 4, reason: expect.stringContaining('silent re-authentication') },
      ],
      problems: [],
    });
  });

  it("prefers Auth0's own country over the database's", () => {
    const logs = fixture('auth0-log-stream.json') as Array<Record<string, any>>;
    const [login] = logs as [Record<string, any>];
    login.data.location_info.country_code = 'AT';
    expect(mapAuth0Logs(logs, context).records[0]).toMatchObject({
      clientIp: '85.214.132.117',
      country: 'AT',
    });
  });

  it('maps the same logs the same way once parsed', () => {
    expect(mapAuth0Logs(fixture('auth0-log-stream.json'), context).records).toEqual(ARRAY_RECORDS);
  });
});

describe('an Auth0 log stream in the JSON lines format', () => {
  it('maps a Management API call to an admin action, a deletion, and an e-mailed code', () => {
    expect(mapAuth0LogStream(fixtureText('auth0-log-stream.ndjson'), context)).toEqual({
      records: [
        {
          id: 'a0-90020261122110000123456789012345678901234567890123456789',
          type: 'admin.action',
          occurredAt: '2026-11-22T11:00:00.000Z',
          region: 'eu-frankfurt',
          apiVersion: 'v2',
          appId: 'QaZwSxEdCrFvTgByHnUjMiKoLp012345',
          uin: '100001',
          subAccountUin: 'google-oauth2|103547991597142817347',
          clientIp: '81.2.69.160',
          requestSource: 'auth0-dashboard',
          requestId: '90020261122110000123456789012345678901234567890123456789',
        },
        {
          id: 'a0-90020261122110100123456789012345678901234567890123456789',
          type: 'user.deleted',
          occurredAt: '2026-11-22T11:01:00.000Z',
          userId: 'auth0|5f0a1b2c3d4e5f6a7b8c9d0e',
        },
        {
          id: 'a0-90020261122110200123456789012345678901234567890123456789',
          type: 'message.email_sent',
          occurredAt: '2026-11-22T11:02:00.000Z',
          userId: 'email|6a1b2c3d4e5f6a7b8c9d0e1f',
        },
      ],
      ignored: [{ index: 3, reason: expect.stringContaining('profile, credential or verification change') }],
      problems: [],
    });
  });

  it('reads the same logs from JSON lines as from a JSON array', () => {
    const logs = fixture('auth0-log-stream.json') as unknown[];
    const lines = logs.map((log) => JSON.stringify(log)).join('\n');
    expect(mapAuth0LogStream(lines, context)).toEqual(mapAuth0LogStream(JSON.stringify(logs), context));
  });

  it('reads a single JSON object (the JSONOBJECT format) as one log', () => {
    const [log] = fixture('auth0-log-stream.json') as unknown[];
    expect(mapAuth0LogStream(JSON.stringify(log, null, 2), context).records).toEqual([ARRAY_RECORDS[0]]);
  });

  it('ignores Management API logs of a tenant without an admin account', () => {
    const mapping = mapAuth0LogStream(fixtureText('auth0-log-stream.ndjson'), { countries });
    expect(mapping.records.map((r) => r.type)).toEqual(['user.deleted', 'message.email_sent']);
    expect(mapping.ignored[0]).toEqual({
      index: 0,
      reason: expect.stringContaining('no admin account configured'),
    });
  });
});

describe('re-sent Auth0 logs', () => {
  it('keep their ids, since log_id is the idempotency key Auth0 delivers at least once', () => {
    const once = mapAuth0LogStream(fixtureText('auth0-log-stream.json'), context).records.map((r) => r.id);
    const twice = mapAuth0LogStream(fixtureText('auth0-log-stream.json'), context).records.map((r) => r.id);
    expect(twice).toEqual(once);
  });
});

describe('Auth0 payloads it cannot use', () => {
  it('reports every malformed log at its pointer and maps none of them', () => {
    expect(mapAuth0LogStream(fixtureText('auth0-malformed.ndjson'), context)).toEqual({
      records: [],
      ignored: [],
      problems: [
        { pointer: '/0/data/date', detail: 'data.date must be an ISO 8601 time with a zone' },
        { pointer: '/1', detail: 'line 2 is not JSON (the body is neither a JSON array nor JSON lines)' },
        { pointer: '/2/log_id', detail: 'log_id may only hold A-Za-z0-9._:-' },
        { pointer: '/3/log_id', detail: 'log_id is required' },
      ],
    });
  });

  it.each(['', '   \n', '42', '"s"', 'null'])('reports the body %j as no log stream', (body) => {
    const mapping = mapAuth0LogStream(body, context);
    expect(mapping.records).toEqual([]);
    expect(mapping.problems).toEqual([{ pointer: '', detail: expect.any(String) }]);
  });

  it('reports a user_id capture could not take, instead of passing it on', () => {
    const [log] = fixture('auth0-log-stream.json') as [Record<string, any>];
    log.data.user_id = `auth0|${'x'.repeat(130)}`;
    expect(mapAuth0Logs([log], context)).toEqual({
      records: [],
      ignored: [],
      problems: [{ pointer: '/0/data/user_id', detail: expect.stringContaining('at most 128 characters') }],
    });
  });

  it('keeps the positions of JSON lines when one line is broken', () => {
    expect(parseAuth0Body('{"a":1}\nnot json\n\n{"b":2}').logs).toEqual([{ a: 1 }, undefined, { b: 2 }]);
  });
});

describe('the Auth0 type table', () => {
  it('maps the codes the product names', () => {
    expect(auth0Rule('s')).toEqual({ record: 'user.login' });
    for (const code of ['f', 'fp', 'fu']) expect(auth0Rule(code)).toEqual({ record: 'user.login_failed' });
    expect(auth0Rule('ss')).toEqual({ record: 'user.registered' });
    expect(auth0Rule('fs')).toEqual({ record: 'user.registration_failed' });
    expect(auth0Rule('sdu')).toEqual({ record: 'user.deleted' });
    for (const code of ['sapi', 'fapi']) expect(auth0Rule(code)).toEqual({ admin: true });
  });

  it('ignores codes it does not know, and unknown MFA codes, with a reason', () => {
    expect(auth0Rule('brand_new_code')).toEqual({ ignore: expect.stringContaining('does not know') });
    expect(auth0Rule('gd_something_new')).toEqual({ ignore: expect.stringContaining('multi-factor') });
    expect(Object.keys(AUTH0_LOG_TYPES).length).toBeGreaterThan(120);
  });
});

describe('Auth0 records and the capture contract of today', () => {
  it('produces records capture accepts from both stream fixtures', () => {
    for (const name of ['auth0-log-stream.json', 'auth0-log-stream.ndjson']) {
      expect(captureVerdict(mapAuth0LogStream(fixtureText(name), context).records).kind).toBe('ok');
    }
  });
});
