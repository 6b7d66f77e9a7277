import { describe, expect, it } from 'vitest';
import { allowedFields, categoryOf, POLICY, type RecordType, recordTypes } from '#policy/index';
import { FIELDS, validRecord as sharedValidRecord } from '#test/records';
import {
  type BatchParse,
  MAX_RECORDS_PER_REQUEST,
  parseBatch,
  type RecordIssue,
  schemaFields,
} from '../../../functions/captureEvents/validate.ts';

type Json = Record<string, unknown>;

const AT = '2026-11-22T10:00:00Z';

/** A valid record of `type` at a fixed time; `overrides` replace fields, `undefined` removes one. */
const validRecord = (type: RecordType, overrides: Json = {}): Json =>
  sharedValidRecord(type, { occurredAt: AT, ...overrides });

function issuesOf(result: BatchParse): RecordIssue[] {
  if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
  return result.issues;
}

function recordsOf(result: BatchParse) {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.records;
}

/** The single issue of a one-record body. */
function onlyIssue(body: unknown): RecordIssue {
  const issues = issuesOf(parseBatch(body));
  expect(issues).toHaveLength(1);
  return issues[0] as RecordIssue;
}

describe('schemas follow the policy', () => {
  it.each(recordTypes())('%s declares only fields its category allows', (type) => {
    const allowed = allowedFields(categoryOf(type).id);
    expect(schemaFields(type).length).toBeGreaterThan(0);
    for (const field of schemaFields(type)) expect(allowed).toContain(field);
  });

  it('has a valid test record for every record type of the policy', () => {
    expect(Object.keys(FIELDS).sort()).toEqual([...recordTypes()].sort());
  });
});

describe('accepting records', () => {
  it.each(recordTypes())(
    'accepts a %s record and keeps its fields, filed under its category and module',
    (type) => {
      const body = validRecord(type, { id: 'abc' });
      const [record] = recordsOf(parseBatch(body));
      const category = categoryOf(type);
      expect(record).toEqual({
        id: 'abc',
        type,
        category: category.id,
        module: category.module,
        occurredAt: new Date(AT),
        fields: FIELDS[type],
      });
      for (const key of Object.keys(record?.fields ?? {})) {
        expect(allowedFields(category.id).some((f) => f === key || f.startsWith(`${key}.`))).toBe(true);
      }
    },
  );

  it('never copies the common fields id, type or occurredAt into fields', () => {
    const [record] = recordsOf(parseBatch(validRecord('api.invocation')));
    expect(Object.keys(record?.fields ?? {})).toEqual(['requestIp']);
  });

  it('keeps camContext nested and its q-token raw for the caller to hash', () => {
    const [record] = recordsOf(parseBatch(validRecord('admin.action')));
    expect(record?.fields.camContext).toEqual({ clientIp: '203.0.113.10', qToken: 'secret-token' });
  });

  it('accepts admin actions without the optional subAccountUin, logRegion and camContext', () => {
    const body = validRecord('admin.action', {
      subAccountUin: undefined,
      logRegion: undefined,
      camContext: undefined,
    });
    const [record] = recordsOf(parseBatch(body));
    expect(Object.keys(record?.fields ?? {})).not.toContain('camContext');
  });

  it('accepts an empty camContext', () => {
    expect(parseBatch(validRecord('admin.action', { camContext: {} })).kind).toBe('ok');
  });

  it('accepts user operations without result, and user deletions without client IP or country', () => {
    expect(parseBatch(validRecord('user.login', { result: undefined })).kind).toBe('ok');
    expect(parseBatch(validRecord('user.deleted', { clientIp: '203.0.113.7', country: 'DE' })).kind).toBe(
      'ok',
    );
  });

  it('accepts a result on a type that implies none', () => {
    expect(parseBatch(validRecord('user.deleted', { result: 'failure' })).kind).toBe('ok');
  });

  it('accepts an app.deleted with its app type', () => {
    const [record] = recordsOf(parseBatch(validRecord('app.deleted', { appType: 'web' })));
    expect(record?.fields).toEqual({ appId: 'app-1', appType: 'web' });
  });

  it('accepts a product config without a value, and with an empty one', () => {
    expect(parseBatch(validRecord('security.product_config', { configValue: undefined })).kind).toBe('ok');
    expect(parseBatch(validRecord('security.product_config', { configValue: '' })).kind).toBe('ok');
  });

  it('accepts ids made of letters, digits and . _ : -', () => {
    expect(parseBatch(validRecord('api.invocation', { id: 'A-z_0.9:x' })).kind).toBe('ok');
    expect(parseBatch(validRecord('api.invocation', { id: 'x'.repeat(128) })).kind).toBe('ok');
  });

  it('reads occurredAt with an offset and fractional seconds as the instant it names', () => {
    const [record] = recordsOf(
      parseBatch(validRecord('api.invocation', { occurredAt: '2026-11-22T12:30:00.25+02:30' })),
    );
    expect(record?.occurredAt.toISOString()).toBe('2026-11-22T10:00:00.250Z');
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseBatch(validRecord('api.invocation', { occurredAt: '2028-02-29T00:00:00Z' })).kind).toBe('ok');
  });

  it('does not judge occurredAt against the clock (far past and future are the caller’s to refuse)', () => {
    expect(parseBatch(validRecord('api.invocation', { occurredAt: '2000-01-01T00:00:00Z' })).kind).toBe('ok');
    expect(parseBatch(validRecord('api.invocation', { occurredAt: '2099-01-01T00:00:00Z' })).kind).toBe('ok');
  });

  it('accepts the largest whole counts and zero', () => {
    const body = validRecord('security.business_report', {
      count: Number.MAX_SAFE_INTEGER,
      purchasedResources: 0,
    });
    expect(parseBatch(body).kind).toBe('ok');
  });

  it('accepts every report type the policy lists', () => {
    for (const reportType of POLICY.categories['business-operation-data'].values.reportType) {
      expect(parseBatch(validRecord('security.business_report', { reportType })).kind).toBe('ok');
    }
  });
});

