import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** Calls the function with one SQS event; rejects when the invocation itself failed. */
export type InvokeSqsFunction = (event: SQSEvent) => Promise<SQSBatchResponse | undefined | null>;

export interface SqsEventSource {
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  /** `ReportBatchItemFailures`: only the listed messages are retried, the rest are deleted. */
  reportBatchItemFailures: boolean;
  invoke: InvokeSqsFunction;
  onError?: (error: unknown) => void;
}

/** Outcome of one poll, for logs and tests. */
export interface PollResult {
  received: number;
  deleted: number;
  retried: number;
}

/**
 * A local stand-in for Lambda's SQS event source mapping: long-polls the queue, invokes the function
 * with the real SQS event shape, deletes what succeeded and leaves the rest to reappear after the
 * visibility timeout, so the queue's own redrive policy moves poison messages to the DLQ.
 */
export class SqsPoller {
  #running = false;
  #loop: Promise<void> | undefined;
  #abort = new AbortController();

  constructor(
    private readonly sqs: SQSClient,
    private readonly source: SqsEventSource,
  ) {}

  /** Receives one batch (waiting up to `waitSeconds`) and settles it. */
  async pollOnce(waitSeconds = 0): Promise<PollResult> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.source.queueUrl,
        MaxNumberOfMessages: this.source.batchSize,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.#abort.signal },
    );
    if (Messages.length === 0) return { received: 0, deleted: 0, retried: 0 };
    const records = Messages.map((message) => toRecord(message, this.source));
    const failed = await this.#invoke(records);
    const done = Messages.filter((m) => m.MessageId && !failed.has(m.MessageId));
    if (done.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.source.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    return { received: Messages.length, deleted: done.length, retried: Messages.length - done.length };
  }

  /** Polls until `stop()`; errors are reported and polling goes on, as Lambda's poller does. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        try {
          await this.pollOnce(1);
        } catch (error) {
          if (!this.#running) break;
          this.source.onError?.(error);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#abort.abort();
    await this.#loop;
  }

  /** Message ids to leave on the queue: all of them when the invocation failed. */
  async #invoke(records: SQSRecord[]): Promise<Set<string>> {
    const all = new Set(records.map((r) => r.messageId));
    try {
      const response = await this.source.invoke({ Records: records });
      if (!this.source.reportBatchItemFailures) return new Set();
      const failures = response?.batchItemFailures ?? [];
      // Lambda treats an unknown or empty identifier as a failure of the whole batch.
      if (failures.some((f) => !f.itemIdentifier || !all.has(f.itemIdentifier))) return all;
      return new Set(failures.map((f) => f.itemIdentifier));
    } catch (error) {
      this.source.onError?.(error);
      return all;
    }
  }
}

function toRecord(message: Message, source: SqsEventSource): SQSRecord {
  const attributes = message.Attributes ?? {};
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
            : {}),
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
  return record;
}
