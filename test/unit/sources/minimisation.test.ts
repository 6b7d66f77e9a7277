import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBatch, schemaFields } from '../../../functions/captureEvents/validate.ts';
import { mapAuth0Logs } from '../../../shared/sources/auth0.ts';
import { mapCognitoTrigger } from '../../../shared/sources/cognito.ts';
import { mapKeycloakEvents } from '../../../shared/sources/keycloak.ts';
import type { SourceMapping } from '../../../shared/sources/mapping.ts';
import { ADMIN_ACCOUNT, countries, pools, USER_POOL_ID } from './fixtures.ts';

// Field minimisation is the point of the mappers: vendor payloads are generated with a marker
// string in every field the policy does not collect (names, e-mail addresses, user agents,
// free-text details, session and realm ids, unknown extra fields and their names), and no
// marker may appear anywhere in what a mapper returns — records, ignored reasons or problems.

const marker = fc.uuid().map((u) => `MARKER-${u}`);
const extras = fc.dictionary(marker, fc.oneof(marker, fc.array(marker, { maxLength: 2 })), { maxKeys: 3 });
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('85.214.132.117', '2a00:1450:4001:81a::200e'));
const userId = fc.uuid();
const epoch = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });

/** The mapping, with no marker in it and every record carrying only the fields of its type. */
function expectMinimised(mapping: SourceMapping): void {
  expect(JSON.stringify(mapping)).not.toContain('MARKER');
  expect(mapping.problems).toEqual([]);
  expect(mapping.records.length).toBeGreaterThan(0);
  // Capture's own validation accepts every record, except for a location the source did not give.
  const verdict = parseBatch({ events: mapping.records });
  const issues = verdict.kind === 'invalid' ? verdict.issues : [];
  for (const issue of issues) expect(issue.detail).toMatch(/^(clientIp|country) is required$/);
  for (const record of mapping.records) {
    const allowed = [
      'id',
      'type',
      'occurredAt',
      ...schemaFields(record.type).map((path) => path.split('.')[0]),
    ];
    for (const key of Object.keys(record)) expect(allowed).toContain(key);
  }
}

const cognitoEvent = fc.record({
  extra: extras,
  trigger: fc.constantFrom('PostAuthentication_Authentication', 'PostConfirmation_ConfirmSignUp'),
  sub: userId,
  ip,
  names: fc.array(marker, { minLength: 8, maxLength: 8 }),
});

const keycloakUserEvent = fc.record({
  extra: extras,
  id: fc.option(fc.uuid(), { nil: undefined }),
  time: epoch,
  type: fc.constantFrom(
    'LOGIN',
    'LOGIN_ERROR',
    'REGISTER',
    'DELETE_ACCOUNT',
    'SEND_VERIFY_EMAIL',
    'EXECUTE_ACTIONS',
  ),
  userId,
  ip,
  texts: fc.array(marker, { minLength: 8, maxLength: 8 }),
});

const keycloakAdminEvent = fc.record({
  extra: extras,
  id: fc.option(fc.uuid(), { nil: undefined }),
  time: epoch,
  deletesUser: fc.boolean(),
  operationType: fc.constantFrom('CREATE', 'UPDATE', 'ACTION'),
  target: userId,
  admin: userId,
  clientId: fc.constantFrom('security-admin-console', 'admin-cli', 'terraform'),
  ip,
  texts: fc.array(marker, { minLength: 6, maxLength: 6 }),
});

const auth0Log = fc.record({
  extra: extras,
  logId: fc.stringMatching(/^[0-9]{20,56}$/),
  time: epoch,
  type: fc.constantFrom('s', 'f', 'fp', 'ss', 'sdu', 'gd_send_sms', 'cls', 'sapi', 'fapi', 'mgmt_api_read'),
  userId: userId.map((id) => `auth0|${id}`),
  clientId: fc.stringMatching(/^[A-Za-z0-9]{32}$/),
  ip,
  country: fc.option(fc.constantFrom('DE', 'FR', 'JP'), { nil: undefined }),
  fromDashboard: fc.boolean(),
  texts: fc.array(marker, { minLength: 14, maxLength: 14 }),
});