describe('request bodies', () => {
  it('accepts a single record as the body', () => {
    expect(recordsOf(parseBatch(validRecord('user.login')))).toHaveLength(1);
  });

  it('accepts a batch and keeps the records in order', () => {
    const events = [validRecord('user.login'), validRecord('app.created'), validRecord('security.version')];
    const records = recordsOf(parseBatch({ events }));
    expect(records.map((r) => r.id)).toEqual(events.map((e) => e.id));
  });

  it(`accepts ${MAX_RECORDS_PER_REQUEST} records in one batch`, () => {
    const events = Array.from({ length: 100 }, () => validRecord('api.invocation'));
    expect(recordsOf(parseBatch({ events }))).toHaveLength(100);
  });

  it('answers tooMany with the count for 101 records, without validating them', () => {
    const events = Array.from({ length: 101 }, () => ({ nonsense: true }));
    expect(parseBatch({ events })).toEqual({ kind: 'tooMany', count: 101 });
  });

  it('refuses an empty batch', () => {
    expect(onlyIssue({ events: [] })).toMatchObject({
      pointer: '/events',
      detail: expect.stringMatching(/events/),
    });
  });

  it.each([
    ['null', null],
    ['an array', [validRecord('user.login')]],
    ['a string', 'user.login'],
    ['a number', 42],
    ['a boolean', true],
    ['undefined', undefined],
  ])('refuses %s as the body, pointing at the body itself', (_, body) => {
    expect(onlyIssue(body)).toMatchObject({
      pointer: '',
      detail: expect.stringMatching(/must be a JSON object/),
    });
  });

  it.each([
    ['an object', {}],
    ['a string', 'x'],
    ['null', null],
  ])('refuses events that is %s instead of an array', (_, events) => {
    expect(onlyIssue({ events })).toMatchObject({
      pointer: '/events',
      detail: expect.stringMatching(/array/),
    });
  });

  it('refuses a batch body with keys other than events', () => {
    const issues = issuesOf(parseBatch({ events: [validRecord('user.login')], tenantId: 't-1' }));
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/tenantId',
        detail: expect.stringMatching(/tenantId is not allowed/),
      }),
    ]);
  });

  it('refuses a record that also carries events (a record and a batch at once)', () => {
    const issues = issuesOf(
      parseBatch({ ...validRecord('user.login'), events: [validRecord('user.login')] }),
    );
    expect(issues.map((i) => i.pointer).sort()).toEqual(
      ['/clientIp', '/country', '/id', '/occurredAt', '/result', '/type', '/userId'].sort(),
    );
  });

  it('refuses a batch entry that is not an object, pointing at it', () => {
    const issues = issuesOf(parseBatch({ events: [validRecord('user.login'), 'x', null] }));
    expect(issues).toEqual([
      expect.objectContaining({
        index: 1,
        pointer: '/events/1',
        detail: expect.stringMatching(/JSON object/),
      }),
      expect.objectContaining({
        index: 2,
        pointer: '/events/2',
        detail: expect.stringMatching(/JSON object, not null/),
      }),
    ]);
  });

  it('refuses a duplicate id in one batch on its later occurrence', () => {
    const first = validRecord('user.login', { id: 'same' });
    const events = [first, validRecord('api.invocation'), validRecord('app.created', { id: 'same' })];
    expect(issuesOf(parseBatch({ events }))).toEqual([
      {
        index: 2,
        id: 'same',
        pointer: '/events/2/id',
        detail: expect.stringMatching(/id same appears twice in this request/),
      },
    ]);
  });

  it('reports every issue of every record with its index, id and pointer', () => {
    const events = [
      validRecord('user.login', { id: 'a', clientIp: '999.1.1.1', country: 'de' }),
      validRecord('api.invocation', { id: 'b' }),
      validRecord('app.created', { id: 'c', appType: undefined, email: 'x@example.com' }),
      validRecord('security.business_report', { id: 'd', count: -1 }),
    ];
    const issues = issuesOf(parseBatch({ events }));
    expect(issues.map(({ index, id, pointer }) => ({ index, id, pointer }))).toEqual([
      { index: 0, id: 'a', pointer: '/events/0/clientIp' },
      { index: 0, id: 'a', pointer: '/events/0/country' },
      { index: 2, id: 'c', pointer: '/events/2/appType' },
      { index: 2, id: 'c', pointer: '/events/2/email' },
      { index: 3, id: 'd', pointer: '/events/3/count' },
    ]);
  });

  it('reports every issue of a single-record body with pointers relative to the body', () => {
    const issues = issuesOf(
      parseBatch(validRecord('user.login', { userId: '', clientIp: 1, occurredAt: 'now' })),
    );
    expect(issues.map((i) => i.pointer).sort()).toEqual(['/clientIp', '/occurredAt', '/userId']);
    expect(issues.every((i) => i.index === 0)).toBe(true);
  });

  it('does not echo an invalid id in its issues', () => {
    const issue = onlyIssue(validRecord('user.login', { id: 'has space' }));
    expect(issue).toEqual({
      index: 0,
      pointer: '/id',
      detail: expect.stringMatching(/^id may only contain/),
    });
  });

  it('escapes ~ and / in pointers as RFC 6901 says', () => {
    expect(onlyIssue(validRecord('user.login', { 'a/b~c': 1 })).pointer).toBe('/a~1b~0c');
  });
});

