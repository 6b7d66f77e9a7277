import { encodeCursor } from '../../functions/logsApi/cursor.ts';
import type { ApiRequest } from './api-events.ts';
import { FIELDS } from './records.ts';

/** One hostile request, named for the report, sent to one of the HTTP functions. */
export interface HostileRequest {
  name: string;
  fn: 'capture' | 'tenantsApi' | 'statsApi' | 'erasureApi' | 'sourcesApi' | 'logsApi';
  request: ApiRequest;
  /** A body sent as raw bytes (API Gateway passes them base64-encoded). */
  rawBody?: Buffer;
}

export interface Keys {
  tenantKey: string;
  operatorKey: string;
  tenantId: string;
  otherTenantId: string;
}

const MALFORMED_JSON = [
  '{',
  '}',
  '{"id":',
  '{"id":"a",}',
  '[1,2',
  'nul',
  'undefined',
  "{'id':'a'}",
  '{"id":"a" "type":"user.login"}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":0x10}',
  '{"a":01}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"line\nbreak"}',
  '{} trailing',
  '\u0000',
  '{"a":1}\u0000',
  '/* comment */ {}',
];

const JSON_NON_OBJECTS = ['null', 'true', '0', '-1', '"a string"', '[]', '[{}]', '1e999'];

// Values no field accepts: wrong types, empty, over-long, control characters, query-operator objects.
const WRONG_VALUES: unknown[] = [
  null,
  -1,
  true,
  [],
  {},
  'x'.repeat(5000),
  '\u0000',
  '\u001b[31m',
  ['203.0.113.7'],
  { $ne: null },
  -0.5,
  false,
];

const BAD_IPS = [
  '999.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '::g',
  'fe80::1%eth0',
  ' 1.2.3.4',
  '1.2.3.4\n',
  '1.2.3.4/24',
  'localhost',
  '0x7f.0.0.1',
  '١٢٣.١.١.١',
  '2001:db8::1::1',
];

const BAD_DATES = [
  '2026-02-30T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-11-31T00:00:00Z',
  '2026-11-22T24:00:00Z',
  '2026-11-22T10:60:00Z',
  '2026-11-22T10:00:61Z',
  '2026-11-22',
  '2026-11-22T10:00:00',
  '22/11/2026',
  '1700000000',
  '+275760-09-13T00:00:00Z',
  '2026-11-22T10:00:00+25:00',
  '2026-11-22T10:00:00Z ',
  '２０２６-11-22T10:00:00Z',
];

const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
];

const deep = (depth: number, open: string, close: string, inner = '1') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

const LONG_ID_BYTES = [257, 300, 1100, 3000];

