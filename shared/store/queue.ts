import {
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { MessageQueue } from './ports.ts';

/** The longest delay SQS allows on a message. */
export const MAX_DELAY_SECONDS = 900;

/** A queue known by name; its URL is looked up once per container (the same in AWS and locally). */
export class NamedQueue implements MessageQueue {
  #url: Promise<string> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly name: string,
  ) {}

  url(): Promise<string> {
    this.#url ??= this.sqs.send(new GetQueueUrlCommand({ QueueName: this.name })).then((out) => {
      if (!out.QueueUrl) throw new Error(`Queue ${this.name} has no URL`);
      return out.QueueUrl;
    });
    return this.#url;
  }

  /** Sends messages in batches of ten, optionally delayed; throws if any message was not accepted. */
  async sendAll(bodies: readonly object[], delaySeconds = 0): Promise<void> {
    const QueueUrl = await this.url();
    const DelaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds)));
    for (let i = 0; i < bodies.length; i += 10) {
      const entries = bodies
        .slice(i, i + 10)
        .map((body, n) => ({ Id: String(n), MessageBody: JSON.stringify(body), DelaySeconds }));
      const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
      if (out.Failed?.length)
        throw new Error(
          `${out.Failed.length} message(s) not accepted by ${this.name}: ${out.Failed[0]?.Message}`,
        );
    }
  }

  /** Sends a message body exactly as received (a poison message to its dead-letter queue), with why. */
  async sendRaw(body: string, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: await this.url(),
        MessageBody: body,
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) } },
      }),
    );
  }
}
