import * as v from 'valibot';
import { parseTimestamp } from '#shared/timestamp';
import { mapAuth0Admin } from './auth0-admin.ts';
import { parseAuth0Body } from './auth0-body.ts';
import { auth0Rule } from './auth0-types.ts';
import type { AdminAccount } from './config.ts';
import type { CountryLookup } from './country.ts';
import { ID_PREFIX, userLocation } from './ids.ts';
import { appendMapping, captureRecord, emptyMapping, pointerOf, type SourceMapping } from './mapping.ts';
import {
  anyObject,
  anyString,
  arrayInsteadOfObject,
  hasNoControlCharacters,
  isCaptureId,
  objectMessage,
  problemsOf,
  vendorText,
} from './vendor-shapes.ts';

// Auth0's Custom Webhook log stream: each log is {log_id, data: {date, type, user_id, ip, ...}}.
// Auth0 delivers at least once, so `log_id` is the idempotency key. Names, e-mail addresses,
// user agents, descriptions, details and connection names are never copied.

/** What the Auth0 mapper needs beside the logs. */
export interface Auth0Context {
  countries: CountryLookup;
  /** the tenant's account facts for admin-action records; without them Management API logs are ignored */
  adminAccount?: AdminAccount;
}

const nullable = <T extends v.GenericSchema>(schema: T) => v.nullish(schema);

const auth0Log = v.looseObject(
  {
    log_id: vendorText(124),
    data: v.looseObject(
      {
        date: anyString(),
        type: vendorText(64),
        user_id: nullable(anyString()),
        ip: nullable(anyString()),
        client_id: nullable(anyString()),
        strategy: nullable(anyString()),
        location_info: nullable(
          v.looseObject({ country_code: nullable(anyString()) }, objectMessage('must be an object')),
        ),
        details: nullable(anyObject()),
      },
      objectMessage('must be the log event (an object)'),
    ),
  },
  objectMessage('must be a log {log_id, data} of an Auth0 log stream'),
);

export type Auth0Log = v.InferOutput<typeof auth0Log>;

const LOCATED = new Set(['user.login', 'user.login_failed', 'user.registered', 'user.registration_failed']);

function mapLog(input: unknown, index: number, context: Auth0Context): SourceMapping {
  const mapping = emptyMapping();
  const at = pointerOf('', index);
  const notObject = arrayInsteadOfObject(input, at, 'a log {log_id, data} of an Auth0 log stream');
  if (notObject.length > 0) return { ...mapping, problems: notObject };
  const parsed = v.safeParse(auth0Log, input);
  if (!parsed.success) return { ...mapping, problems: problemsOf(parsed.issues, at) };
  const log = parsed.output;
  const id = `${ID_PREFIX.auth0}${log.log_id}`;
  const occurredAt = parseTimestamp(log.data.date);
  const problems = [
    !isCaptureId(id) && { pointer: `${at}/log_id`, detail: 'log_id may only hold A-Za-z0-9._:-' },
    !occurredAt && { pointer: `${at}/data/date`, detail: 'data.date must be an ISO 8601 time with a zone' },
  ].filter((problem) => problem !== false);
  if (problems.length > 0 || !occurredAt) return { ...mapping, problems };

  const rule = auth0Rule(log.data.type);
  if ('ignore' in rule) {
    mapping.ignored.push({ index, reason: rule.ignore });
    return mapping;
  }
  if ('admin' in rule) return mapAuth0Admin(log, id, occurredAt, index, context.adminAccount);
  const strategy = log.data.strategy;
  const type =
    'record' in rule
      ? rule.record
      : strategy === 'sms'
        ? 'message.sms_sent'
        : strategy === 'email'
          ? 'message.email_sent'
          : undefined;
  if (!type) {
    mapping.ignored.push({ index, reason: 'a passwordless code sent neither by SMS nor by e-mail' });
    return mapping;
  }
  const userId = log.data.user_id;
  if (userId && (userId.length > 128 || !hasNoControlCharacters(userId))) {
    return {
      ...mapping,
      problems: [
        {
          pointer: `${at}/data/user_id`,
          detail: 'data.user_id must be at most 128 characters, without control characters',
        },
      ],
    };
  }
  if (!userId) {
    mapping.ignored.push({
      index,
      reason: `the log names no user_id (e.g. an unknown username), and a ${type} record needs one; usernames are not collected`,
    });
    return mapping;
  }
  const location = LOCATED.has(type)
    ? userLocation(log.data.ip, context.countries, log.data.location_info?.country_code)
    : {};
  mapping.records.push(captureRecord(type, id, occurredAt, { userId, ...location }));
  return mapping;
}

/** Maps parsed log-stream logs (an array, or one log) to capture records. */
export function mapAuth0Logs(logs: unknown, context: Auth0Context): SourceMapping {
  const items = Array.isArray(logs) ? logs : [logs];
  const mapping = emptyMapping();
  items.forEach((item, index) => {
    appendMapping(mapping, mapLog(item, index, context));
  });
  return mapping;
}

/** Maps the raw body of a log-stream request (JSON array, JSON lines or one object) to capture records. */
export function mapAuth0LogStream(body: string, context: Auth0Context): SourceMapping {
  const { logs, problems } = parseAuth0Body(body);
  const lineProblems = new Map(problems.map((problem) => [problem.pointer, problem]));
  const mapping: SourceMapping = { ...emptyMapping(), problems: problems.filter((p) => p.pointer === '') };
  logs.forEach((log, index) => {
    const broken = lineProblems.get(`/${index}`);
    if (broken) mapping.problems.push(broken);
    else appendMapping(mapping, mapLog(log, index, context));
  });
  return mapping;
}
