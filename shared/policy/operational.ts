import { fixed, untilTermination } from './rules.ts';
import type { OperationalRecordDeclaration } from './types.ts';

// Records the project itself keeps to run and to prove what it did. None holds personal data, so
// none is a category of SPEC §1; their retention is still declared here, as every retention is.
// The one exception is a queued capture: a user-operation record in transit to its category.

export const operational = {
  'deletion-receipt': {
    name: 'Deletion receipt',
    // Three years: long enough to answer an audit of a termination or erasure after the fact.
    reason: 'evidence for audits that a termination or erasure was carried out; holds no personal data',
    storage: 's3',
    rule: fixed(1095),
  },
  'function-logs': {
    name: 'Function logs',
    reason: 'operating and troubleshooting the functions; logs carry no personal data by design',
    storage: 'logs',
    rule: fixed(30),
  },
  'dead-letters': {
    name: 'Queue messages that could not be processed (termination hooks, statistics jobs)',
    reason: 'time for an operator to inspect and redrive a poison message; messages hold only ids and times',
    storage: 'sqs',
    rule: fixed(14),
  },
  'directory-deletion-marker': {
    name: 'Marker of a deleted application',
    reason:
      'only its id, creation and deletion time, so an event that arrives late cannot re-create the deleted application and the statistics of the days before stay exact',
    storage: 'dynamodb',
    rule: fixed(30),
  },
  'legal-hold': {
    name: 'Legal hold on a tenant’s data, and its release',
    reason:
      'evidence of why data was kept past its deadline: the categories held, a case reference, who placed and released the hold and when; no personal data; kept from its release',
    storage: 'dynamodb',
    rule: fixed(1095),
  },
  'idempotency-key': {
    name: 'Idempotency key of an application event',
    reason:
      'the event id, its type and time and a hash of its content, so a resent event is recognised (the application itself is kept as application data)',
    storage: 'dynamodb',
    rule: untilTermination,
  },
  'reconciliation-status': {
    name: 'Status of a reconciliation of stored data with a changed policy',
    reason:
      'shows operators that a changed policy governs the data already stored: the versions, the changed rules, counts and times; no record ids, no personal data',
    storage: 'dynamodb',
    rule: fixed(1095),
  },
  'reconciliation-receipt': {
    name: 'Receipt of a reconciliation of stored data with a changed policy',
    // As long as the deletion receipts: the evidence an audit asks for after the fact.
    reason:
      'evidence for audits that stored data was brought under a changed policy: the versions, the changed rules and per-category counts; holds no personal data',
    storage: 's3',
    rule: fixed(1095),
  },
  'log-export': {
    name: 'Export of a tenant’s log (NDJSON or CSV in S3)',
    // A copy made to be downloaded: kept only long enough to fetch it, then deleted by the sweep.
    reason:
      'a copy of log records the tenant asked to download (the records of its own logs, as stored); deleted with the tenant’s or user’s data on termination and erasure',
    storage: 's3',
    rule: fixed(7),
  },
  'log-read': {
    name: 'Audit record of a read of a tenant’s logs (a query page or an export request)',
    // A quarter: long enough for the tenant's and the operator's reviews of who read the logs.
    reason:
      'evidence of each read of the logs: the tenant, the log, which filters were used with their non-personal values (type, result, category, country, time window), how many records were returned, and when; no user id, account id, IP address, container or request id, so termination and erasure leave it to its own deadline',
    storage: 'dynamodb',
    rule: fixed(90),
  },
  'sweep-status': {
    name: 'Status of a run of the expiry sweep',
    reason: 'shows operators that deadlines are kept (counts and times only, no record ids)',
    storage: 'dynamodb',
    rule: fixed(90),
  },
  'queued-capture': {
    name: 'Capture handed over by the Cognito trigger (capture queue and its dead-letter queue)',
    // Short: the consumer stores it within seconds; a poison message waits this long for an operator.
    reason:
      'a sign-in or sign-up the trigger could not store within its time bound, until the consumer stores it as a user-operation record; holds only that record (user id, time, and client IP and country where the user pool opts in)',
    storage: 'sqs',
    rule: fixed(4),
  },
  's3-leftovers': {
    name: 'Incomplete multipart uploads and noncurrent object versions',
    reason: 'never useful; removed as soon as S3 lifecycle allows',
    storage: 's3',
    rule: fixed(1),
  },
} as const satisfies Readonly<Record<string, OperationalRecordDeclaration>>;
