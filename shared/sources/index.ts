// The event-source mapping layer (SPEC §9): vendor payloads in, capture records out. Pure: the
// only I/O is the country database, read once per container on first lookup.
export { type Auth0Context, mapAuth0LogStream, mapAuth0Logs } from './auth0.ts';
export { AUTH0_LOG_TYPES } from './auth0-types.ts';
export {
  type CognitoContext,
  type CognitoMapping,
  LOGIN_ID_WINDOW_MS,
  mapCognitoTrigger,
} from './cognito.ts';
export {
  type AdminAccount,
  type CognitoPool,
  type CognitoPools,
  parseAdminAccount,
  parseCognitoPools,
  readSetting,
} from './config.ts';
export {
  COUNTRY_DATABASE_MODULE,
  type CountryLookup,
  countryDatabase,
  openCountryDatabase,
  packagedDatabasePath,
} from './country.ts';
export { type KeycloakContext, mapKeycloakEvents } from './keycloak.ts';
export { KEYCLOAK_EVENT_TYPES } from './keycloak-types.ts';
export type { CaptureRecord, IgnoredEvent, SourceMapping, SourceProblem } from './mapping.ts';
