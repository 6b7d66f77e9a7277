import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countryDatabase } from '#shared/sources/index';
import type { AdminAccounts } from '../../functions/sourcesApi/admin-accounts.ts';
import { sourcesHttpHandler } from '../../functions/sourcesApi/http.ts';
import { type ApiRequest, apiEvent, lambdaContext, readResponse } from './api-events.ts';
import type { IsolatedCloud } from './isolated-cloud.ts';
import { teeStdout } from './logs.ts';
import { storesOf } from './stores.ts';
import { documentClient, recordsListing } from './sweep.ts';

// The event-source tests' pieces: the vendor fixtures, the sources API on a test file's tables,
// and the personal data the fixtures carry, which must never reach storage or logs.

const FIXTURES = new URL('../fixtures/sources/', import.meta.url);

/** The raw text of a vendor fixture. */
export const fixtureText = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
/** A JSON vendor fixture, parsed. */
export const fixture = (name: string): any => JSON.parse(fixtureText(name));

/**
 * Values in the fixtures that the policy does not collect (e-mail addresses, names, usernames,
 * phone numbers, user agents, descriptions, details): none may appear in a stored item or a log line.
 */
export const NOT_COLLECTED = [
  'example.com',
  'jane.doe',
  'Jane Doe',
  '+4915112345678',
  'max.mustermann',
  'Mustermann',
  'erika.musterfrau',
  'neu.kunde',
  'Chrome 130',
  'Firefox 132',
  'Wrong email or password',
  'Successful login',
  'spring-newsletter',
  'My application Name',
  'Berlin',
  'Username-Password-Authentication',
];

/** The sources API as deployed, on a document client of the test file's cloud (faults may be injected). */
export function sourcesApiOn(
  cloud: IsolatedCloud,
  adminAccounts: AdminAccounts = new Map(),
  db: DynamoDBDocumentClient = documentClient(cloud),
  logger = new Logger({ logLevel: 'SILENT' }),
) {
  const stores = storesOf(cloud, db);
  const handler = sourcesHttpHandler(
    {
      tenants: stores.tenants,
      records: stores.records,
      applications: stores.applications,
      qTokenHashKey: async () => 'k',
      now: () => new Date(),
      countries: countryDatabase,
      adminAccounts,
    },
    logger,
  );
  return async (request: ApiRequest) =>
    readResponse((await handler(apiEvent(request), lambdaContext())) as never);
}

/** A Keycloak request: the tenant key as a bearer token, the events as JSON. */
export const keycloakRequest = (apiKey: string, body: unknown): ApiRequest => ({
  method: 'POST',
  route: '/v1/sources/keycloak/events',
  headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** An Auth0 log-stream request: the stream's Authorization Token, the body as Auth0 sends it. */
export const auth0Request = (
  authorization: string,
  body: string,
  contentType = 'application/json',
): ApiRequest => ({
  method: 'POST',
  route: '/v1/sources/auth0/logs',
  headers: { authorization, 'content-type': contentType },
  body,
});

/** The stored records of one tenant (not day registries or directory state), by id. */
export async function storedRecords(cloud: IsolatedCloud, tenantId: string) {
  const items = await recordsListing(cloud);
  return new Map(
    items
      .filter((item) => item.tenantId === tenantId && typeof item.fingerprint === 'string')
      .map((item) => [item.id as string, item]),
  );
}

/** Marks a tenant as terminating the ciam module, as a termination request does first. */
export async function beginTermination(cloud: IsolatedCloud, tenantId: string) {
  await cloud.clients.dynamodb.send(
    new UpdateItemCommand({
      TableName: cloud.tables.TenantsTable,
      Key: { pk: { S: `TENANT#${tenantId}` }, sk: { S: 'PROFILE' } },
      UpdateExpression: 'SET #s = :t, terminations = :m',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':t': { S: 'terminating' },
        ':m': { M: { ciam: { S: new Date().toISOString() } } },
      },
    }),
  );
}

/**
 * Copies every log line into `lines`: stdout (Powertools' debug and info) and stderr (its warn and
 * error), so a check of the logs sees all of them.
 */
export function teeOutput(lines: string[]): () => void {
  const restoreStdout = teeStdout(lines);
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(String(chunk));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  return () => {
    process.stderr.write = write;
    restoreStdout();
  };
}
