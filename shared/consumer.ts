import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PoisonMessage } from './messages.ts';

/** Where messages that can never be processed go, body unchanged. */
export interface DeadLetters {
  sendRaw(body: string, reason: string): Promise<void>;
}

/**
 * Every SQS consumer has this shape: each record settled alone (ReportBatchItemFailures), a failure
 * retried alone by the queue, and a poison message sent straight to the dead-letter queue with its
 * reason — nothing written for it, and no five futile retries first.
 */
export function sqsConsumer(
  logger: Logger,
  handle: (record: SQSRecord, context: Context) => Promise<void>,
  deadLetters: DeadLetters,
) {
  const processor = new BatchProcessor(EventType.SQS);
  const settle = async (record: SQSRecord, context: Context) => {
    try {
      await handle(record, context);
    } catch (error) {
      if (!(error instanceof PoisonMessage)) throw error;
      logger.warn('poison message sent to the dead-letter queue', {
        messageId: record.messageId,
        reason: error.message,
      });
      await deadLetters.sendRaw(record.body, error.message);
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) =>
      processPartialResponse(event, (record: SQSRecord) => settle(record, context), processor, { context }),
    );
}
