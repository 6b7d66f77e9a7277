import { describe, expect, it } from 'vitest';
import { type KeycloakContext, mapKeycloakEvents } from '../../../shared/sources/keycloak.ts';
import { KEYCLOAK_EVENT_TYPES, keycloakRule } from '../../../shared/sources/keycloak-types.ts';
import { ADMIN_ACCOUNT, captureVerdict, countries, fixture } from './fixtures.ts';

const context: KeycloakContext = { countries, adminAccount: ADMIN_ACCOUNT };

describe('Keycloak user events as Keycloak represents them', () => {
  it('turns a LOGIN into a login under its own event id, with the IP and its country', () => {
    expect(mapKeycloakEvents(fixture('keycloak-login.json'), context)).toEqual({
      records: [
        {
          id: 'kc-5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
          type: 'user.login',
          occurredAt: '2026-11-22T10:00:00.123Z',
          userId: 'e4f3a2b1-0c9d-4e8f-9a7b-6c5d4e3f2a1b',
          clientIp: '85.214.132.117',
          country: 'DE',
        },
      ],
      ignored: [],
      problems: [],
    });
  });

  it('maps an array of events without ids, each under a digest of what identifies it', () => {
    expect(mapKeycloakEvents(fixture('keycloak-user-events.json'), context)).toEqual({
      records: [
        {
          id: 'kc-h-3YggYK3_nkJyIH_PJYm6Tea3i3GqOQ5-CrQQq5GPKYs',
          type: 'user.registered',
          occurredAt: '2026-11-22T09:50:00.000Z',
          userId: 'c0ffee00-1234-4abc-9def-0123456789ab',
          clientIp: '2a00:1450:4001:81a::200e',
          country: 'IE',
        },
        {
          id: 'kc-h-JPcFw-smpyFyr8kAlMbMuC3lJFHKyrxmYaKfp7XDIzo',
          type: 'user.login_failed',
          occurredAt: '2026-11-22T09:51:00.000Z',
          userId: 'e4f3a2b1-0c9d-4e8f-9a7b-6c5d4e3f2a1b',
          clientIp: '85.214.132.117',
          country: 'DE',
        },
        {
          id: 'kc-h-eQMBJ_0EZ-1PfXSljoOFjF5fY3ywvl-PyuZV6pivwoU',
          type: 'message.email_sent',
          occurredAt: '2026-11-22T09:53:00.000Z',
          userId: 'e4f3a2b1-0c9d-4e8f-9a7b-6c5d4e3f2a1b',
        },
        {
          id: 'kc-h-CW5vGd19T3jVP4fE_7fsyNWlRFNLmkAPLUy9l8fYsYs',
          type: 'user.deleted',
          occurredAt: '2026-11-22T09:55:00.000Z',
          userId: 'c0ffee00-1234-4abc-9def-0123456789ab',
        },
      ],
      ignored: [
        { index: 2, reason: expect.stringContaining('names no userId') },
        { index: 4, reason: expect.stringContaining('token or protocol mechanics') },
      ],
      problems: [],
    });
  });

  it('gives a re-sent event the same id, and an event that differs in its time another', () => {
    const events = fixture('keycloak-user-events.json') as Array<Record<string, unknown>>;
    const again = mapKeycloakEvents(structuredClone(events), context).records.map((r) => r.id);
    expect(again).toEqual(mapKeycloakEvents(events, context).records.map((r) => r.id));
    const moved = mapKeycloakEvents([{ ...events[0], time: 1795341000001 }], context).records[0]?.id;
    expect(moved).not.toBe(again[0]);
  });

  it('derives the same id whatever the details say (they are free text and never read)', () => {
    const [event] = fixture('keycloak-user-events.json') as Array<Record<string, unknown>>;
    const other = { ...event, details: { username: 'someone.else@example.com' } };
    expect(mapKeycloakEvents(other, context).records[0]?.id).toBe(
      mapKeycloakEvents(event, context).records[0]?.id,
    );
  });

  it('falls back to a digest when an event id does not fit the capture id rules', () => {
    const event = { ...(fixture('keycloak-login.json') as object), id: 'an id with spaces' };
    expect(mapKeycloakEvents(event, context).records[0]?.id).toMatch(/^kc-h-[A-Za-z0-9_-]{43}$/);
  });
});

