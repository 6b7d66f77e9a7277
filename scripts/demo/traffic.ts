// A month of realistic CIAM traffic for one tenant, deterministic for a seed: registrations that
// grow over time, daily logins with a weekday rhythm, failed logins, SMS and e-mail messages,
// applications, and a few account deletions. Used by `npm run seed` and by the statistics tests.

const DAY_MS = 86_400_000;
const COUNTRIES = ['DE', 'DE', 'DE', 'FR', 'FR', 'GB', 'US', 'US', 'SG', 'JP', 'BR', 'IN'];

/** A small, fast, seedable PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type DemoRecord = Record<string, unknown> & { id: string; type: string; occurredAt: string };

/**
 * Records for the `days` UTC days ending with `lastDay` (yyyy-mm-dd), in time order. Every record
 * is valid for capture; ids are unique.
 */
export function demoTraffic(lastDay: string, days: number, seed = 7): DemoRecord[] {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)] as T;
  const ip = () => `198.51.100.${1 + Math.floor(rnd() * 250)}`;
  const start = Date.parse(`${lastDay}T00:00:00Z`) - (days - 1) * DAY_MS;
  const users: Array<{ id: string; country: string }> = [];
  const deleted = new Set<string>();
  const records: DemoRecord[] = [];
  let serial = 0;
  // Within a day: registrations in the morning, sign-ins and messages later, deletions at its end.
  const at = (day: number, from = 0.3, to = 0.95) =>
    new Date(start + day * DAY_MS + Math.floor((from + rnd() * (to - from)) * DAY_MS)).toISOString();
  const add = (type: string, occurredAt: string, fields: Record<string, unknown>) =>
    records.push({ id: `demo-${seed}-${++serial}`, type, occurredAt, ...fields });

  for (let day = 0; day < days; day++) {
    const weekday = new Date(start + day * DAY_MS).getUTCDay();
    const busy = weekday === 0 || weekday === 6 ? 0.6 : 1;
    for (let i = 0, n = Math.round((3 + day / 4) * busy + rnd() * 3); i < n; i++) {
      const user = { id: `user-${users.length + 1}`, country: pick(COUNTRIES) };
      users.push(user);
      add('user.registered', at(day, 0, 0.3), { userId: user.id, clientIp: ip(), country: user.country });
      add('message.email_sent', at(day, 0, 0.3), { userId: user.id });
    }
    if (rnd() < 0.3)
      add('user.registration_failed', at(day), {
        userId: `user-x${day}`,
        clientIp: ip(),
        country: pick(COUNTRIES),
      });
    const active = users.filter((u) => !deleted.has(u.id));
    for (let i = 0, n = Math.round(active.length * 0.35 * busy); i < n && active.length > 0; i++) {
      const user = pick(active);
      // Now and then a user signs in from abroad; their last known location moves.
      const country = rnd() < 0.05 ? pick(COUNTRIES) : user.country;
      user.country = country;
      if (rnd() < 0.12) add('user.login_failed', at(day), { userId: user.id, clientIp: ip(), country });
      add('user.login', at(day), { userId: user.id, clientIp: ip(), country });
      if (rnd() < 0.2) add('message.sms_sent', at(day), { userId: user.id });
    }
    if (rnd() < 0.25 && active.length > 10) {
      const user = pick(active);
      deleted.add(user.id);
      add('user.deleted', at(day, 0.96, 1), { userId: user.id });
    }
    if (day % 6 === 0)
      add('app.created', at(day, 0, 0.3), { appId: `app-${day}`, appType: pick(['web', 'native', 'm2m']) });
    if (day === days - 3) add('app.deleted', at(day), { appId: 'app-0' });
  }
  return records.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
}
