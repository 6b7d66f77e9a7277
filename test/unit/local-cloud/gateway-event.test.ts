import { describe, expect, it } from 'vitest';
import { decodedPath, eventBody, eventHeaders, gatewayAnswer } from '#local/gateway-event';

describe('the payload 2.0 event of the local gateway', () => {
  it('passes a UTF-8 JSON body on as text, unparsed', () => {
    expect(eventBody(Buffer.from('"{\\"id\\":1}"'), 'application/json; charset=utf-8')).toEqual({
      body: '"{\\"id\\":1}"',
      isBase64Encoded: false,
    });
  });

  it('passes a body that is not UTF-8 on as its exact bytes, base64-encoded', () => {
    const bytes = Buffer.from([0x7b, 0xc3, 0x28, 0x7d]);
    expect(eventBody(bytes, 'application/json')).toEqual({
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });
  });

  it('base64-encodes every body whose type is not textual, and has no body for an empty one', () => {
    expect(eventBody(Buffer.from('a=1'), 'application/x-www-form-urlencoded').isBase64Encoded).toBe(true);
    expect(eventBody(Buffer.from('{}'), undefined).isBase64Encoded).toBe(true);
    expect(eventBody(Buffer.alloc(0), 'application/json')).toEqual({});
  });

  it('combines duplicate headers with commas under lower-case names', () => {
    expect(eventHeaders(['Authorization', 'Bearer a', 'X-One', '1', 'authorization', 'Bearer b'])).toEqual({
      authorization: 'Bearer a,Bearer b',
      'x-one': '1',
    });
  });

  it('decodes the path, leaving a bad percent-encoding as sent', () => {
    expect(decodedPath('/v1/users/a%20b')).toBe('/v1/users/a b');
    expect(decodedPath('/v1/users/%zz')).toBe('/v1/users/%zz');
  });
});

describe("the local gateway's reading of a function's result", () => {
  it('takes statusCode, headers, cookies and a base64 body', () => {
    const answer = gatewayAnswer({
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain' },
      cookies: ['a=1'],
      body: Buffer.from('hi').toString('base64'),
      isBase64Encoded: true,
    });
    expect(answer).toEqual({
      status: 201,
      headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1'] },
      body: Buffer.from('hi'),
    });
  });

  it('answers a result without statusCode as a 200 JSON body, and a bad statusCode as 500', () => {
    expect(gatewayAnswer({ ok: true })).toMatchObject({ status: 200, body: Buffer.from('{"ok":true}') });
    expect(gatewayAnswer({ statusCode: 'x' }).status).toBe(500);
  });
});