describe('Keycloak admin events', () => {
  it('turns every admin event into an admin action, and a user deletion also into user.deleted', () => {
    expect(mapKeycloakEvents(fixture('keycloak-admin-events.json'), context)).toEqual({
      records: [
        {
          id: 'kc-9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d:user.deleted',
          type: 'user.deleted',
          occurredAt: '2026-11-22T10:06:40.456Z',
          userId: 'e4f3a2b1-0c9d-4e8f-9a7b-6c5d4e3f2a1b',
        },
        {
          id: 'kc-9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
          type: 'admin.action',
          occurredAt: '2026-11-22T10:06:40.456Z',
          region: 'eu-frankfurt',
          apiVersion: '26.2.0',
          appId: 'security-admin-console',
          uin: '100001',
          subAccountUin: 'aa11bb22-cc33-4d44-8e55-ff6677889900',
          clientIp: '81.2.69.160',
          requestSource: 'keycloak-admin-console',
          requestId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
        },
        {
          id: 'kc-h-29YZve7DjspfUldfoiiWbu9dS5TGPKNpvqHxxXykqDE',
          type: 'admin.action',
          occurredAt: '2026-11-22T10:07:40.000Z',
          region: 'eu-frankfurt',
          apiVersion: '26.2.0',
          appId: 'admin-cli',
          uin: '100001',
          subAccountUin: 'aa11bb22-cc33-4d44-8e55-ff6677889900',
          clientIp: '81.2.69.160',
          requestSource: 'keycloak-admin-api',
          requestId: 'kc-h-29YZve7DjspfUldfoiiWbu9dS5TGPKNpvqHxxXykqDE',
        },
      ],
      ignored: [],
      problems: [],
    });
  });

  it('ignores admin events of a tenant without an admin account, still recording the user deletion', () => {
    const mapping = mapKeycloakEvents(fixture('keycloak-admin-events.json'), { countries });
    expect(mapping.records.map((r) => r.type)).toEqual(['user.deleted']);
    expect(mapping.ignored).toEqual([
      { index: 0, reason: expect.stringContaining('no admin account configured') },
      { index: 1, reason: expect.stringContaining('no admin account configured') },
    ]);
  });

  it('ignores admin events when the account names no Keycloak version for apiVersion', () => {
    const { apiVersion: _, ...account } = ADMIN_ACCOUNT;
    const mapping = mapKeycloakEvents(fixture('keycloak-admin-events.json'), {
      countries,
      adminAccount: account,
    });
    expect(mapping.ignored.map((i) => i.reason)).toEqual([
      expect.stringContaining('names no apiVersion'),
      expect.stringContaining('names no apiVersion'),
    ]);
  });

  it('records no deletion for a failed admin DELETE', () => {
    const [event] = fixture('keycloak-admin-events.json') as Array<Record<string, unknown>>;
    const types = mapKeycloakEvents({ ...event, error: 'unknown_error' }, context).records.map((r) => r.type);
    expect(types).toEqual(['admin.action']);
  });
});

describe('Keycloak payloads it cannot use', () => {
  it('reports each malformed event at its pointer and produces no record', () => {
    expect(mapKeycloakEvents(fixture('keycloak-malformed.json'), context)).toEqual({
      records: [],
      ignored: [],
      problems: [
        { pointer: '/0/time', detail: 'time must be a number of milliseconds since 1970, not a string' },
        { pointer: '/1', detail: 'this item must be a Keycloak event (an object)' },
        {
          pointer: '/2/authDetails',
          detail: 'authDetails must be an object {realmId, clientId, userId, ipAddress}',
        },
      ],
    });
  });

  it('reports a time after the year 9999, which no ISO 8601 timestamp of capture can hold', () => {
    const event = { ...(fixture('keycloak-login.json') as object), time: 253_402_300_800_000 };
    expect(mapKeycloakEvents(event, context).problems).toEqual([
      { pointer: '/time', detail: 'time must be a time before the year 10000' },
    ]);
  });

  it('ignores an event type it does not know, saying so', () => {
    const event = { ...(fixture('keycloak-login.json') as object), type: 'SOMETHING_NEW' };
    expect(mapKeycloakEvents(event, context).ignored).toEqual([
      { index: 0, reason: expect.stringContaining('does not know') },
    ]);
  });
});

describe('the Keycloak type table', () => {
  it('maps the five events the product names, and ignores every other with a reason', () => {
    expect(keycloakRule('LOGIN')).toEqual({ record: 'user.login' });
    expect(keycloakRule('LOGIN_ERROR')).toEqual({ record: 'user.login_failed' });
    expect(keycloakRule('REGISTER')).toEqual({ record: 'user.registered' });
    expect(keycloakRule('REGISTER_ERROR')).toEqual({ record: 'user.registration_failed' });
    expect(keycloakRule('DELETE_ACCOUNT')).toEqual({ record: 'user.deleted' });
    for (const rule of Object.values(KEYCLOAK_EVENT_TYPES)) {
      if ('ignore' in rule) expect(rule.ignore.length).toBeGreaterThan(10);
    }
  });

  it('gives every success type its _ERROR variant', () => {
    for (const type of Object.keys(KEYCLOAK_EVENT_TYPES).filter((t) => !t.endsWith('_ERROR'))) {
      expect(KEYCLOAK_EVENT_TYPES).toHaveProperty(`${type}_ERROR`);
    }
  });
});

describe('Keycloak records and the capture contract of today', () => {
  it('produces records capture accepts from every fixture', () => {
    for (const name of ['keycloak-login.json', 'keycloak-user-events.json', 'keycloak-admin-events.json']) {
      expect(captureVerdict(mapKeycloakEvents(fixture(name), context).records).kind).toBe('ok');
    }
  });
});