describe('common fields', () => {
  it.each(['id', 'type', 'occurredAt'])('refuses a record without %s, naming it in the pointer', (field) => {
    const issue = onlyIssue(validRecord('api.invocation', { [field]: undefined }));
    expect(issue.pointer).toBe(`/${field}`);
    expect(issue.detail).toMatch(new RegExp(`^${field} is required`));
  });

  it.each([
    ['empty', ''],
    ['longer than 128 characters', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['with a slash', 'a/b'],
    ['with a control character', 'a\nb'],
  ])('refuses an id that is %s', (_, id) => {
    expect(onlyIssue(validRecord('api.invocation', { id })).pointer).toBe('/id');
  });

  it('refuses an id that is not a string, naming the expected type', () => {
    expect(onlyIssue(validRecord('api.invocation', { id: 7 })).detail).toBe(
      'id must be a string, not number 7',
    );
  });

  it('refuses an unknown type and lists the known types', () => {
    const issue = onlyIssue(validRecord('user.login', { type: 'user.teleported' }));
    expect(issue.pointer).toBe('/type');
    expect(issue.detail).toMatch(/^type user\.teleported is unknown; known types: user\.login, /);
    expect(issue.detail).toContain('security.version');
  });

  it('refuses a type that is not a string', () => {
    expect(onlyIssue(validRecord('user.login', { type: ['user.login'] })).detail).toBe(
      'type must be a string naming a record type, not an array',
    );
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'])(
    'refuses %s as a type (Object.prototype is no record type)',
    (type) => {
      const body = JSON.parse(
        JSON.stringify(validRecord('api.invocation')).replace('"api.invocation"', `"${type}"`),
      );
      const issue = onlyIssue(body);
      expect(issue).toMatchObject({
        pointer: '/type',
        detail: expect.stringMatching(`^type ${type} is unknown`),
      });
    },
  );

  it.each([
    ['without a time zone', '2026-11-22T10:00:00'],
    ['on a day that does not exist', '2026-02-30T00:00:00Z'],
    ['on 29 February of a common year', '2026-02-29T00:00:00Z'],
    ['in month 13', '2026-13-01T00:00:00Z'],
    ['at hour 24', '2026-11-22T24:00:00Z'],
    ['at second 60', '2026-11-22T10:00:60Z'],
    ['as a date only', '2026-11-22'],
    ['with a space instead of T', '2026-11-22 10:00:00Z'],
    ['with an offset without a colon', '2026-11-22T10:00:00+0200'],
    ['as a word', 'yesterday'],
    ['as an empty string', ''],
  ])('refuses occurredAt %s', (_, occurredAt) => {
    const issue = onlyIssue(validRecord('api.invocation', { occurredAt }));
    expect(issue.pointer).toBe('/occurredAt');
    expect(issue.detail).toMatch(
      /^occurredAt must be an ISO-8601 timestamp with a time zone, e\.g\. 2026-11-22T10:00:00Z/,
    );
  });

  it('refuses occurredAt as epoch milliseconds', () => {
    expect(onlyIssue(validRecord('api.invocation', { occurredAt: Date.parse(AT) })).detail).toMatch(
      /got number/,
    );
  });

  it('still reports field issues when occurredAt is wrong', () => {
    const issues = issuesOf(parseBatch(validRecord('api.invocation', { occurredAt: 'x', requestIp: 'x' })));
    expect(issues.map((i) => i.pointer)).toEqual(['/occurredAt', '/requestIp']);
  });
});

describe('unknown fields', () => {
  it('refuses a field the category does not collect, saying so', () => {
    const issue = onlyIssue(validRecord('user.login', { email: 'a@example.com' }));
    expect(issue).toEqual({
      index: 0,
      id: expect.any(String),
      pointer: '/email',
      detail: 'field email is not collected for category user-operation-log',
    });
  });

  it('refuses a field the category allows but the type does not carry', () => {
    expect(onlyIssue(validRecord('app.created', { createdAt: AT })).detail).toBe(
      'field createdAt is not accepted for type app.created',
    );
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses %s as a field key and keeps it out of fields',
    (key) => {
      const json = JSON.stringify(validRecord('user.login')).replace(/}$/, `,"${key}":{"polluted":true}}`);
      const body = JSON.parse(json) as Json;
      expect(Object.hasOwn(body, key)).toBe(true);
      const issue = onlyIssue(body);
      expect(issue).toMatchObject({
        pointer: `/${key}`,
        detail: `field ${key} is not collected for category user-operation-log`,
      });
      expect(({} as Json).polluted).toBeUndefined();
    },
  );

  it('refuses an unknown key inside camContext, pointing into it', () => {
    const issue = onlyIssue(validRecord('admin.action', { camContext: { clientIp: '203.0.113.1', foo: 1 } }));
    expect(issue.pointer).toBe('/camContext/foo');
    expect(issue.detail).toMatch(/camContext\.foo is not accepted/);
  });

  it('refuses __proto__ inside camContext', () => {
    const json = JSON.stringify(validRecord('admin.action')).replace(
      '"camContext":{',
      '"camContext":{"__proto__":{},',
    );
    expect(onlyIssue(JSON.parse(json)).pointer).toBe('/camContext/__proto__');
  });

  it('refuses a camContext that is not an object', () => {
    expect(onlyIssue(validRecord('admin.action', { camContext: 'x' })).detail).toBe(
      'camContext must be an object, not the string "x"',
    );
  });

  it('puts only declared keys into fields, as a plain object', () => {
    const [record] = recordsOf(parseBatch(validRecord('admin.action')));
    expect(Object.getPrototypeOf(record?.fields)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(record?.fields.camContext)).toBe(Object.prototype);
    const topLevel = new Set(schemaFields('admin.action').map((f) => f.split('.')[0]));
    for (const key of Object.keys(record?.fields ?? {})) expect(topLevel).toContain(key);
  });
});

describe('type-specific fields', () => {
  it.each([
    ['user.login', 'userId'],
    ['user.login', 'clientIp'],
    ['user.login', 'country'],
    ['user.registration_failed', 'country'],
    ['user.deleted', 'userId'],
    ['message.sms_sent', 'userId'],
    ['admin.action', 'region'],
    ['admin.action', 'apiVersion'],
    ['admin.action', 'appId'],
    ['admin.action', 'uin'],
    ['admin.action', 'requestId'],
    ['admin.action', 'clientIp'],
    ['admin.action', 'requestSource'],
    ['api.invocation', 'requestIp'],
    ['app.created', 'appId'],
    ['app.created', 'appType'],
    ['app.deleted', 'appId'],
    ['security.asset', 'serverId'],
    ['security.container_event', 'containerId'],
    ['security.container_event', 'eventType'],
    ['security.business_report', 'reportType'],
    ['security.business_report', 'count'],
    ['security.product_config', 'configKey'],
    ['security.version', 'component'],
    ['security.version', 'version'],
  ] as const)('refuses a %s record without %s, naming it in the pointer', (type, field) => {
    expect(onlyIssue(validRecord(type, { [field]: undefined }))).toMatchObject({
      pointer: `/${field}`,
      detail: `${field} is required`,
    });
  });

  it.each([
    ['a number', 42, 'userId must be a string, not number 42'],
    ['null', null, 'userId must be a string, not null'],
    ['an array', ['u-1'], 'userId must be a string, not an array'],
    ['an object', { id: 'u-1' }, 'userId must be a string, not an object'],
    ['a boolean', true, 'userId must be a string, not boolean true'],
  ])('refuses a userId that is %s, naming the expected type', (_, userId, detail) => {
    expect(onlyIssue(validRecord('user.login', { userId }))).toMatchObject({ pointer: '/userId', detail });
  });

  it('refuses null for an optional field', () => {
    expect(onlyIssue(validRecord('user.deleted', { clientIp: null })).detail).toBe(
      'clientIp must be a string, not null',
    );
  });

  it('refuses empty, too long and control-character strings', () => {
    expect(onlyIssue(validRecord('user.login', { userId: '' })).detail).toBe('userId must not be empty');
    expect(onlyIssue(validRecord('user.login', { userId: 'u'.repeat(129) })).detail).toBe(
      'userId must be at most 128 characters long',
    );
    expect(onlyIssue(validRecord('user.login', { userId: 'u\u0000' })).detail).toMatch(
      /^userId must not contain control/,
    );
    expect(onlyIssue(validRecord('security.product_config', { configValue: 'a\tb' })).pointer).toBe(
      '/configValue',
    );
  });

  it.each(['999.1.1.1', '1.2.3', 'localhost', '', '2001:db8::g', ' 1.2.3.4', 'fe80::1%eth0'])(
    'refuses %j as a client IP',
    (clientIp) => {
      expect(onlyIssue(validRecord('user.login', { clientIp }))).toMatchObject({
        pointer: '/clientIp',
        detail: 'clientIp must be an IPv4 or IPv6 address',
      });
    },
  );

  it('accepts IPv4-mapped and full-length IPv6 addresses', () => {
    const clientIp = 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255';
    expect(parseBatch(validRecord('user.login', { clientIp })).kind).toBe('ok');
    expect(parseBatch(validRecord('user.login', { clientIp: '::ffff:192.0.2.1' })).kind).toBe('ok');
  });

  it('checks every IP field: requestIp, serverIp and camContext.clientIp', () => {
    expect(onlyIssue(validRecord('api.invocation', { requestIp: '1.2.3' })).detail).toBe(
      'requestIp must be an IPv4 or IPv6 address',
    );
    expect(onlyIssue(validRecord('security.asset', { serverIp: '300.0.0.1' })).pointer).toBe('/serverIp');
    expect(onlyIssue(validRecord('admin.action', { camContext: { clientIp: 'x' } }))).toMatchObject({
      pointer: '/camContext/clientIp',
      detail: 'camContext.clientIp must be an IPv4 or IPv6 address',
    });
  });

  it.each(['de', 'DEU', 'D', '', 'D1'])('refuses %j as a country', (country) => {
    expect(onlyIssue(validRecord('user.login', { country }))).toMatchObject({
      pointer: '/country',
      detail: expect.stringMatching(/^country must be an ISO 3166-1 alpha-2 country code/),
    });
  });

  it.each([
    ['user.login', 'failure'],
    ['user.registered', 'failure'],
    ['user.login_failed', 'success'],
    ['user.registration_failed', 'success'],
  ] as const)('refuses a %s record whose result is %s', (type, result) => {
    expect(onlyIssue(validRecord(type, { result }))).toMatchObject({
      pointer: '/result',
      detail: `result ${result} contradicts type ${type}`,
    });
  });

  it('refuses a result outside success and failure', () => {
    expect(onlyIssue(validRecord('user.deleted', { result: 'ok' })).detail).toBe(
      'result must be one of: success, failure',
    );
  });

  it('refuses a qToken that is empty or longer than 4096 characters', () => {
    expect(onlyIssue(validRecord('admin.action', { camContext: { qToken: '' } })).pointer).toBe(
      '/camContext/qToken',
    );
    expect(onlyIssue(validRecord('admin.action', { camContext: { qToken: 'q'.repeat(4097) } })).pointer).toBe(
      '/camContext/qToken',
    );
  });

  it('refuses an apiVersion longer than 32 characters', () => {
    expect(onlyIssue(validRecord('admin.action', { apiVersion: 'v'.repeat(33) })).detail).toBe(
      'apiVersion must be at most 32 characters long',
    );
  });

  it('refuses a severity outside low, medium, high, critical', () => {
    expect(onlyIssue(validRecord('security.container_event', { severity: 'urgent' })).detail).toBe(
      'severity must be one of: low, medium, high, critical',
    );
  });

  it('refuses a business report type outside the closed set the policy lists', () => {
    const issue = onlyIssue(validRecord('security.business_report', { reportType: 'port-scan' }));
    expect(issue.pointer).toBe('/reportType');
    expect(issue.detail).toMatch(/^reportType "port-scan" is not one of: container-escape, image-risk, /);
  });

  it.each([
    ['negative', -1, 'count must not be negative'],
    ['fractional', 1.5, 'count must be a whole number'],
    ['beyond the safe integers', 2 ** 53, 'count must be a whole number'],
    ['a numeric string', '3', 'count must be a number, not the string "3"'],
  ])('refuses a count that is %s', (_, count, detail) => {
    expect(onlyIssue(validRecord('security.business_report', { count }))).toMatchObject({
      pointer: '/count',
      detail,
    });
  });

  it('refuses negative or fractional licence counts and negative log storage', () => {
    expect(onlyIssue(validRecord('security.business_report', { imageLicences: 0.5 })).pointer).toBe(
      '/imageLicences',
    );
    expect(onlyIssue(validRecord('security.business_report', { purchasedResources: -2 })).pointer).toBe(
      '/purchasedResources',
    );
    expect(onlyIssue(validRecord('security.business_report', { logStorageGb: -0.1 })).detail).toBe(
      'logStorageGb must not be negative',
    );
  });

  it('refuses a configValue longer than 4096 characters', () => {
    expect(onlyIssue(validRecord('security.product_config', { configValue: 'v'.repeat(4097) })).pointer).toBe(
      '/configValue',
    );
  });
});
