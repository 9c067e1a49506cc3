/**
 * A small deterministic generator for tests that build data (no Math.random: a test must see the
 * same data every run). A linear congruential generator: numbers in [0, 1).
 */
export function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0
    return s / 4_294_967_296
  }
}
