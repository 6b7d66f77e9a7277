import { isIP } from 'node:net';
import isoCodes from 'i18n-iso-countries/codes.json' with { type: 'json' };
import * as v from 'valibot';
import { allowedFields, categoryOf, type RecordType } from '#policy/index';

// The fields each capture type carries (SPEC §2), as valibot leaf schemas keyed as the policy's
// categories list them. Every field here is one the policy allows (checked when this module loads).

// ---------------------------------------------------------------------------------------------
// Leaf schemas. Messages are predicates; the field's path is put in front of them ("userId must …").

export type LeafSchema = v.GenericSchema<unknown, unknown>;

/** A value as a sentence can name it, never echoing more than a short prefix of client input. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${shorten(JSON.stringify(value))}`;
  return `${typeof value} ${shorten(String(value))}`;
}

export function shorten(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function hasNoControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x20) return false;
  }
  return true;
}

const aString = () =>
  v.pipe(
    v.string((issue) => `must be a string, not ${describe(issue.input)}`),
    v.check(hasNoControlCharacters, 'must not contain control characters (U+0000 to U+001F)'),
  );

/** A string of `min`..`max` characters without control characters. */
const text = (max: number, min = 1): LeafSchema =>
  v.pipe(
    aString(),
    v.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters long`),
    v.maxLength(max, `must be at most ${max} characters long`),
  );

/** An IPv4 or IPv6 address; IPv6 zone ids ("%eth0", any length) name a host's interface and are refused. */
const ip: LeafSchema = v.pipe(
  aString(),
  v.check((s) => s.length <= 45 && !s.includes('%') && isIP(s) !== 0, 'must be an IPv4 or IPv6 address'),
);

/**
 * An officially assigned ISO 3166-1 alpha-2 code (the list of the i18n-iso-countries package):
 * reserved codes such as UK (use GB), EU and user-assigned ones such as ZZ name no country. XK
 * (Kosovo), user-assigned but in common use, is accepted as that package lists it. Only the code
 * list is imported: the package's entry point registers every language's country names, which made
 * up 710 KiB of the capture bundle and most of its cold start.
 */
const ALPHA2 = new Set((isoCodes as string[][]).map(([alpha2]) => alpha2));
const country: LeafSchema = v.pipe(
  aString(),
  v.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. DE'),
  v.check(
    (code) => ALPHA2.has(code),
    'must be an assigned ISO 3166-1 alpha-2 country code (UK is GB; EU and ZZ name no country)',
  ),
);

const oneOf = (options: readonly string[]): LeafSchema =>
  v.picklist(options, `must be one of: ${options.join(', ')}`);

const result = oneOf(['success', 'failure']);

const aNumber = () => v.number((issue) => `must be a number, not ${describe(issue.input)}`);

// Bounded ranges every number must lie in before anything is written: DynamoDB holds 38 digits, the
// SDK refuses numbers beyond Number.MAX_SAFE_INTEGER and underflows on tiny ones, so an unbounded
// number would fail mid-batch. The bounds are far above any real report.

/** The largest count a report may carry: the largest whole number DynamoDB and the SDK hold exactly. */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;
/** The largest amount (log storage in GB: a million GB is an exabyte) and its finest step. */
export const MAX_AMOUNT = 1_000_000;
export const AMOUNT_DECIMALS = 3;

const count: LeafSchema = v.pipe(
  aNumber(),
  v.safeInteger('must be a whole number'),
  v.minValue(0, 'must not be negative'),
  v.maxValue(MAX_COUNT, `must be at most ${MAX_COUNT} (2^53 - 1)`),
);

const amount: LeafSchema = v.pipe(
  aNumber(),
  v.finite('must be a finite number'),
  v.minValue(0, 'must not be negative'),
  v.maxValue(MAX_AMOUNT, `must be at most ${MAX_AMOUNT.toLocaleString('en')}`),
  v.check((n) => {
    const step = 10 ** -AMOUNT_DECIMALS;
    return n === 0 || (n >= step && Math.abs(Math.round(n / step) * step - n) < step / 1e6);
  }, `must have at most ${AMOUNT_DECIMALS} decimal places`),
);

// ---------------------------------------------------------------------------------------------
// Record shapes: the fields each type carries (SPEC §2), keyed as the category lists them.

export interface LeafField {
  readonly schema: LeafSchema;
  readonly optional?: boolean;
}
export interface ObjectField {
  readonly shape: Shape;
  readonly optional?: boolean;
}
export type Field = LeafField | ObjectField;
export type Shape = Readonly<Record<string, Field>>;

const req = (schema: LeafSchema): LeafField => ({ schema });
const opt = (schema: LeafSchema): LeafField => ({ schema, optional: true });

const userOperation = (outcomeRequired: boolean): Shape => ({
  userId: req(text(128)),
  clientIp: outcomeRequired ? req(ip) : opt(ip),
  country: outcomeRequired ? req(country) : opt(country),
  result: opt(result),
});

export const SHAPES: Readonly<Record<RecordType, Shape>> = {
  'user.login': userOperation(true),
  'user.login_failed': userOperation(true),
  'user.registered': userOperation(true),
  'user.registration_failed': userOperation(true),
  'user.deleted': userOperation(false),
  'message.sms_sent': userOperation(false),
  'message.email_sent': userOperation(false),
  'admin.action': {
    region: req(text(64)),
    apiVersion: req(text(32)),
    appId: req(text(128)),
    uin: req(text(64)),
    subAccountUin: opt(text(64)),
    clientIp: req(ip),
    requestSource: req(text(64)),
    camContext: { optional: true, shape: { clientIp: opt(ip), qToken: opt(text(4096)) } },
    logRegion: opt(text(64)),
    requestId: req(text(128)),
  },
  'api.invocation': { requestIp: req(ip) },
  'app.created': { appId: req(text(128)), appType: req(text(64)) },
  'app.deleted': { appId: req(text(128)), appType: opt(text(64)) },
  'security.asset': {
    appId: req(text(128)),
    uin: req(text(64)),
    serverId: req(text(128)),
    serverName: opt(text(256)),
    serverIp: opt(ip),
    os: opt(text(128)),
    agentVersion: opt(text(64)),
  },
  'security.container_event': {
    clusterId: opt(text(128)),
    containerId: req(text(128)),
    imageId: opt(text(256)),
    eventType: req(text(64)),
    severity: opt(oneOf(['low', 'medium', 'high', 'critical'])),
    detail: opt(text(4096)),
  },
  'security.business_report': {
    // The closed set comes from the category's `values` (applied to every field that has one).
    reportType: req(text(64)),
    count: req(count),
    purchasedResources: opt(count),
    imageLicences: opt(count),
    logStorageGb: opt(amount),
  },
  'security.product_config': { configKey: req(text(128)), configValue: opt(text(4096, 0)) },
  'security.version': { component: req(text(64)), version: req(text(64)) },
};

/**
 * The shapes of records mapped from a vendor source (SPEC §9): the same fields, but a user
 * operation's `clientIp` and `country` are optional, because Cognito's triggers carry no address
 * and a vendor's address may be a proxy's placeholder or unknown to the IP database. A mapper never
 * writes a placeholder; a client of `POST /v1/events` still sends both (it knows them).
 */
export const SOURCE_SHAPES: Readonly<Record<RecordType, Shape>> = Object.fromEntries(
  Object.entries(SHAPES).map(([type, shape]) => [
    type,
    'clientIp' in shape && 'country' in shape && 'userId' in shape ? userOperation(false) : shape,
  ]),
) as Record<RecordType, Shape>;

export function isObjectField(field: Field): field is ObjectField {
  return 'shape' in field;
}

function pathsOf(shape: Shape, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([key, field]) =>
    isObjectField(field) ? pathsOf(field.shape, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** The fields (dotted paths) a record of `type` may carry; always a subset of its category's allowed fields. */
export function schemaFields(type: RecordType): readonly string[] {
  return pathsOf(SHAPES[type]);
}

// The validator can never store a field the policy does not list: refuse to load otherwise.
for (const type of Object.keys(SHAPES) as RecordType[]) {
  const allowed = allowedFields(categoryOf(type).id);
  const extra = schemaFields(type).filter((path) => !allowed.includes(path));
  if (extra.length > 0) {
    throw new Error(
      `Capture schema of ${type} declares fields the policy does not allow: ${extra.join(', ')}`,
    );
  }
}
