import { readFileSync } from 'node:fs';

const LISTEN = '0A';

/** Decodes a /proc/net/tcp{,6} address (little-endian hex words) into its text form. */
function decode(hex: string): string {
  const bytes = (word: string) => (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16));
  if (hex.length === 8) return bytes(hex).join('.');
  const words = (hex.match(/.{8}/g) ?? []).flatMap(bytes);
  const v4mapped = words.slice(0, 10).every((b) => b === 0) && words[10] === 0xff && words[11] === 0xff;
  if (v4mapped) return words.slice(12).join('.');
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((words[2 * i] ?? 0) * 256 + (words[2 * i + 1] ?? 0)).toString(16),
  );
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** The local addresses on which something listens on TCP `port` (IPv4-mapped IPv6 shown as IPv4). */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [address, portHex] = local.split(':');
      if (Number.parseInt(portHex ?? '', 16) === port) found.push(decode(address ?? ''));
    }
  }
  return found;
}
