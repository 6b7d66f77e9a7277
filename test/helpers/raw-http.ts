import { connect } from 'node:net';
import type { HostileRequest, RawHttpRequest } from './hostile.ts';

/** What came back over the wire. */
export interface RawHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

// A path parameter as a client would write it into a URL: percent-sequences the corpus spells out
// (such as "%zz" or "%C0%AF") go as they are, anything else is percent-encoded.
const inPath = (value: string) =>
  value.includes('%') ? value.replace(/[^\x21-\x7e]/g, encodeURIComponent) : encodeURIComponent(value);

const loneSurrogate = /\p{Surrogate}/u;

/**
 * Whether a corpus request can be written as a URL at all: a URL carries UTF-8 and a lone
 * surrogate has no UTF-8 form, so a path parameter holding one reaches a handler only when it is
 * invoked directly (the handler-level corpus sends those).
 */
export const expressibleOverHttp = (hostile: HostileRequest) =>
  !Object.values(hostile.request.pathParameters ?? {}).some((value) => loneSurrogate.test(value));

/** A corpus request (written for a handler) as the raw HTTP request a client would send. */
export function asRawHttp(hostile: HostileRequest): RawHttpRequest {
  const { request: r, rawBody } = hostile;
  const path = r.route.replace(/\{(\w+)\}/g, (_, name: string) => inPath(r.pathParameters?.[name] ?? ''));
  const query = r.query ? `?${new URLSearchParams(r.query)}` : '';
  const body =
    rawBody ??
    (r.body === undefined
      ? undefined
      : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body)));
  const headers = Object.entries(r.headers ?? {});
  if (typeof r.body === 'object' && !headers.some(([k]) => k.toLowerCase() === 'content-type'))
    headers.push(['content-type', 'application/json']);
  return {
    name: hostile.name,
    method: r.method,
    path: `${path}${query}`,
    headers,
    ...(body ? { body } : {}),
  };
}

/** Sends one request exactly as given, over a raw socket (repeated header lines, any bytes) and reads the answer. */
export function sendRaw(base: string, raw: RawHttpRequest): Promise<RawHttpResponse> {
  const { hostname, port } = new URL(base);
  const lines = [`${raw.method} ${raw.path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close'];
  for (const [name, value] of raw.headers) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${raw.body?.byteLength ?? 0}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = all.subarray(0, split).toString('latin1').split('\r\n');
      const headers: RawHttpResponse['headers'] = {};
      for (const line of headerLines) {
        const at = line.indexOf(':');
        headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      const status = Number(statusLine.split(' ')[1]);
      resolve({ status, headers, text: split < 0 ? '' : all.subarray(split + 4).toString() });
    });
    socket.write(raw.body ? Buffer.concat([head, raw.body]) : head);
  });
}