/** At least 300 hostile requests against every HTTP route: each must get a 4xx problem+json. */
export function hostileCorpus(keys: Keys): HostileRequest[] {
  const corpus: HostileRequest[] = [];
  const now = new Date().toISOString();
  const tenant = { authorization: `Bearer ${keys.tenantKey}` };
  const operator = { authorization: `Bearer ${keys.operatorKey}` };
  const json = { 'content-type': 'application/json' };
  const capture = (name: string, body: string | object, headers: Record<string, string> = {}) =>
    corpus.push({
      name: `capture: ${name}`,
      fn: 'capture',
      request: { method: 'POST', route: '/v1/events', headers: { ...tenant, ...json, ...headers }, body },
    });
  const record = (type: string, overrides: Record<string, unknown> = {}) => ({
    id: 'hostile-1',
    type,
    occurredAt: now,
    ...(FIELDS as Record<string, Record<string, unknown>>)[type],
    ...overrides,
  });

  // Malformed and non-object JSON.
  for (const text of [...MALFORMED_JSON, ...JSON_NON_OBJECTS])
    capture(`malformed ${JSON.stringify(text)}`, text);
  // Deeply nested JSON, as the whole body and inside a record.
  for (const depth of [64, 1000, 10_000, 100_000]) {
    capture(`array nested ${depth} deep`, deep(depth, '[', ']'));
    capture(`object nested ${depth} deep`, deep(depth, '{"a":', '}'));
    capture(
      `camContext nested ${depth} deep`,
      JSON.stringify(record('admin.action')).replace(
        '"camContext":{',
        `"camContext":{"deep":${deep(depth, '{"a":', '}')},`,
      ),
    );
  }
  // Wrong types and values for every field of every record type.
  for (const [type, fields] of Object.entries(FIELDS)) {
    for (const field of ['id', 'type', 'occurredAt', ...Object.keys(fields)]) {
      for (const value of WRONG_VALUES.filter((_, i) => (i + field.length) % 3 === 0)) {
        capture(`${type} ${field}=${JSON.stringify(value).slice(0, 24)}`, record(type, { [field]: value }));
      }
    }
    // A field the policy does not collect, and one naming another tenant.
    capture(`${type} with email`, record(type, { email: 'a@example.com' }));
    capture(`${type} with tenantId`, record(type, { tenantId: keys.otherTenantId }));
  }
  // Huge strings and oversize bodies.
  capture('userId of 100 kB', record('user.login', { userId: 'u'.repeat(100_000) }));
  capture('body of 300 kB', record('user.login', { userId: 'u'.repeat(300_000) }));
  capture('101 records', {
    events: Array.from({ length: 101 }, (_, i) => record('user.login', { id: `r-${i}` })),
  });
  capture('events empty', { events: [] });
  capture('events not an array', { events: { 0: record('user.login') } });
  capture('events beside a record field', { events: [record('user.login')], id: 'x' });
  capture('the same id twice', { events: [record('user.login'), record('user.login')] });
  capture('one bad record among good ones', {
    events: [record('user.login', { id: 'g-1' }), record('user.login', { id: 'g-2', clientIp: '999.9.9.9' })],
  });
  // Unicode edge cases.
  for (const [name, text] of [
    [
      'lone high surrogate in userId',
      '{"id":"u1","type":"user.login","occurredAt":"NOW","userId":"\\ud800","clientIp":"203.0.113.7","country":"DE"}',
    ],
    [
      'lone low surrogate in userId',
      '{"id":"u1","type":"user.login","occurredAt":"NOW","userId":"a\\udc00b","clientIp":"203.0.113.7","country":"DE"}',
    ],
    [
      'lone surrogate in a key',
      '{"id":"u1","type":"user.login","occurredAt":"NOW","userId":"u","clientIp":"203.0.113.7","country":"DE","\\ud800":1}',
    ],
    [
      'lone surrogate in qToken',
      JSON.stringify(record('admin.action')).replace('"qToken":"secret-token"', '"qToken":"\\udfff"'),
    ],
    [
      'lone surrogate in configValue',
      JSON.stringify(record('security.product_config')).replace(
        '"configValue":"daily"',
        '"configValue":"x\\ud83dy"',
      ),
    ],
    [
      'NUL in userId',
      '{"id":"u1","type":"user.login","occurredAt":"NOW","userId":"a\\u0000b","clientIp":"203.0.113.7","country":"DE"}',
    ],
    ['fullwidth country', JSON.stringify(record('user.login', { country: 'ＤＥ' }))],
    ['lower-case country', JSON.stringify(record('user.login', { country: 'de' }))],
    ['emoji id', JSON.stringify(record('user.login', { id: '😀' }))],
    ['id with a slash', JSON.stringify(record('user.login', { id: 'a/b' }))],
    ['id of 129 characters', JSON.stringify(record('user.login', { id: 'a'.repeat(129) }))],
  ] as const) {
    capture(name, text.replace('NOW', now));
  }
  for (const [name, bytes] of [
    [
      'invalid UTF-8 byte',
      Buffer.concat([
        Buffer.from(`{"id":"u1","type":"user.login","occurredAt":"${now}","userId":"`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('","clientIp":"203.0.113.7","country":"DE"}'),
      ]),
    ],
    [
      'overlong UTF-8 encoding',
      Buffer.concat([
        Buffer.from(`{"id":"u1","type":"user.login","occurredAt":"${now}","userId":"`),
        Buffer.from([0xc0, 0xaf]),
        Buffer.from('","clientIp":"203.0.113.7","country":"DE"}'),
      ]),
    ],
    [
      'invalid UTF-8 continuation (C3 28)',
      Buffer.concat([
        Buffer.from(`{"id":"u1","type":"user.login","occurredAt":"${now}","userId":"`),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('","clientIp":"203.0.113.7","country":"DE"}'),
      ]),
    ],
    [
      'UTF-8 encoded surrogate',
      Buffer.concat([
        Buffer.from(`{"id":"u1","type":"user.login","occurredAt":"${now}","userId":"`),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('","clientIp":"203.0.113.7","country":"DE"}'),
      ]),
    ],
    [
      'truncated UTF-8 sequence',
      Buffer.concat([
        Buffer.from(`{"id":"u1","type":"user.login","occurredAt":"${now}","userId":"`),
        Buffer.from([0xe2, 0x82]),
        Buffer.from('","clientIp":"203.0.113.7","country":"DE"}'),
      ]),
    ],
    ['UTF-16 body', Buffer.from(JSON.stringify(record('user.login')), 'utf16le')],
  ] as const) {
    corpus.push({
      name: `capture: ${name}`,
      fn: 'capture',
      request: { method: 'POST', route: '/v1/events', headers: { ...tenant, ...json } },
      rawBody: bytes,
    });
  }
  // Prototype pollution keys, at the top, in a batch envelope, nested, and as a type.
  for (const key of PROTOTYPE_KEYS) {
    capture(
      `record key ${key}`,
      JSON.stringify(record('user.login')).replace('{', `{"${key}":{"isAdmin":true},`),
    );
    capture(
      `envelope key ${key}`,
      `{"${key}":{"events":[]},"events":[${JSON.stringify(record('user.login'))}]}`,
    );
    capture(
      `camContext key ${key}`,
      JSON.stringify(record('admin.action')).replace('"camContext":{', `"camContext":{"${key}":{"x":1},`),
    );
    capture(`type ${key}`, record(key));
  }
  // Invalid IPs and dates.
  for (const ip of BAD_IPS) {
    capture(`clientIp ${JSON.stringify(ip)}`, record('user.login', { clientIp: ip }));
    capture(`requestIp ${JSON.stringify(ip)}`, record('api.invocation', { requestIp: ip }));
  }
  for (const date of BAD_DATES)
    capture(`occurredAt ${JSON.stringify(date)}`, record('user.login', { occurredAt: date }));
  capture(
    'occurredAt a day ahead',
    record('user.login', { occurredAt: new Date(Date.now() + 86_400_000).toISOString() }),
  );
  capture('admin action past its 180 days', record('admin.action', { occurredAt: '2020-01-01T00:00:00Z' }));
  capture(
    'a login from before the service opened (year 0001)',
    record('user.login', { occurredAt: '0001-01-01T00:00:00Z' }),
  );
  // Numbers DynamoDB or the SDK cannot hold exactly, and the other edges of every numeric field.
  for (const [field, values] of Object.entries({
    logStorageGb: [2 ** 53, 1e16, 1e200, 1e-200, 5e-324, 0.0001, -1e-9, 1e6 + 1],
    count: [2 ** 53, 1e16, 1e200, -1, 0.5, 1e17],
    purchasedResources: [2 ** 53, 1e300, -5],
    imageLicences: [1.5, 1e21],
  }))
    for (const value of values)
      capture(
        `${field} ${value}`,
        `{"events":[${JSON.stringify(record('user.login'))},${JSON.stringify(record('security.business_report', { id: 'hostile-2' })).replace(/}$/, `,"${field}":${value === 2 ** 53 ? '9007199254740992' : String(value)}}`)}]}`,
      );
  for (const country of ['ZZ', 'EU', 'UK', 'XX', 'AA'])
    capture(`country ${country}`, record('user.login', { country }));
  // Missing, malformed and forged keys; wrong media types.
  for (const authorization of [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'bearer cdl_forged',
    `Bearer ${keys.operatorKey}`,
    `Bearer ${keys.tenantKey}x`,
    `Bearer ${keys.tenantKey.slice(0, -1)}`,
    `Bearer ${'k'.repeat(10_000)}`,
    `Bearer ${keys.tenantKey} extra`,
  ]) {
    corpus.push({
      name: `capture: authorization ${JSON.stringify(authorization?.slice(0, 30))} (${authorization?.length ?? 'none'})`,
      fn: 'capture',
      request: {
        method: 'POST',
        route: '/v1/events',
        headers: { ...json, ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify(record('user.login')),
      },
    });
  }
  for (const type of [
    '',
    'text/plain',
    'application/xml',
    'multipart/form-data',
    'application/x-www-form-urlencoded',
    'json',
  ]) {
    capture(`content-type ${JSON.stringify(type)}`, JSON.stringify(record('user.login')), {
      'content-type': type,
    });
  }

  // The operator's API.
  const ops = (
    name: string,
    request: Omit<ApiRequest, 'headers'>,
    headers: Record<string, string> = operator,
  ) => corpus.push({ name: `tenantsApi: ${name}`, fn: 'tenantsApi', request: { ...request, headers } });
  const validTenant = { name: 'Hostile', modules: ['ciam'], maxUsers: 10, region: 'DE' };
  for (const [field, values] of Object.entries({
    name: [null, 1, '', ' ', 'n'.repeat(201), ['a']],
    modules: [null, [], ['x'], ['ciam', 'ciam'], 'ciam', [1], ['__proto__']],
    maxUsers: [null, 0, -1, 1.5, '10', 1e20, true],
    region: [null, 'de', 'DEU', '', 'D1', 'ＤＥ'],
    openedAt: [
      null,
      1,
      '2026-02-30T00:00:00Z',
      '2026-11-31T00:00:00Z',
      '2026-11-22',
      'yesterday',
      '2026-11-22T10:00:00',
    ],
  })) {
    for (const value of values)
      ops(`create with ${field}=${JSON.stringify(value)}`, {
        method: 'POST',
        route: '/v1/tenants',
        body: { ...validTenant, [field]: value },
      });
  }
  // Legal holds: bounded text, known categories, nothing else.
  for (const body of [
    {},
    { reason: 'case' },
    { placedBy: 'ops' },
    { reason: '', placedBy: 'ops' },
    { reason: 'r'.repeat(201), placedBy: 'ops' },
    { reason: 'a\u0007b', placedBy: 'ops' },
    { reason: 'case', placedBy: 'p'.repeat(101) },
    { reason: 'case', placedBy: 'ops', categories: [] },
    { reason: 'case', placedBy: 'ops', categories: ['__proto__'] },
    { reason: 'case', placedBy: 'ops', categories: 'admin-action-log' },
    { reason: 'case', placedBy: 'ops', tenantId: keys.otherTenantId },
    { reason: ['case'], placedBy: 'ops' },
  ])
    ops(`hold ${JSON.stringify(body).slice(0, 60)}`, {
      method: 'POST',
      route: '/v1/tenants/{id}/holds',
      pathParameters: { id: keys.tenantId },
      body,
    });
  ops('release a hold that does not exist', {
    method: 'DELETE',
    route: '/v1/tenants/{id}/holds/{holdId}',
    pathParameters: { id: keys.tenantId, holdId: 'no-such-hold' },
    body: { releasedBy: 'ops' },
  });
  ops('create in Russia with Container Security', {
    method: 'POST',
    route: '/v1/tenants',
    body: { ...validTenant, region: 'RU', modules: ['container-security'] },
  });
  for (const key of PROTOTYPE_KEYS)
    ops(`create with key ${key}`, {
      method: 'POST',
      route: '/v1/tenants',
      body: `{"${key}":{"status":"terminated"},"name":"x","modules":["ciam"],"maxUsers":1,"region":"DE"}`,
    });
  ops('create with apiKey', {
    method: 'POST',
    route: '/v1/tenants',
    body: { ...validTenant, apiKey: 'cdl_mine' },
  });
  for (const text of MALFORMED_JSON.slice(0, 8))
    ops(`create malformed ${JSON.stringify(text)}`, { method: 'POST', route: '/v1/tenants', body: text });
  ops('create nested 100000 deep', { method: 'POST', route: '/v1/tenants', body: deep(100_000, '[', ']') });
  ops('create 300 kB', {
    method: 'POST',
    route: '/v1/tenants',
    body: { ...validTenant, name: 'n'.repeat(300_000) },
  });
  for (const authorization of [
    '',
    'Bearer',
    `Bearer ${keys.tenantKey}`,
    `Bearer ${keys.operatorKey}x`,
    'Basic b3A6b3A=',
  ]) {
    ops(
      `create with authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      { method: 'POST', route: '/v1/tenants', body: validTenant },
      authorization ? { authorization } : {},
    );
    ops(
      `read with authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      { method: 'GET', route: '/v1/tenants/{id}', pathParameters: { id: keys.tenantId } },
      authorization ? { authorization } : {},
    );
    ops(
      `terminate with authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      {
        method: 'POST',
        route: '/v1/tenants/{id}/termination',
        pathParameters: { id: keys.tenantId },
        body: { modules: ['ciam'] },
      },
      authorization ? { authorization } : {},
    );
    ops(
      `erasures with authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      { method: 'GET', route: '/v1/tenants/{id}/erasures', pathParameters: { id: keys.tenantId } },
      authorization ? { authorization } : {},
    );
    ops(
      `reconciliations with authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      { method: 'GET', route: '/v1/ops/reconciliations' },
      authorization ? { authorization } : {},
    );
  }
  const badIds = [
    'no-such-tenant',
    '00000000-0000-0000-0000-000000000000',
    '../etc/passwd',
    '%00',
    '\u0000',
    'T#x#DIR#0',
    '*',
    '😀',
    ...LONG_ID_BYTES.map((n) => 'i'.repeat(n)),
    'é'.repeat(200),
  ];
  for (const id of badIds) {
    const label =
      JSON.stringify(id.slice(0, 16)) + (id.length > 16 ? `…(${Buffer.byteLength(id)} bytes)` : '');
    ops(`read tenant ${label}`, { method: 'GET', route: '/v1/tenants/{id}', pathParameters: { id } });
    ops(`issue key for tenant ${label}`, {
      method: 'POST',
      route: '/v1/tenants/{id}/keys',
      pathParameters: { id },
    });
    ops(`revoke key of tenant ${label}`, {
      method: 'DELETE',
      route: '/v1/tenants/{id}/keys/{keyId}',
      pathParameters: { id, keyId: 'k' },
    });
    ops(`revoke key ${label} of a real tenant`, {
      method: 'DELETE',
      route: '/v1/tenants/{id}/keys/{keyId}',
      pathParameters: { id: keys.tenantId, keyId: id },
    });
    ops(`terminate tenant ${label}`, {
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id },
      body: { modules: ['ciam'] },
    });
    ops(`termination status of ${label}`, {
      method: 'GET',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id },
    });
    ops(`erasures of ${label}`, {
      method: 'GET',
      route: '/v1/tenants/{id}/erasures',
      pathParameters: { id },
    });
  }
  for (const body of [
    {},
    { modules: [] },
    { modules: ['x'] },
    { modules: 'ciam' },
    { modules: ['ciam'], extra: 1 },
    '{',
    'null',
  ])
    ops(`terminate with ${JSON.stringify(body)}`, {
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: keys.tenantId },
      body,
    });
  // The tenant list: page size, cursor and id prefix, and who may ask.
  for (const limit of ['0', '-1', '101', 'abc', '1e2', '1.5', '', ' 5', '9'.repeat(400)])
    ops(`tenants limit=${JSON.stringify(limit.slice(0, 10))}`, {
      method: 'GET',
      route: '/v1/tenants',
      query: { limit },
    });
  for (const cursor of [
    '',
    '!',
    'a'.repeat(49),
    Buffer.from('x#y').toString('base64url'),
    '{"$gt":""}',
    '%00',
  ])
    ops(`tenants cursor=${JSON.stringify(cursor.slice(0, 12))}`, {
      method: 'GET',
      route: '/v1/tenants',
      query: { cursor },
    });
  for (const idPrefix of ['', 'g', 'a'.repeat(37), "' OR 1=1", '\u0000', 'ＡＢ'])
    ops(`tenants idPrefix=${JSON.stringify(idPrefix.slice(0, 12))}`, {
      method: 'GET',
      route: '/v1/tenants',
      query: { idPrefix },
    });
  for (const authorization of ['', 'Bearer', `Bearer ${keys.tenantKey}`, `Bearer ${keys.operatorKey}x`])
    for (const route of ['/v1/tenants', '/v1/ops/sweeps', '/v1/ops/reconciliations'])
      ops(
        `list ${route} with authorization ${JSON.stringify(authorization.slice(0, 20))}`,
        { method: 'GET', route },
        authorization ? { authorization } : {},
      );
  for (const limit of ['0', '-1', '101', 'abc', '1e2', '1.5', '', ' 5', '9'.repeat(400)])
    ops(`sweeps limit=${JSON.stringify(limit.slice(0, 10))}`, {
      method: 'GET',
      route: '/v1/ops/sweeps',
      query: { limit },
    });

  // The audit of a tenant's log reads: operator key only, bounded paging, cursors of its own shape.
  const logReads = (query: Record<string, string>, id = keys.tenantId) =>
    ({ method: 'GET', route: '/v1/tenants/{id}/log-reads', pathParameters: { id }, query }) as const;
  for (const authorization of ['', 'Bearer', `Bearer ${keys.tenantKey}`, `Bearer ${keys.operatorKey}x`])
    ops(
      `log reads with authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      logReads({}),
      authorization ? { authorization } : {},
    );
  for (const limit of ['0', '-1', '101', 'abc', '1e2', '', '9'.repeat(400)])
    ops(`log reads limit=${JSON.stringify(limit.slice(0, 10))}`, logReads({ limit }));
  const forged = (text: string) => Buffer.from(text).toString('base64url');
  for (const cursor of [
    '',
    'x',
    '%00',
    'a'.repeat(5000),
    forged('2026-01-01T00:00:00.000Z'),
    forged('2026-01-01T00:00:00.000Z#00000000-0000-0000-0000-000000000000~'),
    forged('~'),
    `${forged('2026-01-01T00:00:00.000Z#00000000-0000-0000-0000-000000000000')}=`,
    '{"pk":"T#x#READS"}',
  ])
    ops(`log reads cursor=${JSON.stringify(cursor.slice(-24))} (${cursor.length})`, logReads({ cursor }));
  for (const id of ['no-such-tenant', '../etc/passwd', 'T#x#READS', 'i'.repeat(300)])
    ops(`log reads of tenant ${JSON.stringify(id.slice(0, 16))}`, logReads({}, id));

  // The tenant's statistics.
  const stats = (
    name: string,
    route: string,
    query: Record<string, string>,
    headers: Record<string, string> = tenant,
  ) =>
    corpus.push({
      name: `statsApi: ${name}`,
      fn: 'statsApi',
      request: { method: 'GET', route, query, headers },
    });
  for (const date of [
    '',
    '2026-02-30',
    '2026-13-01',
    '26-11-22',
    '2026-11-22T00:00:00Z',
    'today',
    '9999-12-31',
    '0000-00-00',
    '２０２６-11-22',
  ])
    stats(`date=${JSON.stringify(date)}`, '/v1/stats', { date });
  stats('no date', '/v1/stats', {});
  stats('range reversed', '/v1/stats/range', { from: '2026-11-20', to: '2026-11-10' });
  stats('range of 1000 days', '/v1/stats/range', { from: '2024-01-01', to: '2026-09-27' });
  stats('range with a bad day', '/v1/stats/range', { from: '2026-02-30', to: '2026-03-02' });
  stats('range without to', '/v1/stats/range', { from: '2026-11-01' });
  for (const authorization of ['', 'Bearer cdl_forged', `Bearer ${keys.operatorKey}`])
    stats(
      `authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      '/v1/stats',
      { date: '2026-01-01' },
      authorization ? { authorization } : {},
    );

  // Erasure of a user.
  const erase = (name: string, userId: string, headers: Record<string, string> = tenant) =>
    corpus.push({
      name: `erasureApi: ${name}`,
      fn: 'erasureApi',
      request: { method: 'POST', route: '/v1/users/{userId}/erasure', pathParameters: { userId }, headers },
    });
  // API Gateway delivers path parameters percent-decoded, and the handler never decodes again: the
  // hostile ids are those a decoded path can carry (control characters, lone surrogates, sizes).
  for (const userId of [
    '\u0000',
    'a\nb',
    '\u001b[31m',
    '\ud800',
    'a\udfffb',
    '',
    'u'.repeat(129),
    `${'%41'.repeat(200)}`,
  ])
    erase(`userId ${JSON.stringify(userId.slice(0, 20))}`, userId);
  for (const body of [
    '',
    '{',
    '[]',
    '{"userId":1}',
    '{"userId":""}',
    '{"userId":"a","extra":1}',
    '{"userId":"\\u0000"}',
  ])
    corpus.push({
      name: `erasureApi: body ${JSON.stringify(body)}`,
      fn: 'erasureApi',
      request: {
        method: 'POST',
        route: '/v1/erasures',
        headers: { ...tenant, 'content-type': 'application/json' },
        body,
      },
    });
  for (const authorization of ['', 'Bearer', 'Bearer cdl_forged', `Bearer ${keys.operatorKey}`])
    erase(
      `authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      'u-1',
      authorization ? { authorization } : {},
    );

  // The event sources (sourcesApi): Keycloak's and Auth0's own shapes, broken in every field the
  // mappers read. (Fields they drop when unusable, such as an IP that is no address, are not here:
  // dropping them is the documented behaviour, not a refusal.)
  const source = (name: string, route: string, body: string, headers: Record<string, string> = {}) =>
    corpus.push({
      name: `sourcesApi: ${name}`,
      fn: 'sourcesApi',
      request: { method: 'POST', route, headers: { ...tenant, ...json, ...headers }, body },
    });
  const keycloak = (name: string, body: string | object, headers: Record<string, string> = {}) =>
    source(
      `keycloak ${name}`,
      '/v1/sources/keycloak/events',
      typeof body === 'string' ? body : JSON.stringify(body),
      headers,
    );
  const auth0 = (name: string, body: string | object, headers: Record<string, string> = {}) =>
    source(
      `auth0 ${name}`,
      '/v1/sources/auth0/logs',
      typeof body === 'string' ? body : JSON.stringify(body),
      headers,
    );
  const kcLogin = (overrides: Record<string, unknown> = {}) => ({
    id: 'kc-hostile-1',
    time: Date.now(),
    type: 'LOGIN',
    userId: 'u-1',
    ipAddress: '85.214.132.117',
    ...overrides,
  });
  const a0Log = (data: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => [
    {
      log_id: 'a0hostile1',
      data: { date: now, type: 's', user_id: 'auth0|1', ip: '85.214.132.117', ...data },
      ...top,
    },
  ];
  for (const text of [...MALFORMED_JSON, ...JSON_NON_OBJECTS]) {
    keycloak(`malformed ${JSON.stringify(text)}`, text);
    auth0(`malformed ${JSON.stringify(text)}`, text);
  }
  for (const [i, value] of WRONG_VALUES.entries()) {
    // A null id or userId is Keycloak's own "none" (a digest id; an event without a user is ignored).
    for (const field of ['time', 'userId', 'type', 'id'])
      if (value !== null || field === 'time' || field === 'type')
        keycloak(`${field} wrong value #${i}`, [kcLogin({ [field]: value })]);
    // authDetails null, or an object (valibot reads an array as one) without an IP: ignored, not refused.
    if (value !== null && typeof value !== 'object')
      keycloak(`authDetails wrong value #${i}`, [
        { ...kcLogin(), operationType: 'DELETE', authDetails: value },
      ]);
    for (const field of ['date', 'type']) auth0(`data.${field} wrong value #${i}`, a0Log({ [field]: value }));
    auth0(`data wrong value #${i}`, [{ log_id: 'a0hostile1', data: value }]);
    auth0(`log_id wrong value #${i}`, a0Log({}, { log_id: value }));
  }
  for (const date of BAD_DATES) auth0(`data.date ${JSON.stringify(date)}`, a0Log({ date }));
  for (const time of [-1, 1.5, 253_402_300_800_000, Number.MAX_SAFE_INTEGER * 2])
    keycloak(`time ${time}`, [kcLogin({ time })]);
  keycloak('an event an hour in the future', [kcLogin({ time: Date.now() + 3_600_000 })]);
  auth0('a log an hour in the future', a0Log({ date: new Date(Date.now() + 3_600_000).toISOString() }));
  keycloak('a good event beside a broken one', [kcLogin(), kcLogin({ id: 'kc-hostile-2', time: 'now' })]);
  auth0('a good log beside a line that is not JSON', `${JSON.stringify(a0Log()[0])}\n{"log_id":`, {
    'content-type': 'application/x-ndjson',
  });
  keycloak(
    'a lone surrogate in userId',
    '[{"id":"kc-s","time":1795341600123,"type":"LOGIN","userId":"\\ud800"}]',
  );
  auth0(
    'a lone surrogate in user_id',
    `[{"log_id":"a0s","data":{"date":"${now}","type":"s","user_id":"\\ud800"}}]`,
  );
  keycloak('a body over 256 KiB', `[${' '.repeat(300_000)}]`);
  auth0('a body over 1 MiB', `[${' '.repeat(1_100_000)}]`);
  for (const contentType of ['text/plain', 'application/xml', 'multipart/form-data', '']) {
    keycloak(`content-type ${JSON.stringify(contentType)}`, [kcLogin()], { 'content-type': contentType });
    auth0(`content-type ${JSON.stringify(contentType)}`, a0Log(), { 'content-type': contentType });
  }
  keycloak('content-encoding gzip', [kcLogin()], { 'content-encoding': 'gzip' });
  auth0('content-encoding gzip', a0Log(), { 'content-encoding': 'gzip' });
  for (const authorization of ['', 'Bearer', 'Bearer cdl_forged', `Bearer ${keys.operatorKey}`, 'a, b']) {
    keycloak(`authorization ${JSON.stringify(authorization)}`, [kcLogin()], { authorization });
    auth0(`authorization ${JSON.stringify(authorization)}`, a0Log(), { authorization });
  }
  corpus.push(...hostileLogQueries(keys));
  return corpus;
}

/** Hostile queries of the tenant's logs: unknown filters, bad values, oversize windows, tampered cursors. */
function hostileLogQueries(keys: Keys): HostileRequest[] {
  const tenant = { authorization: `Bearer ${keys.tenantKey}` };
  const out: HostileRequest[] = [];
  const logs = (name: string, log: string, query: Record<string, string>, headers = tenant) =>
    out.push({
      name: `logsApi: ${log} ${name}`,
      fn: 'logsApi',
      request: { method: 'GET', route: `/v1/logs/${log}`, query, headers },
    });
  const window = { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' };
  const forged = (tenantId: string, position: string) =>
    encodeCursor(
      { log: 'user-operations', ...window, filters: 'x', position },
      tenantId,
      'hostile-not-the-cursor-key',
    );
  for (const log of ['admin-actions', 'user-operations', 'api-invocations', 'security']) {
    logs('unknown filter', log, { nonsense: '1' });
    logs('filter constructor', log, { constructor: 'x' });
    logs('type of another log', log, { type: log === 'admin-actions' ? 'user.login' : 'admin.action' });
    logs('window of 32 days', log, { from: '2026-10-01T00:00:00Z', to: '2026-11-02T00:00:00Z' });
    logs('window reversed', log, { from: window.to, to: window.from });
    logs('empty window', log, { from: window.from, to: window.from });
    logs('forged cursor', log, { cursor: forged(keys.tenantId, `${window.from.replace('Z', '.000Z')}#a`) });
  }
  for (const value of ['', 'now', '2026-11-01', '1764547200', ...BAD_DATES]) {
    logs(`from=${JSON.stringify(value)}`, 'user-operations', { from: value });
    logs(`to=${JSON.stringify(value)}`, 'admin-actions', { to: value });
  }
  for (const limit of ['0', '-1', '101', 'abc', '1e2', '1.5', '', ' 5', '0x10', '9'.repeat(400)])
    logs(`limit=${JSON.stringify(limit.slice(0, 10))}`, 'user-operations', { limit });
  for (const cursor of [
    '',
    'x',
    'a.b',
    '....',
    'eyJsb2ciOiJ1c2VyLW9wZXJhdGlvbnMifQ',
    'eyJsb2ciOiJ1c2VyLW9wZXJhdGlvbnMifQ.AAAA',
    `${'A'.repeat(40)}.${'B'.repeat(43)}`,
    'c'.repeat(5000),
    'a\u0000.b',
  ])
    logs(`cursor ${JSON.stringify(cursor.slice(0, 48))}`, 'user-operations', { cursor });
  logs('cursor forged for the other tenant', 'user-operations', {
    cursor: forged(keys.otherTenantId, `${window.from.replace('Z', '.000Z')}#a`),
  });
  logs('cursor forged with no position', 'user-operations', {
    cursor: forged(keys.tenantId, 'not-a-position'),
  });
  for (const [filter, value] of [
    ['userId', ''],
    ['userId', 'x'.repeat(5000)],
    ['userId', '\u0000'],
    ['userId', 'a\nb'],
    ['result', 'maybe'],
    ['country', 'de'],
    ['country', 'DEU'],
    ['type', 'user.unknown'],
  ])
    logs(`${filter}=${JSON.stringify(String(value).slice(0, 12))}`, 'user-operations', {
      [filter as string]: value as string,
    });
  for (const [filter, value] of [
    ['category', 'asset-management-data'],
    ['category', ''],
    ['severity', 'urgent'],
    ['containerId', 'c'.repeat(129)],
  ])
    logs(`${filter}=${JSON.stringify(String(value).slice(0, 12))}`, 'security', {
      [filter as string]: value as string,
    });
  for (const value of ['999.1.1.1', 'localhost', 'fe80::1%eth0', ''])
    logs(`requestIp=${JSON.stringify(value)}`, 'api-invocations', { requestIp: value });
  for (const authorization of ['', 'Bearer cdl_forged', `Bearer ${keys.operatorKey}`])
    logs(
      `authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      'user-operations',
      {},
      (authorization ? { authorization } : {}) as typeof tenant,
    );
  // Exports: the same filters in a JSON body, and export ids that name nothing of this tenant's.
  const exportOf = (name: string, log: string, body: string, headers: Record<string, string> = tenant) =>
    out.push({
      name: `logsApi: export ${log} ${name}`,
      fn: 'logsApi',
      request: {
        method: 'POST',
        route: '/v1/logs/{log}/exports',
        pathParameters: { log },
        headers: { 'content-type': 'application/json', ...headers },
        body,
      },
    });
  for (const body of [
    '',
    '{',
    '[]',
    'null',
    '{"format":"xml"}',
    '{"limit":"5"}',
    '{"cursor":"x"}',
    '{"userId":5}',
    '{"userId":{"$ne":null}}',
    '{"nonsense":"1"}',
    '{"from":"2025-01-01T00:00:00Z","to":"2026-06-01T00:00:00Z"}',
    '{"from":"2026-02-30T00:00:00Z"}',
    '{"result":"maybe"}',
    `{"userId":"${'x'.repeat(300_000)}"}`,
  ])
    exportOf(`body ${JSON.stringify(body.slice(0, 40))}`, 'user-operations', body);
  for (const log of ['nowhere', 'constructor', '__proto__', 'exports', 'security%2F..', ''])
    exportOf(`log ${JSON.stringify(log)}`, log, '{}');
  exportOf('without a key', 'user-operations', '{}', {});
  for (const id of [
    '',
    'x',
    '../x',
    '00000000-0000-4000-8000-000000000000',
    '00000000-0000-4000-8000-00000000000G',
    'a'.repeat(300),
    '\u0000',
  ])
    out.push({
      name: `logsApi: export status ${JSON.stringify(id.slice(0, 40))}`,
      fn: 'logsApi',
      request: { method: 'GET', route: '/v1/logs/exports/{id}', pathParameters: { id }, headers: tenant },
    });
  // The catalog of the tenant's logs: only a tenant key reads it.
  for (const authorization of [
    '',
    'Bearer',
    'Bearer cdl_forged',
    `Bearer ${keys.operatorKey}`,
    'Basic b3A6b3A=',
  ])
    out.push({
      name: `logsApi: catalog with authorization ${JSON.stringify(authorization.slice(0, 20))}`,
      fn: 'logsApi',
      request: { method: 'GET', route: '/v1/logs', headers: authorization ? { authorization } : {} },
    });
  return out;
}

/** A request only HTTP can express: raw header lines (repeated names too) and raw body bytes. */
export interface RawHttpRequest {
  name: string;
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body?: Buffer;
}

/**
 * Hostile requests that the handler-level corpus cannot express, because API Gateway shapes them
 * before a handler sees them: each must still get a 4xx problem+json and change nothing.
 */
export function hostileHttpRequests(keys: Keys): RawHttpRequest[] {
  const now = new Date().toISOString();
  const login = JSON.stringify({
    id: 'http-hostile-1',
    type: 'user.login',
    occurredAt: now,
    ...(FIELDS as Record<string, Record<string, unknown>>)['user.login'],
  });
  const tenant: [string, string] = ['Authorization', `Bearer ${keys.tenantKey}`];
  const json: [string, string] = ['Content-Type', 'application/json'];
  const capture = (name: string, headers: Array<[string, string]>, body: string | Buffer = login) => ({
    name: `capture over HTTP: ${name}`,
    method: 'POST',
    path: '/v1/events',
    headers,
    body: Buffer.from(body),
  });
  return [
    capture('a JSON string holding a record', [tenant, json], JSON.stringify(login)),
    capture(
      'a JSON string holding a batch',
      [tenant, json],
      JSON.stringify(JSON.stringify({ events: [JSON.parse(login)] })),
    ),
    capture('Content-Encoding br with a plain body', [tenant, json, ['Content-Encoding', 'br']]),
    capture('Content-Encoding gzip with a plain body', [tenant, json, ['Content-Encoding', 'gzip']]),
    capture('a forged key, then the real one', [['Authorization', 'Bearer cdl_forged'], tenant, json]),
    capture('the real key, then a forged one', [tenant, ['Authorization', 'Bearer cdl_forged'], json]),
    capture('the real key twice', [tenant, tenant, json]),
    capture('two Content-Types', [tenant, json, ['Content-Type', 'text/plain']]),
    capture(
      'a body that is not UTF-8 under text/plain',
      [tenant, ['Content-Type', 'text/plain']],
      Buffer.from([0xc3, 0x28]),
    ),
    {
      name: 'operator over HTTP: the operator key second after a forged one',
      method: 'POST',
      path: '/v1/tenants',
      headers: [['Authorization', 'Bearer nope'], ['Authorization', `Bearer ${keys.operatorKey}`], json],
      body: Buffer.from(JSON.stringify({ name: 'Dup', modules: ['ciam'], maxUsers: 1, region: 'DE' })),
    },
  ];
}
