/** A repeatable pseudo-random source for generated test cases: `random(n)` is an integer in [0, n). */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}
