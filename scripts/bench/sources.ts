import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { pool } from '#shared/pool';
import { countryDatabase, mapAuth0LogStream, mapKeycloakEvents } from '#shared/sources/index';
import { DynamoApplicationStore } from '#store/applications';
import { DynamoRecordStore } from '#store/records';
import { DynamoTenantStore } from '#store/tenants';
import { type ApiRequest, apiEvent, lambdaContext } from '#test/api-events';
import { captureHttpHandler } from '../../functions/captureEvents/http.ts';
import { sourcesHttpHandler } from '../../functions/sourcesApi/http.ts';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import type { BenchCloud } from './cloud.ts';
import { benchDb } from './cloud.ts';
import { atMost, quantile, summarise, timed } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

// The event sources' price: a vendor payload through the source route (auth, reading the vendor's
// body, mapping, field minimisation, the source validation) against the records it maps to sent
// straight to POST /v1/events, the same records for two tenants on the same tables.

const EVENTS_PER_REQUEST = 10;
const IPS = ['85.214.132.117', '81.2.69.160', '2a00:1450:4001:81a::200e', '133.242.0.1'];
let serial = 0;

type Handler = (
  event: ReturnType<typeof apiEvent>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<unknown>;

async function sides(bench: BenchCloud) {
  const cloud = await bench.copy();
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const stores = {
    tenants: new DynamoTenantStore(db, cloud.tables.TenantsTable as string),
    records: new DynamoRecordStore(db, cloud.tables.RecordsTable as string),
    applications: new DynamoApplicationStore(db, cloud.tables.RecordsTable as string),
    qTokenHashKey: async () => 'bench-qtoken-hash-key',
    now: () => new Date(),
  };
  const tenant = () =>
    createTenant(
      {
        name: 'Bench',
        modules: ['ciam'],
        maxUsers: 1_000_000,
        region: 'DE',
        openedAt: '2020-01-01T00:00:00Z',
      },
      stores.tenants,
      new Date(),
    );
  const [viaSource, direct] = [await tenant(), await tenant()];
  const logger = new Logger({ logLevel: 'SILENT' });
  const source = sourcesHttpHandler(
    { ...stores, countries: countryDatabase, adminAccounts: new Map() },
    logger,
  ) as unknown as Handler;
  const capture = captureHttpHandler(stores, logger) as unknown as Handler;
  const call = async (handler: Handler, request: ApiRequest) => {
    const result = (await handler(apiEvent(request), lambdaContext())) as Exclude<
      APIGatewayProxyResultV2,
      string
    >;
    if (result.statusCode !== 202) throw new Error(`answered ${result.statusCode}: ${result.body}`);
  };
  return { source, capture, call, sourceKey: viaSource.apiKey, directKey: direct.apiKey };
}

/** One vendor payload of logins, its request to the source route, and the records it maps to. */
function payload(vendor: 'keycloak' | 'auth0', key: string) {
  const at = Date.now() - 60_000;
  const logins = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({
    n: ++serial,
    ip: IPS[i % IPS.length] as string,
    time: at + i,
  }));
  if (vendor === 'keycloak') {
    const events = logins.map((l) => ({
      id: `bench-${l.n}`,
      time: l.time,
      type: 'LOGIN',
      realmId: 'bench',
      clientId: 'shop-web',
      userId: `u-${l.n}`,
      ipAddress: l.ip,
      details: { auth_method: 'openid-connect', username: `user${l.n}@example.com` },
    }));
    return {
      request: {
        method: 'POST',
        route: '/v1/sources/keycloak/events',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      },
      records: mapKeycloakEvents(events, { countries: countryDatabase() }).records,
    };
  }
  const body = logins
    .map((l) =>
      JSON.stringify({
        log_id: `bench${l.n}`,
        data: {
          date: new Date(l.time).toISOString(),
          type: 's',
          user_id: `auth0|${l.n}`,
          ip: l.ip,
          user_name: `user${l.n}@example.com`,
          user_agent: 'Chrome 130.0.0 / Mac OS X 10.15.7',
        },
      }),
    )
    .join('\n');
  return {
    request: {
      method: 'POST',
      route: '/v1/sources/auth0/logs',
      headers: { authorization: key, 'content-type': 'application/x-ndjson' },
      body,
    },
    records: mapAuth0LogStream(body, { countries: countryDatabase() }).records,
  };
}

/** p50 of a source route's requests over p50 of capture requests of the records they map to. */
export async function sourceOverhead(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const { source, capture, call, sourceKey, directKey } = await sides(bench);
  const requests = Math.max(20, Math.round(sizes.overheadRequests / 5));
  const figures: Figure[] = [];
  for (const vendor of ['keycloak', 'auth0'] as const) {
    const ratios: number[] = [];
    // One untimed repetition first (DynamoDB Local warms up); the sides alternate which goes first.
    for (let rep = -1; rep < sizes.reps; rep++) {
      const payloads = Array.from({ length: requests }, () => payload(vendor, sourceKey));
      const viaSource = async () => {
        const ms: number[] = new Array(requests);
        await pool(requests, 16, async (i) => {
          ms[i] = (await timed(() => call(source, (payloads[i] as ReturnType<typeof payload>).request))).ms;
        });
        return quantile(ms, 0.5);
      };
      const viaCapture = async () => {
        const ms: number[] = new Array(requests);
        await pool(requests, 16, async (i) => {
          const records = (payloads[i] as ReturnType<typeof payload>).records;
          const request = {
            method: 'POST',
            route: '/v1/events',
            headers: { authorization: `Bearer ${directKey}` },
            body: { events: records },
          };
          ms[i] = (await timed(() => call(capture, request))).ms;
        });
        return quantile(ms, 0.5);
      };
      let viaSourceP50: number;
      let directP50: number;
      if (rep % 2 === 0) {
        viaSourceP50 = await viaSource();
        directP50 = await viaCapture();
      } else {
        directP50 = await viaCapture();
        viaSourceP50 = await viaSource();
      }
      if (rep >= 0) ratios.push(viaSourceP50 / directP50);
    }
    figures.push({
      figure: `source adapter overhead p50 ${vendor === 'keycloak' ? 'Keycloak' : 'Auth0'} / direct capture`,
      unit: '×',
      value: summarise(ratios),
      goal: atMost(1.15),
      note: `${requests} requests of ${EVENTS_PER_REQUEST} logins per repetition, 16 concurrent; the direct side sends the records the same payloads map to, for another tenant`,
    });
  }
  return figures;
}
