import { authenticateTenant } from '#http/auth';
import { readJsonBody } from '#http/body';
import { functionLogger, httpRoutes } from '#http/handler';
import { json } from '#http/problem';
import { documentClient, sqsClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { InvalidInput } from '#shared/errors';
import { NamedQueue } from '#store/queue';
import { DynamoTenantStore } from '#store/tenants';
import { requestErasure } from './erasures.ts';

const logger = functionLogger();
const tenants = new DynamoTenantStore(documentClient(), requireEnv('TENANTS_TABLE'));
const deps = {
  requests: new NamedQueue(sqsClient(), requireEnv('ERASURE_QUEUE_NAME')),
  now: () => new Date(),
};

/** The user id of a `{userId}` body; anything else in it is refused. */
function userIdOf(body: unknown): unknown {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
  const extra = fields.filter((k) => k !== 'userId');
  if (extra.length > 0 || !fields.includes('userId'))
    throw new InvalidInput('The body must be {"userId": "…"} and nothing else.', [
      {
        pointer: extra.length ? `/${extra[0]}` : '/userId',
        detail: extra.length ? 'not accepted' : 'required',
      },
    ]);
  return (body as { userId: unknown }).userId;
}

async function accepted(tenant: Awaited<ReturnType<typeof authenticateTenant>>, userId: unknown) {
  const answer = await requestErasure({ tenant, userId }, deps);
  logger.info('erasure requested', {
    tenantId: tenant.id,
    erasureId: answer.erasureId,
    subject: answer.subject,
  });
  return json(202, answer);
}

/**
 * Erasure requests (tenant key). The path parameter is taken exactly as API Gateway delivers it
 * (already percent-decoded, never decoded again); an id API Gateway cannot route as one path segment
 * (one with `/`) goes in the body of `POST /v1/erasures`.
 */
export const handler = httpRoutes(logger, [
  {
    method: 'POST',
    path: '/v1/users/{userId}/erasure',
    handler: async (event) =>
      accepted(await authenticateTenant(event, tenants), event.pathParameters?.userId),
  },
  {
    method: 'POST',
    path: '/v1/erasures',
    handler: async (event) => {
      const tenant = await authenticateTenant(event, tenants);
      return accepted(tenant, userIdOf(readJsonBody(event)));
    },
  },
]);
