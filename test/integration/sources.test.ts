import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countryDatabase, mapAuth0LogStream, mapKeycloakEvents } from '#shared/sources/index';
import { type Api, createTenant, loadHttpFunctions, tableSnapshot } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import {
  auth0Request,
  beginTermination,
  fixture,
  fixtureText,
  keycloakRequest,
  NOT_COLLECTED,
  sourcesApiOn,
  storedRecords,
  teeOutput,
} from '#test/sources';
import { truthOf } from '#test/stats-truth';
import { aggregationDeps } from '#test/stores';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';
import { schemaFields } from '../../functions/captureEvents/validate.ts';

// The Keycloak and Auth0 routes on the local cloud: each vendor fixture gives exactly the records
// (and statistics) it should, a re-delivery stores nothing twice, a malformed payload stores
// nothing, and a terminated tenant gets the status that makes the vendor stop resending.

const DAY = '2026-11-22';
const OPENED_AT = `${DAY}T00:00:00.000Z`;
const ADMIN_ACCOUNT = { uin: '100001', region: 'eu-frankfurt', apiVersion: '26.2.0' };
const countries = countryDatabase();

describe('event sources over HTTP', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const logLines: string[] = [];
  let restoreStdout: () => void;

  /** A fresh tenant (opened on the fixtures' day) and the sources API that knows its admin account. */
  async function tenantWithSources() {
    const tenant = await createTenant(api, { modules: ['ciam'], openedAt: OPENED_AT });
    const send = sourcesApiOn(
      cloud,
      new Map([[tenant.id, ADMIN_ACCOUNT]]),
      undefined,
      new Logger({ logLevel: 'DEBUG', serviceName: 'sourcesApi' }),
    );
    return { tenant, send };
  }
  const records = () => tableSnapshot(cloud, cloud.tables.RecordsTable as string);

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    restoreStdout = teeOutput(logLines);
  });
  afterAll(() => {
    restoreStdout();
    cloud.destroy();
  });

  it('stores each Keycloak fixture as exactly the records it maps to, and the statistics follow', async () => {
    const { tenant, send } = await tenantWithSources();
    const payloads = ['keycloak-login.json', 'keycloak-user-events.json', 'keycloak-admin-events.json'];
    const expected = payloads.flatMap(
      (name) => mapKeycloakEvents(fixture(name), { countries, adminAccount: ADMIN_ACCOUNT }).records,
    );
    expect(expected.map((r) => r.type)).toEqual([
      'user.login',
      'user.registered',
      'user.login_failed',
      'message.email_sent',
      'user.deleted',
      'user.deleted',
      'admin.action',
      'admin.action',
    ]);
    const answers = [];
    for (const name of payloads) answers.push(await send(keycloakRequest(tenant.apiKey, fixtureText(name))));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.flatMap((a) => a.body.results.map((r: { outcome: string }) => r.outcome))).toEqual(
      expected.map(() => 'stored'),
    );
    expect(answers[1]?.body.ignored).toEqual([
      { index: 2, reason: expect.stringContaining('names no userId') },
      { index: 4, reason: expect.stringContaining('token or protocol mechanics') },
    ]);

    const stored = await storedRecords(cloud, tenant.id);
    expect([...stored.keys()].sort()).toEqual(expected.map((r) => r.id).sort());
    for (const { id, type, occurredAt, ...fields } of expected) {
      expect(stored.get(id)).toMatchObject({ type, occurredAt, data: fields });
    }

    await aggregateTenantDay(tenant.id, DAY, aggregationDeps(cloud));
    const snapshot = await api.statsApi({
      method: 'GET',
      route: '/v1/stats',
      query: { date: DAY },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(snapshot.status).toBe(200);
    const { tenantId: _t, final: _f, ...numbers } = snapshot.body;
    expect(numbers).toEqual(truthOf(expected, DAY, { maxUsers: 1000, openedAt: OPENED_AT }));
    // Read plainly: one login, one registration, one failure, one e-mail; the registered user deleted.
    expect(numbers).toMatchObject({ logins7d: 1, registrations7d: 1, failedLogins7d: 1, totalUsers: 0 });
    expect(numbers.emailsSent.day).toBe(1);
  });

  it('stores an Auth0 stream in JSON array and JSON lines format, with the key bare or as a bearer token', async () => {
    const { tenant, send } = await tenantWithSources();
    const bodies = [
      { text: fixtureText('auth0-log-stream.json'), type: 'application/json', auth: tenant.apiKey },
      {
        text: fixtureText('auth0-log-stream.ndjson'),
        type: 'application/x-ndjson',
        auth: `Bearer ${tenant.apiKey}`,
      },
    ];
    const expected = bodies.flatMap(
      ({ text }) => mapAuth0LogStream(text, { countries, adminAccount: ADMIN_ACCOUNT }).records,
    );
    expect(expected.map((r) => r.type)).toEqual([
      'user.login',
      'user.login_failed',
      'user.registered',
      'admin.action',
      'user.deleted',
      'message.email_sent',
    ]);
    for (const { text, type, auth } of bodies) {
      const answer = await send(auth0Request(auth, text, type));
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      expect(new Set(answer.body.results.map((r: { outcome: string }) => r.outcome))).toEqual(
        new Set(['stored']),
      );
    }
    const stored = await storedRecords(cloud, tenant.id);
    expect([...stored.keys()].sort()).toEqual(expected.map((r) => r.id).sort());
    for (const { id, type, occurredAt, ...fields } of expected) {
      expect(stored.get(id)).toMatchObject({ type, occurredAt, data: fields });
    }
    await aggregateTenantDay(tenant.id, DAY, aggregationDeps(cloud));
    const snapshot = await api.statsApi({
      method: 'GET',
      route: '/v1/stats',
      query: { date: DAY },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    const { tenantId: _t, final: _f, ...numbers } = snapshot.body;
    expect(numbers).toEqual(truthOf(expected, DAY, { maxUsers: 1000, openedAt: OPENED_AT }));
    expect(numbers).toMatchObject({ logins7d: 1, registrations7d: 1, failedLogins7d: 1 });
  });

  it('stores nothing twice when a vendor re-delivers the same batch (Auth0 retry, Keycloak re-pull)', async () => {
    const { tenant, send } = await tenantWithSources();
    const keycloak = keycloakRequest(tenant.apiKey, fixtureText('keycloak-user-events.json'));
    const auth0 = auth0Request(tenant.apiKey, fixtureText('auth0-log-stream.ndjson'), 'application/jsonl');
    expect((await send(keycloak)).status).toBe(202);
    expect((await send(auth0)).status).toBe(202);
    const before = await records();
    for (const request of [keycloak, auth0, keycloak]) {
      const again = await send(request);
      expect(again.status).toBe(202);
      expect(new Set(again.body.results.map((r: { outcome: string }) => r.outcome))).toEqual(
        new Set(['duplicate']),
      );
    }
    expect(await records()).toEqual(before);
  });

  it.each([
    [
      'a Keycloak fixture with a malformed event among good ones',
      'keycloak',
      fixtureText('keycloak-malformed.json'),
    ],
    ['an object that is no Keycloak event', 'keycloak', '{"kind":"unknown","value":1}'],
    ['a Keycloak body that is not JSON', 'keycloak', '[{"type":"LOGIN",'],
    ['Auth0 JSON lines with malformed logs among good ones', 'auth0', fixtureText('auth0-malformed.ndjson')],
    ['an Auth0 body that is neither a JSON array nor JSON lines', 'auth0', '"just a string"'],
    ['an Auth0 log of a shape Auth0 does not send', 'auth0', '[{"log_id":"x1","data":"s"}]'],
  ])('refuses %s with problem+json naming the pointers, storing nothing', async (_, source, body) => {
    const { tenant, send } = await tenantWithSources();
    const before = await records();
    const answer = await send(
      source === 'keycloak' ? keycloakRequest(tenant.apiKey, body) : auth0Request(tenant.apiKey, body),
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body.issues.length).toBeGreaterThan(0);
    for (const issue of answer.body.issues) expect(issue.pointer).toMatch(/^(\/[^/]*)*$/);
    expect(await records()).toEqual(before);
  });

  it('names the malformed Keycloak and Auth0 events by pointer without echoing their values', async () => {
    const { tenant, send } = await tenantWithSources();
    const keycloak = await send(keycloakRequest(tenant.apiKey, fixtureText('keycloak-malformed.json')));
    const auth0 = await send(auth0Request(tenant.apiKey, fixtureText('auth0-malformed.ndjson')));
    expect(keycloak.body.issues.map((i: { pointer: string }) => i.pointer)).toContain('/0/time');
    expect(auth0.body.issues.length).toBeGreaterThanOrEqual(3);
    for (const marker of NOT_COLLECTED) {
      expect(JSON.stringify(keycloak.body)).not.toContain(marker);
      expect(JSON.stringify(auth0.body)).not.toContain(marker);
    }
  });

  it('refuses a body in a media type the Auth0 stream does not send (415), storing nothing', async () => {
    const { tenant, send } = await tenantWithSources();
    const before = await records();
    const answer = await send(auth0Request(tenant.apiKey, fixtureText('auth0-log-stream.json'), 'text/csv'));
    expect(answer.status).toBe(415);
    expect(await records()).toEqual(before);
  });

  it('tells Keycloak 410 and acknowledges Auth0 with 200 for a terminated tenant, storing nothing', async () => {
    const { tenant, send } = await tenantWithSources();
    await beginTermination(cloud, tenant.id);
    const before = await records();
    const keycloak = await send(keycloakRequest(tenant.apiKey, fixtureText('keycloak-login.json')));
    expect(keycloak.status).toBe(410);
    expect(keycloak.headers['content-type']).toBe('application/problem+json');
    // Auth0 retries every answer but a 2xx for as long as the stream runs (README, "Event sources").
    const auth0 = await send(auth0Request(tenant.apiKey, fixtureText('auth0-log-stream.json')));
    expect(auth0.status).toBe(200);
    expect(auth0.body).toMatchObject({ discarded: true });
    expect(await records()).toEqual(before);
  });

  it('refuses an unknown key with 401 on both routes', async () => {
    const { send } = await tenantWithSources();
    expect((await send(keycloakRequest('not-a-key', fixtureText('keycloak-login.json')))).status).toBe(401);
    expect((await send(auth0Request('not-a-key', fixtureText('auth0-log-stream.json')))).status).toBe(401);
    expect((await send(auth0Request('', fixtureText('auth0-log-stream.json')))).status).toBe(401);
  });

  it("keeps nothing but each record type's fields in storage, and no personal data of the payloads in storage or logs", async () => {
    const { tenant, send } = await tenantWithSources();
    for (const name of ['keycloak-login.json', 'keycloak-user-events.json', 'keycloak-admin-events.json'])
      await send(keycloakRequest(tenant.apiKey, fixtureText(name)));
    await send(auth0Request(tenant.apiKey, fixtureText('auth0-log-stream.json')));
    await send(auth0Request(tenant.apiKey, fixtureText('auth0-log-stream.ndjson')));
    const stored = await storedRecords(cloud, tenant.id);
    expect(stored.size).toBe(14);
    for (const item of stored.values()) {
      const allowed = new Set(schemaFields(item.type as never).map((f) => f.split('.')[0]));
      for (const key of Object.keys(item.data as object))
        expect(allowed, `${item.type}.${key}`).toContain(key);
    }
    const everything = [...(await records()), ...logLines].join('\n');
    expect(logLines.some((line) => line.includes('source captured'))).toBe(true);
    for (const marker of NOT_COLLECTED) expect(everything, marker).not.toContain(marker);
  });
});
