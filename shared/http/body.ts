import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { badRequest, payloadTooLarge, unsupportedMediaType } from './problem.ts';

// Fatal: a byte sequence that is not UTF-8 is refused, never silently replaced by U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /\p{Cs}/u;
const MAY_ESCAPE_SURROGATE = /\\u[dD][89a-fA-F]/;

/** Documented request body limit of every JSON route (100 records of a few KB each fit easily). */
export const MAX_BODY_BYTES = 256 * 1024;

/** The request's JSON body, or the problem that says why it is not acceptable (415, 413, 400). */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes = MAX_BODY_BYTES): unknown {
  // API Gateway passes a body on as it came, compressed or not; nothing here inflates it, so any
  // coding but identity is refused rather than read as if it were plain JSON.
  const encoding = (event.headers?.['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    throw unsupportedMediaType(
      `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not accepted; send the JSON body uncompressed.`,
    );
  }
  const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(contentType)) {
    throw unsupportedMediaType(`Content-Type must be application/json, not "${contentType || '(none)'}".`);
  }
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');
  if (raw.byteLength > maxBytes) {
    throw payloadTooLarge(`The body has ${raw.byteLength} bytes; the limit is ${maxBytes} bytes.`);
  }
  if (raw.byteLength === 0) throw badRequest('The request body is empty; a JSON document is required.');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch (error) {
    throw badRequest(
      'The body is not valid UTF-8.',
      { issues: [{ pointer: '', detail: 'invalid UTF-8' }] },
      { cause: error },
    );
  }
  let surrogate = false;
  let parsed: unknown;
  // Valid UTF-8 holds no surrogate, so one can only come from a `\uD8xx`-style escape: only a body
  // with such an escape pays for walking every key and string.
  const reviver = MAY_ESCAPE_SURROGATE.test(text)
    ? (key: string, value: unknown) => {
        if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value)))
          surrogate = true;
        return value;
      }
    : undefined;
  try {
    parsed = JSON.parse(text, reviver);
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${(error as Error).message}`, {
      issues: [{ pointer: '', detail: 'malformed JSON' }],
    });
  }
  // "\ud800" is valid JSON but no character: it cannot be stored or shown, so it is refused.
  if (surrogate) {
    throw badRequest('The body holds a lone UTF-16 surrogate (such as \\ud800), which is not a character.', {
      issues: [{ pointer: '', detail: 'lone surrogate' }],
    });
  }
  return parsed;
}
