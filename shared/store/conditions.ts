import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** Whether a DynamoDB write was refused by its condition (by class, or by name across SDK copies). */
export const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

/** Whether a transaction was cancelled (one of its conditions failed, or it conflicted with another). */
export const isTransactionCancelled = (error: unknown) =>
  (error as Error).name === 'TransactionCanceledException';
