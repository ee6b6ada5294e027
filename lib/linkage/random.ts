import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded PRNG (pure-rand's xoroshiro128+) with values in [0, 1): same seed, same sequence. Client-safe. */
export function seededRandom(seed: number): () => number {
  const rng = xoroshiro128plus(seed | 0);
  return () => uniformFloat64(rng);
}
