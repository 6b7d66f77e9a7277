// The shapes of ids the API issues or accepts, checked the same way at every edge (HTTP and queues).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A tenant id as the tenants API issues it (a random UUID, lower case). */
export const isTenantId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** An end-user id as capture accepts it: 1 to 128 characters, no control character (U+0000 to U+001F), no lone surrogate. */
export const isUserId = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length >= 1 &&
  value.length <= 128 &&
  !/\p{Cs}/u.test(value) &&
  [...value].every((c) => (c.codePointAt(0) ?? 0) >= 0x20);
