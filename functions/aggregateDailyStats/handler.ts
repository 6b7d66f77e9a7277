import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as v from 'valibot';
import { functionLogger } from '#http/handler';
import { documentClient, sqsClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { InvalidInput } from '#shared/errors';
import { isTenantId } from '#shared/ids';
import type { StatsJob } from '#shared/messages';
import { isCalendarDate, utcDay } from '#shared/time';
import { issuesOf } from '#shared/validation';
import { NamedQueue } from '#store/queue';
import { DynamoTenantStore } from '#store/tenants';
import { dayThatEnded } from '../aggregateTenantDay/aggregate.ts';

const logger = functionLogger();
const tenants = new DynamoTenantStore(documentClient(), requireEnv('TENANTS_TABLE'));
const queue = new NamedQueue(sqsClient(), requireEnv('STATS_QUEUE_NAME'));

/** The most tenants one backfill invocation may name (its messages are sent within the invocation). */
const MAX_TENANTS = 10_000;

/**
 * A backfill `{date?, tenantIds?}` (an empty list names no tenant and enqueues nothing); the
 * schedule's own event (EventBridge) asks for the day that ended.
 */
const Backfill = v.strictObject({
  date: v.optional(
    v.pipe(
      v.custom<string>(isCalendarDate, 'date must be a calendar date YYYY-MM-DD that exists'),
      v.check((d) => d < utcDay(new Date()), 'date must be a day that has ended'),
    ),
  ),
  tenantIds: v.optional(
    v.pipe(
      v.array(v.custom<string>(isTenantId, 'each tenant id must be a UUID as the API issues them')),
      v.maxLength(MAX_TENANTS, `tenantIds holds at most ${MAX_TENANTS} ids`),
    ),
  ),
});

const isScheduledEvent = (event: unknown) =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

/** What an invocation asks for: validated like an API, refused with the field named. */
function requestOf(event: unknown): { date: string; tenantIds?: string[] } {
  if (isScheduledEvent(event) || event === undefined || event === null)
    return { date: dayThatEnded(new Date()) };
  const parsed = v.safeParse(Backfill, event);
  if (!parsed.success)
    throw new InvalidInput(
      `The aggregation request is invalid: ${parsed.issues[0].message}`,
      issuesOf(parsed.issues),
    );
  return {
    date: parsed.output.date ?? dayThatEnded(new Date()),
    ...(parsed.output.tenantIds ? { tenantIds: parsed.output.tenantIds } : {}),
  };
}

/**
 * Daily after 00:00 UTC: one message per tenant for the day that just ended, so workers compute
 * tenants in parallel and a failed tenant is retried alone. Invoked with `{date, tenantIds}` for a
 * backfill.
 */
export const handler = middy<unknown>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const { date, tenantIds } = requestOf(event);
    let enqueued = 0;
    const send = async (ids: string[]) => {
      const jobs: StatsJob[] = ids.map((tenantId) => ({ tenantId, date }));
      await queue.sendAll(jobs);
      enqueued += ids.length;
    };
    if (tenantIds) await send(tenantIds);
    else for await (const page of tenants.tenantIds()) await send(page);
    logger.info('aggregation enqueued', { date, tenants: enqueued });
    return { date, enqueued };
  });
