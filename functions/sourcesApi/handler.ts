import { functionLogger } from '#http/handler';
import { documentClient } from '#shared/aws';
import { optionalEnv, requireEnv } from '#shared/config';
import { countryDatabase, readSetting } from '#shared/sources/index';
import { DynamoApplicationStore } from '#store/applications';
import { DynamoRecordStore } from '#store/records';
import { DynamoTenantStore } from '#store/tenants';
import { parseAdminAccounts } from './admin-accounts.ts';
import { sourcesHttpHandler } from './http.ts';

const db = documentClient();
const records = requireEnv('RECORDS_TABLE');

/** The Keycloak and Auth0 source routes, wired to DynamoDB and the stage's admin accounts. */
export const handler = sourcesHttpHandler(
  {
    tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
    records: new DynamoRecordStore(db, records),
    applications: new DynamoApplicationStore(db, records),
    // Mapped admin actions never carry camContext, so no q-token is ever hashed here.
    qTokenHashKey: () => Promise.reject(new Error('source records carry no q-token')),
    now: () => new Date(),
    countries: countryDatabase,
    adminAccounts: readSetting(
      optionalEnv('SOURCE_ADMIN_ACCOUNTS') ?? '{}',
      'SOURCE_ADMIN_ACCOUNTS',
      parseAdminAccounts,
    ),
  },
  functionLogger(),
);
