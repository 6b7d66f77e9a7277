import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { badRequest, payloadTooLarge, unsupportedMediaType } from './problem.ts';

// A request body read as text, for the routes whose body is not one JSON document (Auth0's JSON
// lines): the same refusals as readJsonBody for coding, size and UTF-8, the parsing left to the caller.

const utf8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /\p{Cs}/u;

/** The body as text, or the problem that says why it is not acceptable (415, 413, 400). */
export function readTextBody(
  event: APIGatewayProxyEventV2,
  options: { maxBytes: number; mediaTypes: readonly string[] },
): string {
  const encoding = (event.headers?.['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    throw unsupportedMediaType(
      `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not accepted; send the body uncompressed.`,
    );
  }
  const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!options.mediaTypes.includes(contentType)) {
    throw unsupportedMediaType(
      `Content-Type must be one of ${options.mediaTypes.join(', ')}, not "${contentType.slice(0, 60) || '(none)'}".`,
    );
  }
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');
  if (raw.byteLength > options.maxBytes) {
    throw payloadTooLarge(`The body has ${raw.byteLength} bytes; the limit is ${options.maxBytes} bytes.`);
  }
  if (raw.byteLength === 0) throw badRequest('The request body is empty.');
  try {
    return utf8.decode(raw);
  } catch (error) {
    throw badRequest(
      'The body is not valid UTF-8.',
      { issues: [{ pointer: '', detail: 'invalid UTF-8' }] },
      { cause: error },
    );
  }
}

/** Whether parsed JSON holds a lone UTF-16 surrogate (`"\ud800"`) in a key or string: no character. */
export function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(holdsLoneSurrogate);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([key, v]) => LONE_SURROGATE.test(key) || holdsLoneSurrogate(v));
  return false;
}
