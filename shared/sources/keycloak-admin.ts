import * as v from 'valibot';
import { eventId, ID_PREFIX } from './ids.ts';
import type { KeycloakContext } from './keycloak.ts';
import { captureRecord, emptyMapping, type SourceMapping } from './mapping.ts';
import {
  anyObject,
  anyString,
  epochMillis,
  hasNoControlCharacters,
  objectMessage,
  problemsOf,
  usableIp,
  vendorText,
} from './vendor-shapes.ts';

// Keycloak admin events (AdminEventRepresentation) → admin.action, and a successful deletion of
// a user through the admin API also → user.deleted, so the user directory learns of it.
//
// Field by field (docs/sources.md has the reasoning): clientIp ← authDetails.ipAddress; appId ←
// authDetails.clientId (the client the administrator used); subAccountUin ← authDetails.userId
// (the administrator); requestId ← the event's id (or digest); requestSource ← whether the admin
// console or another client made the call; region, uin and apiVersion ← the tenant's configured
// account (Keycloak carries none of them; its admin REST API is unversioned, so apiVersion is the
// configured Keycloak version). operationType, resourceType, resourcePath, representation, error
// and details are not collected: the policy's admin action log names none of them, and paths and
// representations carry user ids, names and e-mail addresses.

const nullable = <T extends v.GenericSchema>(schema: T) => v.nullish(schema);

const adminEvent = v.looseObject(
  {
    id: nullable(vendorText(128)),
    time: epochMillis,
    realmId: nullable(anyString()),
    authDetails: nullable(
      v.looseObject(
        {
          realmId: nullable(anyString()),
          clientId: nullable(anyString()),
          userId: nullable(anyString()),
          ipAddress: nullable(anyString()),
        },
        objectMessage('must be an object {realmId, clientId, userId, ipAddress}'),
      ),
    ),
    operationType: vendorText(32),
    resourceType: nullable(anyString()),
    resourcePath: nullable(anyString()),
    representation: nullable(anyString()),
    error: nullable(anyString()),
    details: nullable(anyObject()),
  },
  objectMessage('must be a Keycloak admin event (an object)'),
);

const ADMIN_CONSOLE_CLIENT = 'security-admin-console';
const DELETED_USER_PATH = /^users\/([0-9A-Za-z-]{1,128})$/;

const shortText = (value: string | null | undefined, max: number): string | undefined =>
  value && value.length <= max && hasNoControlCharacters(value) ? value : undefined;

/** Maps one admin event (at `index`, `base` its pointer) to its records. */
export function mapKeycloakAdminEvent(
  input: unknown,
  index: number,
  base: string,
  context: KeycloakContext,
): SourceMapping {
  const mapping = emptyMapping();
  const parsed = v.safeParse(adminEvent, input);
  if (!parsed.success) return { ...mapping, problems: problemsOf(parsed.issues, base) };
  const event = parsed.output;
  const auth = event.authDetails ?? {};
  const identity = [
    event.time,
    event.realmId,
    auth.userId,
    auth.ipAddress,
    event.operationType,
    event.resourcePath,
  ];
  const id = eventId(ID_PREFIX.keycloak, event.id, identity);
  const occurredAt = new Date(event.time);

  const deleted = event.resourceType === 'USER' && event.operationType === 'DELETE' && !event.error;
  const userId = deleted ? DELETED_USER_PATH.exec(event.resourcePath ?? '')?.[1] : undefined;
  if (userId)
    mapping.records.push(captureRecord('user.deleted', `${id}:user.deleted`, occurredAt, { userId }));

  const account = context.adminAccount;
  const clientIp = usableIp(auth.ipAddress);
  const appId = shortText(auth.clientId, 128);
  const missing = [
    !account && 'the tenant has no admin account configured (uin, region)',
    account && !account.apiVersion && 'the admin account names no apiVersion (the Keycloak version)',
    !clientIp && 'authDetails.ipAddress is not an IP address',
    !appId && 'authDetails.clientId is missing',
  ].filter((reason): reason is string => typeof reason === 'string');
  if (!account?.apiVersion || !clientIp || !appId) {
    mapping.ignored.push({ index, reason: `no admin.action record: ${missing.join('; ')}` });
    return mapping;
  }
  mapping.records.push(
    captureRecord('admin.action', id, occurredAt, {
      region: account.region,
      apiVersion: account.apiVersion,
      appId,
      uin: account.uin,
      subAccountUin: shortText(auth.userId, 64),
      clientIp,
      requestSource: appId === ADMIN_CONSOLE_CLIENT ? 'keycloak-admin-console' : 'keycloak-admin-api',
      requestId: event.id ?? id,
    }),
  );
  return mapping;
}
