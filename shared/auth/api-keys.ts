import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const KEY_PREFIX = 'cdl_';

/** A new tenant API key: 256 random bits, shown once and stored only as its hash. */
export function generateApiKey(): { apiKey: string; keyId: string; keyHash: string } {
  const apiKey = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { apiKey, keyId: randomUUID(), keyHash: hashApiKey(apiKey) };
}

/** The stored form of an API key. A plain SHA-256 suffices: the key has 256 bits of entropy. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** Compares two secrets in time independent of where they differ (and of their lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** A keyed hash for secrets the policy forbids storing raw (the admin log's q-token). */
export function keyedHash(secret: string, key: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(secret).digest('base64url')}`;
}
