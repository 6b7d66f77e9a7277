import { describe, expect, it } from 'vitest';
import { readJsonBody } from '#http/body';
import { apiEvent } from '#test/api-events';

const read = (body: string) =>
  readJsonBody(
    apiEvent({ method: 'POST', route: '/v1/events', headers: { 'content-type': 'application/json' }, body }),
  );

describe('readJsonBody: characters', () => {
  it('accepts a surrogate pair written as escapes (one character), and an escaped backslash before "ud800"', () => {
    expect(read('{"userId":"\\ud83d\\ude00"}')).toEqual({ userId: '😀' });
    expect(read('{"userId":"\\\\ud800"}')).toEqual({ userId: '\\ud800' });
  });

  it.each([
    ['in a value', '{"userId":"x\\ud800"}'],
    ['low, in a value', '{"userId":"\\udc00x"}'],
    ['in a key', '{"\\ud800":1}'],
    ['upper-case escape', '{"userId":"\\uD83D"}'],
  ])('refuses a lone surrogate %s with a 400', (_, body) => {
    expect(() => read(body)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('readJsonBody: content coding', () => {
  const withEncoding = (encoding: string) =>
    readJsonBody(
      apiEvent({
        method: 'POST',
        route: '/v1/events',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: '{"id":"a"}',
      }),
    );

  it.each(['br', 'gzip', 'deflate', 'identity, gzip'])(
    'refuses Content-Encoding %s with a 415',
    (encoding) => {
      expect(() => withEncoding(encoding)).toThrow(expect.objectContaining({ status: 415 }));
    },
  );

  it('reads a body sent with Content-Encoding: identity', () => {
    expect(withEncoding('identity')).toEqual({ id: 'a' });
  });
});
