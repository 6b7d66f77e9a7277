import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const { generateApiKey, hashApiKey, keyedHash, secretsEqual } = await import('#shared/auth/api-keys');

describe('API keys and secrets', () => {
  it('issues keys of 256 random bits and stores only their SHA-256 hash', () => {
    const { apiKey, keyHash } = generateApiKey();
    expect(apiKey).toMatch(/^cdl_[\w-]{43}$/);
    expect(keyHash).toBe(crypto.createHash('sha256').update(apiKey).digest('hex'));
    expect(keyHash).not.toContain(apiKey.slice(4, 12));
    expect(generateApiKey().apiKey).not.toBe(apiKey);
    expect(hashApiKey(apiKey)).toBe(keyHash);
  });

  it('compares secrets with timingSafeEqual over fixed-length digests, whatever their lengths', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    expect(secretsEqual('operator-key', 'operator-key')).toBe(true);
    expect(secretsEqual('operator-key', 'operator-kez')).toBe(false);
    expect(secretsEqual('operator-key', 'o')).toBe(false);
    expect(secretsEqual('', 'operator-key')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(4);
    for (const [a, b] of spy.mock.calls) expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
  });

  it('hashes a q-token with a key, so the stored form reveals nothing without it', () => {
    const stored = keyedHash('q-token-value', 'key-1');
    expect(stored).toMatch(/^hmac-sha256:[\w-]{43}$/);
    expect(stored).not.toContain('q-token-value');
    expect(keyedHash('q-token-value', 'key-2')).not.toBe(stored);
  });
});
