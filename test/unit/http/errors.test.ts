import { Logger } from '@aws-lambda-powertools/logger';
import type { Request } from '@middy/core';
import { describe, expect, it } from 'vitest';
import { problemErrors } from '#http/errors';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** The status the HTTP edge answers for an error a handler threw. */
async function statusFor(error: unknown): Promise<number> {
  const request = { event: {}, context: {}, error, response: undefined, internal: {} } as unknown as Request;
  await problemErrors(logger).onError?.(request as never);
  return (request.response as { statusCode: number }).statusCode;
}

const sdkError = (name: string, httpStatusCode?: number, extra: object = {}) =>
  Object.assign(new Error(name), {
    name,
    ...(httpStatusCode ? { $metadata: { httpStatusCode } } : {}),
    ...extra,
  });

describe('problemErrors: which store errors a client may retry', () => {
  it.each([
    ['throttled by DynamoDB', sdkError('ProvisionedThroughputExceededException', 400)],
    ['throttled by name only', sdkError('ThrottlingException')],
    ['an SDK timeout', sdkError('TimeoutError')],
    ['a refused connection', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('reset'), { code: 'ECONNRESET' })],
    ['an internal error of the store', sdkError('InternalServerError', 500)],
    ['an unavailable store', sdkError('ServiceUnavailable', 503)],
    ['an error the SDK marks retryable', sdkError('Whatever', 400, { $retryable: {} })],
  ])('answers 503 with Retry-After for %s', async (_, error) => {
    expect(await statusFor(error)).toBe(503);
  });

  it.each([
    ['a validation error of the store', sdkError('ValidationException', 400)],
    ['a programming error', new TypeError('x is undefined')],
    ['a thrown string', 'oops'],
  ])('answers an opaque 500 for %s', async (_, error) => {
    expect(await statusFor(error)).toBe(500);
  });
});
