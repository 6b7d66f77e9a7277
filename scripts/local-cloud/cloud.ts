import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';

/** SDK clients pointed at the local emulators, configured as the functions configure theirs. */
export function localClients(endpoints: { dynamodbEndpoint: string; awsEndpoint: string }) {
  const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  return {
    dynamodb: new DynamoDBClient({ ...base, endpoint: endpoints.dynamodbEndpoint }),
    s3: new S3Client({ ...base, endpoint: endpoints.awsEndpoint, forcePathStyle: true }),
    sqs: new SQSClient({ ...base, endpoint: endpoints.awsEndpoint }),
  };
}

/** The environment a function needs to reach the local cloud through the standard SDK variables. */
export function localFunctionEnv(endpoints: { dynamodbEndpoint: string; awsEndpoint: string }) {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodbEndpoint,
    AWS_ENDPOINT_URL_S3: endpoints.awsEndpoint,
    AWS_ENDPOINT_URL_SQS: endpoints.awsEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
  };
}
