import type { BenchCloud } from './cloud.ts';
import type { Figure, Sizes } from './sizes.ts';
export async function terminationRate(_b: BenchCloud, _s: Sizes): Promise<Figure[]> {
  return [];
}
