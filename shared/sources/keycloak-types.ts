import type { RecordType } from '#policy/index';

// Every Keycloak user event type (org.keycloak.events.EventType, Keycloak 26), mapped to a
// capture record type or deliberately ignored with the reason. Each `*_ERROR` variant that is not
// listed with its own line shares its success type's reason, plus "and it failed".
// docs/sources.md renders this table.

export type TypeRule = { readonly record: RecordType } | { readonly ignore: string };

const TOKEN = 'token or protocol mechanics of a session, not a user operation the policy logs';
const IDP = 'a step of a brokered login; Keycloak also logs the login itself as LOGIN';
const PROFILE = 'a profile or credential change: no capture record type covers it';
const ADMINISH = 'an operation on clients or nodes, not on a user; admin changes arrive as admin events';
const LOGOUT = 'logouts are not in the user operation log of this product (login, registration, deletion)';
const CONSENT = 'consent and grants are not collected by the policy';
const LOCKOUT =
  'lockouts are built-in user attributes (wrong-login count, lock time) that no capture record type carries yet';

const base: Readonly<Record<string, TypeRule>> = {
  LOGIN: { record: 'user.login' },
  LOGIN_ERROR: { record: 'user.login_failed' },
  REGISTER: { record: 'user.registered' },
  REGISTER_ERROR: { record: 'user.registration_failed' },
  DELETE_ACCOUNT: { record: 'user.deleted' },
  DELETE_ACCOUNT_ERROR: { ignore: 'the account deletion failed, so nothing was deleted' },
  SEND_VERIFY_EMAIL: { record: 'message.email_sent' },
  SEND_RESET_PASSWORD: { record: 'message.email_sent' },
  SEND_IDENTITY_PROVIDER_LINK: { record: 'message.email_sent' },
  EXECUTE_ACTIONS: { record: 'message.email_sent' },
  LOGOUT: { ignore: LOGOUT },
  USER_SESSION_DELETED: { ignore: LOGOUT },
  CODE_TO_TOKEN: { ignore: TOKEN },
  CLIENT_LOGIN: { ignore: 'a client (service account) authenticating, not a user' },
  REFRESH_TOKEN: { ignore: TOKEN },
  VALIDATE_ACCESS_TOKEN: { ignore: TOKEN },
  INTROSPECT_TOKEN: { ignore: TOKEN },
  TOKEN_EXCHANGE: { ignore: TOKEN },
  PERMISSION_TOKEN: { ignore: TOKEN },
  USER_INFO_REQUEST: { ignore: TOKEN },
  PUSHED_AUTHORIZATION_REQUEST: { ignore: TOKEN },
  AUTHREQID_TO_TOKEN: { ignore: TOKEN },
  OAUTH2_DEVICE_AUTH: { ignore: TOKEN },
  OAUTH2_DEVICE_VERIFY_USER_CODE: { ignore: TOKEN },
  OAUTH2_DEVICE_CODE_TO_TOKEN: { ignore: TOKEN },
  OAUTH2_EXTENSION_GRANT: { ignore: TOKEN },
  JWT_BEARER: { ignore: TOKEN },
  INVALID_SIGNATURE: { ignore: TOKEN },
  RESTART_AUTHENTICATION: { ignore: 'a restarted login flow; its outcome is logged as LOGIN or LOGIN_ERROR' },
  FEDERATED_IDENTITY_LINK: { ignore: PROFILE },
  REMOVE_FEDERATED_IDENTITY: { ignore: PROFILE },
  IDENTITY_PROVIDER_LINK_ACCOUNT: { ignore: PROFILE },
  IDENTITY_PROVIDER_LOGIN: { ignore: IDP },
  IDENTITY_PROVIDER_FIRST_LOGIN: { ignore: IDP },
  IDENTITY_PROVIDER_POST_LOGIN: { ignore: IDP },
  IDENTITY_PROVIDER_RESPONSE: { ignore: IDP },
  IDENTITY_PROVIDER_RETRIEVE_TOKEN: { ignore: IDP },
  CLIENT_INITIATED_ACCOUNT_LINKING: { ignore: PROFILE },
  UPDATE_EMAIL: { ignore: PROFILE },
  UPDATE_PROFILE: { ignore: PROFILE },
  UPDATE_PASSWORD: { ignore: PROFILE },
  UPDATE_TOTP: { ignore: PROFILE },
  REMOVE_TOTP: { ignore: PROFILE },
  UPDATE_CREDENTIAL: { ignore: PROFILE },
  REMOVE_CREDENTIAL: { ignore: PROFILE },
  VERIFY_EMAIL: { ignore: PROFILE },
  VERIFY_PROFILE: { ignore: PROFILE },
  RESET_PASSWORD: { ignore: PROFILE },
  CUSTOM_REQUIRED_ACTION: { ignore: PROFILE },
  EXECUTE_ACTION_TOKEN: { ignore: PROFILE },
  UPDATE_CONSENT: { ignore: CONSENT },
  GRANT_CONSENT: { ignore: CONSENT },
  REVOKE_GRANT: { ignore: CONSENT },
  IMPERSONATE: { ignore: "an administrator acting as the user, not the user's own login" },
  REGISTER_NODE: { ignore: ADMINISH },
  UNREGISTER_NODE: { ignore: ADMINISH },
  CLIENT_INFO: { ignore: ADMINISH },
  CLIENT_REGISTER: { ignore: ADMINISH },
  CLIENT_UPDATE: { ignore: ADMINISH },
  CLIENT_DELETE: { ignore: ADMINISH },
  USER_DISABLED_BY_PERMANENT_LOCKOUT: { ignore: LOCKOUT },
  USER_DISABLED_BY_TEMPORARY_LOCKOUT: { ignore: LOCKOUT },
};

/** The rule of every known type, `*_ERROR` variants included. */
export const KEYCLOAK_EVENT_TYPES: Readonly<Record<string, TypeRule>> = (() => {
  const all: Record<string, TypeRule> = { ...base };
  for (const [type, rule] of Object.entries(base)) {
    if (type.endsWith('_ERROR') || Object.hasOwn(base, `${type}_ERROR`)) continue;
    all[`${type}_ERROR`] = {
      ignore: 'ignore' in rule ? `${rule.ignore}, and it failed` : `it failed, so no ${rule.record} happened`,
    };
  }
  return all;
})();

/** The rule for a Keycloak event type; a type this table does not know is ignored, saying so. */
export function keycloakRule(type: string): TypeRule {
  return Object.hasOwn(KEYCLOAK_EVENT_TYPES, type)
    ? (KEYCLOAK_EVENT_TYPES[type] as TypeRule)
    : { ignore: 'a Keycloak event type this mapping does not know (newer than Keycloak 26?); not collected' };
}
