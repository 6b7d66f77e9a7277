import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JavaMissingError, startEmulators } from '#local/emulators';

describe('starting the local cloud without Java', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('stops before starting anything and says what to install', async () => {
    process.env.PATH = mkdtempSync(join(tmpdir(), 'no-java-'));
    const started = startEmulators();
    await expect(started).rejects.toBeInstanceOf(JavaMissingError);
    await expect(started).rejects.toThrow(/apt-get install -y openjdk-17-jre-headless/);
  });
});
