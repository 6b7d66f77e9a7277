import { GetQueueUrlCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A queue known by name; its URL is looked up once per container (the same in AWS and locally). */
export class NamedQueue {
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

  /** Sends messages in batches of ten; throws if any message was not accepted. */
  async sendAll(bodies: readonly object[]): Promise<void> {
    const QueueUrl = await this.url();
    for (let i = 0; i < bodies.length; i += 10) {
      const entries = bodies
        .slice(i, i + 10)
        .map((body, n) => ({ Id: String(n), MessageBody: JSON.stringify(body) }));
      const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
      if (out.Failed?.length)
        throw new Error(
          `${out.Failed.length} message(s) not accepted by ${this.name}: ${out.Failed[0]?.Message}`,
        );
    }
  }
}
