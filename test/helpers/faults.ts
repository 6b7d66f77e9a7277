import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

// Fault injection at the SDK's middleware stack: the only place the tests replace behaviour of the
// local cloud. Every request still reaches DynamoDB Local or fauxqs unless a fault says otherwise.

type Client = DynamoDBClient | S3Client;
type Next = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;
type Middleware = (next: Next, context: { commandName: string }) => Next;

const add = (
  client: Client,
  middleware: Middleware,
  step: 'initialize' | 'serialize' | 'deserialize',
  name: string,
) =>
  (client.middlewareStack as { add(m: unknown, o: object): void }).add(middleware, {
    step,
    name,
    ...(step === 'serialize' ? { priority: 'high' as const } : {}),
  });

/** How many faults each injector has injected so far (a test proves its faults really happened). */
export const injected: Record<string, number> = {};
const fired = (name: string) => {
  injected[name] = (injected[name] ?? 0) + 1;
};

const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

/**
 * `rate` of the requests are refused with a throttling error before they reach the store, inside
 * the SDK's retry loop (the deserialize step), so the SDK retries them as it would in AWS.
 */
export function throttle(client: Client, rate: number, random: () => number): void {
  add(
    client,
    (next) => async (args) => {
      if (random() < rate) {
        fired('throttle');
        throw named('ThrottlingException', 'Rate exceeded (injected)', {
          $metadata: { httpStatusCode: 400 },
          $fault: 'client',
        });
      }
      return next(args);
    },
    'deserialize',
    'injectThrottling',
  );
}

/** BatchWriteItem leaves `rate` of its requests unprocessed (answered in UnprocessedItems, not applied). */
export function unprocessedItems(client: DynamoDBClient, rate: number, random: () => number): void {
  add(
    client,
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      const items = args.input.RequestItems as Record<string, unknown[]>;
      const left: Record<string, unknown[]> = {};
      for (const [table, requests] of Object.entries(items)) {
        const kept = requests.filter(() => random() >= rate);
        const dropped = requests.filter((r) => !kept.includes(r));
        if (dropped.length) {
          left[table] = dropped;
          fired('unprocessedItems');
        }
        items[table] = kept;
        if (kept.length === 0) delete items[table];
      }
      const result =
        Object.keys(items).length > 0
          ? await next(args)
          : { output: { $metadata: {} } as Record<string, unknown> };
      const unprocessed = (result.output.UnprocessedItems ?? {}) as Record<string, unknown[]>;
      for (const [table, requests] of Object.entries(left))
        unprocessed[table] = [...(unprocessed[table] ?? []), ...requests];
      result.output.UnprocessedItems = unprocessed;
      return result;
    },
    'serialize',
    'injectUnprocessedItems',
  );
}

/** DeleteObjects refuses `rate` of its keys with a per-key error (the others are deleted). */
export function deleteObjectsErrors(client: S3Client, rate: number, random: () => number): void {
  add(
    client,
    (next, context) => async (args) => {
      if (context.commandName !== 'DeleteObjectsCommand') return next(args);
      const del = args.input.Delete as { Objects: Array<{ Key: string }> };
      const refused = del.Objects.filter(() => random() < rate);
      del.Objects = del.Objects.filter((o) => !refused.includes(o));
      if (refused.length) fired('deleteObjectsErrors');
      const result =
        del.Objects.length > 0 ? await next(args) : { output: { $metadata: {} } as Record<string, unknown> };
      const errors = (result.output.Errors ?? []) as Array<Record<string, string>>;
      result.output.Errors = [
        ...errors,
        ...refused.map((o) => ({ Key: o.Key, Code: 'InternalError', Message: 'injected' })),
      ];
      return result;
    },
    'initialize',
    'injectDeleteObjectsErrors',
  );
}

/**
 * `rate` of the S3 requests time out: half before reaching S3, half after S3 applied them (the
 * answer is lost). Thrown inside the SDK's retry loop, as a socket timeout is.
 */
export function s3Timeouts(client: S3Client, rate: number, random: () => number): void {
  add(
    client,
    (next) => async (args) => {
      const roll = random();
      if (roll < rate) fired('s3Timeouts');
      if (roll < rate / 2) throw named('TimeoutError', 'socket timed out before the request (injected)');
      const result = await next(args);
      if (roll < rate) throw named('TimeoutError', 'socket timed out after the request (injected)');
      return result;
    },
    'deserialize',
    'injectS3Timeouts',
  );
}

/**
 * A process crash: the first `budget` requests (over all clients it is installed on) are served,
 * the next one is applied by the store but the process dies before it sees the answer, and every
 * request after that fails, as nothing runs in a dead process.
 */
export class Crash {
  #served = 0;
  budget = Number.POSITIVE_INFINITY;
  crashed = false;

  install(...clients: Client[]): void {
    for (const client of clients) {
      add(
        client,
        (next) => async (args) => {
          if (this.crashed) throw named('InjectedCrash', 'the process is dead');
          const result = await next(args);
          if (this.#served++ >= this.budget) {
            this.crashed = true;
            fired('crash');
            throw named('InjectedCrash', 'the process crashed after this I/O step');
          }
          return result;
        },
        'initialize',
        'injectCrash',
      );
    }
  }

  /** Arms a new process that crashes after `budget` served requests. */
  arm(budget: number): void {
    this.#served = 0;
    this.budget = budget;
    this.crashed = false;
  }

  disarm(): void {
    this.arm(Number.POSITIVE_INFINITY);
  }
}
