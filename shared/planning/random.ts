/**
 * A small seeded pseudo-random generator for the planner (never `Math.random`): the same seed
 * gives the same sequence on every machine, so a plan can be reproduced.
 *
 * SFC32 (Chris Doty-Humphrey's "small fast chaotic" generator, from PractRand), seeded through
 * SplitMix32 so that close seeds (1, 2, 3…) give unrelated streams. 32-bit integer arithmetic
 * only (`Math.imul`, `>>>`), which JavaScript computes exactly.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let state = Math.trunc(seed) >>> 0;
    const splitMix = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitMix();
    this.b = splitMix();
    this.c = splitMix();
    this.d = splitMix();
    for (let i = 0; i < 12; i += 1) this.uint32();
  }

  /** A uniform integer in [0, 2³²). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** A uniform integer in [0, n) (n ≥ 1). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles the first `length` items of a list in place (Fisher–Yates). */
  shuffle(list: { [index: number]: number }, length: number): void {
    for (let i = length - 1; i > 0; i -= 1) {
      const j = this.int(i + 1);
      const item = list[i] as number;
      list[i] = list[j] as number;
      list[j] = item;
    }
  }
}
