import { request } from 'node:http';
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

/** Sends one request exactly as given (repeated header lines included) and reads the answer. */
export function sendRaw(base: string, raw: RawHttpRequest): Promise<RawHttpResponse> {
  const { hostname, port } = new URL(base);
  const headers = raw.headers.flat();
  if (raw.body) headers.push('Content-Length', String(raw.body.byteLength));
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, method: raw.method, path: raw.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}
