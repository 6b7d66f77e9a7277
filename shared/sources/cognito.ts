import * as v from 'valibot';
import type { CognitoPools } from './config.ts';
import type { CountryLookup } from './country.ts';
import { ID_PREFIX, stableDigest, userLocation } from './ids.ts';
import { captureRecord, emptyMapping, type SourceMapping } from './mapping.ts';
import {
  anyObject,
  anyString,
  arrayInsteadOfObject,
  objectMessage,
  problemsOf,
  vendorText,
} from './vendor-shapes.ts';

// Amazon Cognito user pool triggers PostAuthentication and PostConfirmation (SPEC §9).
// The events carry no event id, no time and no client IP (see docs/sources.md): the time is the
// invocation's, the id is derived, and the IP is taken only from clientMetadata, and only where a
// tenant has opted in with the key its own backend fills.

/** What the Cognito mapper needs beside the event. */
export interface CognitoContext {
  pools: CognitoPools;
  countries: CountryLookup;
  /** when the trigger was invoked (Cognito sends no time of its own) */
  invokedAt: Date;
}

/** A Cognito mapping also names the tenant the user pool belongs to (when it is configured). */
export interface CognitoMapping extends SourceMapping {
  tenantId?: string;
}

/** The width of the time window a post-authentication id is derived from (see docs/sources.md). */
export const LOGIN_ID_WINDOW_MS = 60_000;

const TRIGGER_SOURCES = [
  'PostAuthentication_Authentication',
  'PostConfirmation_ConfirmSignUp',
  'PostConfirmation_ConfirmForgotPassword',
] as const;

const cognitoEvent = v.looseObject(
  {
    version: anyString(),
    triggerSource: v.picklist(TRIGGER_SOURCES, (issue) =>
      issue.input === undefined
        ? 'is required'
        : `must be one of the triggers this mapper serves: ${TRIGGER_SOURCES.join(', ')}`,
    ),
    region: anyString(),
    userPoolId: vendorText(55),
    request: v.looseObject(
      {
        userAttributes: v.looseObject(
          { sub: vendorText(128) },
          objectMessage('must be an object of the user attributes, sub among them'),
        ),
        // Any keys a client chose; only the opted-in key is read (and checked where it is used).
        clientMetadata: v.optional(anyObject()),
      },
      objectMessage('must be an object {userAttributes, clientMetadata?}'),
    ),
  },
  objectMessage('must be a Cognito user pool trigger event (an object)'),
);

/** Maps one PostAuthentication / PostConfirmation trigger event to capture records. */
export function mapCognitoTrigger(event: unknown, context: CognitoContext): CognitoMapping {
  const notObject = arrayInsteadOfObject(event, '', 'a Cognito user pool trigger event (an object)');
  if (notObject.length > 0) return { ...emptyMapping(), problems: notObject };
  const parsed = v.safeParse(cognitoEvent, event);
  if (!parsed.success) return { ...emptyMapping(), problems: problemsOf(parsed.issues, '') };
  const { triggerSource, userPoolId, request } = parsed.output;
  const pool = context.pools.get(userPoolId);
  if (!pool) {
    return {
      ...emptyMapping(),
      problems: [
        { pointer: '/userPoolId', detail: 'userPoolId names a user pool no tenant is configured for' },
      ],
    };
  }
  const mapping: CognitoMapping = { ...emptyMapping(), tenantId: pool.tenantId };
  if (triggerSource === 'PostConfirmation_ConfirmForgotPassword') {
    mapping.ignored.push({
      index: 0,
      reason:
        'PostConfirmation_ConfirmForgotPassword confirms a password reset of an existing user, not a registration',
    });
    return mapping;
  }
  const userId = request.userAttributes.sub;
  const metadataIp = pool.clientIpMetadataKey
    ? request.clientMetadata?.[pool.clientIpMetadataKey]
    : undefined;
  const location = userLocation(metadataIp, context.countries);
  if (triggerSource === 'PostConfirmation_ConfirmSignUp') {
    // A user confirms sign-up once: the id needs no time, so every retry of it is the same record.
    const id = `${ID_PREFIX.cognito}${stableDigest([userPoolId, userId, triggerSource])}`;
    mapping.records.push(captureRecord('user.registered', id, context.invokedAt, { userId, ...location }));
    return mapping;
  }
  const window = Math.floor(context.invokedAt.getTime() / LOGIN_ID_WINDOW_MS);
  const id = `${ID_PREFIX.cognito}${stableDigest([userPoolId, userId, triggerSource, String(window)])}`;
  mapping.records.push(captureRecord('user.login', id, context.invokedAt, { userId, ...location }));
  return mapping;
}
