import * as v from 'valibot';
import type { RecordType } from '#policy/index';
import type { AdminAccount } from './config.ts';
import type { CountryLookup } from './country.ts';
import { eventId, ID_PREFIX, userLocation } from './ids.ts';
import { mapKeycloakAdminEvent } from './keycloak-admin.ts';
import { keycloakRule } from './keycloak-types.ts';
import { appendMapping, captureRecord, emptyMapping, pointerOf, type SourceMapping } from './mapping.ts';
import {
  anyObject,
  anyString,
  arrayInsteadOfObject,
  epochMillis,
  objectMessage,
  problemsOf,
  vendorText,
} from './vendor-shapes.ts';

// Keycloak events in Keycloak's own JSON representation (EventRepresentation and
// AdminEventRepresentation, as the admin REST API returns them and event-listener webhooks post
// them): one event, or an array of them. An object with `operationType` is an admin event.

/** What the Keycloak mapper needs beside the events. */
export interface KeycloakContext {
  countries: CountryLookup;
  /** the tenant's account facts for admin-action records; without them admin events are ignored */
  adminAccount?: AdminAccount;
}

const nullable = <T extends v.GenericSchema>(schema: T) => v.nullish(schema);

const userEvent = v.looseObject(
  {
    id: nullable(vendorText(128)),
    time: epochMillis,
    type: vendorText(64),
    realmId: nullable(anyString()),
    userId: nullable(vendorText(128)),
    ipAddress: nullable(anyString()),
    error: nullable(anyString()),
    details: nullable(anyObject()),
  },
  objectMessage('must be a Keycloak event (an object)'),
);

/** Types whose records carry the client IP and country (the user operations the console counts). */
const LOCATED: ReadonlySet<RecordType> = new Set([
  'user.login',
  'user.login_failed',
  'user.registered',
  'user.registration_failed',
]);

function mapUserEvent(input: unknown, index: number, base: string, context: KeycloakContext): SourceMapping {
  const mapping = emptyMapping();
  const notObject = arrayInsteadOfObject(input, base, 'a Keycloak event (an object)');
  if (notObject.length > 0) return { ...mapping, problems: notObject };
  const parsed = v.safeParse(userEvent, input);
  if (!parsed.success) return { ...mapping, problems: problemsOf(parsed.issues, base) };
  const event = parsed.output;
  const rule = keycloakRule(event.type);
  if ('ignore' in rule) {
    mapping.ignored.push({ index, reason: rule.ignore });
    return mapping;
  }
  if (!event.userId) {
    mapping.ignored.push({
      index,
      reason: `the event names no userId (e.g. user_not_found), and a ${rule.record} record needs one; usernames in details are not collected`,
    });
    return mapping;
  }
  // The details (username, e-mail, redirect URI…), session and client are not collected.
  const identity = [event.time, event.type, event.realmId, event.userId, event.ipAddress, event.error];
  const id = eventId(ID_PREFIX.keycloak, event.id, identity);
  const location = LOCATED.has(rule.record) ? userLocation(event.ipAddress, context.countries) : {};
  mapping.records.push(
    captureRecord(rule.record, id, new Date(event.time), { userId: event.userId, ...location }),
  );
  return mapping;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps one Keycloak event or an array of them to capture records. */
export function mapKeycloakEvents(payload: unknown, context: KeycloakContext): SourceMapping {
  const items = Array.isArray(payload) ? payload : [payload];
  const mapping = emptyMapping();
  items.forEach((item, index) => {
    const base = Array.isArray(payload) ? pointerOf('', index) : '';
    const part =
      isObject(item) && Object.hasOwn(item, 'operationType')
        ? mapKeycloakAdminEvent(item, index, base, context)
        : mapUserEvent(item, index, base, context);
    appendMapping(mapping, part);
  });
  return mapping;
}
