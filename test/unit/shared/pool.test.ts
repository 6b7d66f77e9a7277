import { describe, expect, it } from 'vitest';
import { pool } from '#shared/pool';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('pool', () => {
  it('runs every index once, never more than `concurrency` at a time', async () => {
    const seen: number[] = [];
    let running = 0;
    let most = 0;
    await pool(50, 4, async (i) => {
      running++;
      most = Math.max(most, running);
      await tick();
      seen.push(i);
      running--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(most).toBe(4);
  });

  it('resolves at once for no work', async () => {
    let calls = 0;
    await pool(0, 8, async () => {
      calls++;
    });
    expect(calls).toBe(0);
  });

  it('starts no new work after a failure and rejects with the first error', async () => {
    const started: number[] = [];
    const failure = pool(100, 2, async (i) => {
      started.push(i);
      await tick();
      if (i === 3) throw new Error('first');
      if (i === 4) throw new Error('second');
    });
    await expect(failure).rejects.toThrow('first');
    await new Promise((r) => setTimeout(r, 20));
    expect(Math.max(...started)).toBeLessThanOrEqual(5);
  });
});