describe('field minimisation', () => {
  it('copies nothing from a Cognito trigger event but the user, the opted-in IP and its country', () => {
    fc.assert(
      fc.property(cognitoEvent, ({ extra, trigger, sub, ip, names: n }) => {
        const event = {
          ...extra,
          version: n[0],
          triggerSource: trigger,
          region: n[1],
          userPoolId: USER_POOL_ID,
          userName: n[2],
          callerContext: { awsSdkVersion: n[3], clientId: n[4] },
          request: {
            userAttributes: { ...extra, sub, email: n[5], name: n[6], phone_number: n[7] },
            clientMetadata: { ...extra, clientIp: ip },
            newDeviceUsed: true,
          },
          response: { ...extra },
        };
        expectMinimised(mapCognitoTrigger(event, { pools: pools(), countries, invokedAt: new Date() }));
      }),
    );
  });

  it('copies nothing from a Keycloak user event but the user, the IP and its country', () => {
    fc.assert(
      fc.property(keycloakUserEvent, ({ extra, id, time, type, userId, ip, texts: t }) => {
        const event = {
          ...extra,
          ...(id ? { id } : {}),
          time,
          type,
          realmId: t[0],
          clientId: t[1],
          userId,
          sessionId: t[2],
          ipAddress: ip,
          error: type.endsWith('_ERROR') ? t[3] : undefined,
          details: { ...extra, username: t[4], email: t[5], redirect_uri: t[6], first_name: t[7] },
        };
        expectMinimised(mapKeycloakEvents([event], { countries, adminAccount: ADMIN_ACCOUNT }));
      }),
    );
  });

  it('copies nothing from a Keycloak admin event but the admin-action fields it names', () => {
    fc.assert(
      fc.property(keycloakAdminEvent, (g) => {
        const t = g.texts;
        const event = {
          ...g.extra,
          ...(g.id ? { id: g.id } : {}),
          time: g.time,
          realmId: t[0],
          authDetails: { ...g.extra, realmId: t[1], clientId: g.clientId, userId: g.admin, ipAddress: g.ip },
          operationType: g.deletesUser ? 'DELETE' : g.operationType,
          resourceType: g.deletesUser ? 'USER' : t[2],
          resourcePath: g.deletesUser ? `users/${g.target}` : `users/${t[3]}`,
          representation: JSON.stringify({ username: t[4], email: t[5] }),
          details: { ...g.extra },
        };
        expectMinimised(mapKeycloakEvents(event, { countries, adminAccount: ADMIN_ACCOUNT }));
      }),
    );
  });

  it('copies nothing from an Auth0 log but the user, the IP, its country and the admin-action fields', () => {
    fc.assert(
      fc.property(auth0Log, (g) => {
        const t = g.texts;
        const log = {
          ...g.extra,
          log_id: g.logId,
          data: {
            ...g.extra,
            date: new Date(g.time).toISOString(),
            type: g.type,
            description: t[0],
            connection: t[1],
            connection_id: t[2],
            client_id: g.clientId,
            client_name: t[3],
            ip: g.ip,
            user_agent: t[4],
            hostname: t[5],
            user_id: g.userId,
            user_name: t[6],
            strategy: g.type === 'cls' ? 'email' : t[7],
            strategy_type: t[8],
            location_info: { ...g.extra, country_code: g.country, city_name: t[9], time_zone: t[10] },
            details: {
              ...g.extra,
              request: {
                method: 'post',
                path: '/api/v2/users',
                query: { q: t[11] },
                body: { email: t[12] },
                channel: g.fromDashboard ? 'https://manage.auth0.com/' : 'api',
                auth: { user: { user_id: g.userId, name: t[13], email: t[13] } },
              },
              response: { statusCode: 201, body: { ...g.extra } },
            },
          },
        };
        expectMinimised(mapAuth0Logs([log], { countries, adminAccount: ADMIN_ACCOUNT }));
      }),
    );
  });
});
