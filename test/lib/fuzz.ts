// What the fuzzers share: a seeded generator (the same seed gives the same
// inputs, so a failure can be replayed), and their command lines.
//
// The drivers (fuzz-machine.ts) run as their own processes, so that what xos
// says on the host's stderr (an "xos: internal error" is a failure) is seen
// by the test that started them. By hand, for longer runs:
//   node dist/test/lib/fuzz-machine.js elf --count 10000 --seed 7
//   node dist/test/lib/fuzz-machine.js insn --count 30000 --seed 7
//   node dist/test/lib/fuzz-syscalls.js --count 200000 --seed 7

// xorshift128+, seeded through splitmix32.
export class Rng {
  private s: Uint32Array;
  constructor(seed: number) {
    this.s = new Uint32Array(4);
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0 || 1;
    }
  }
  // A 32-bit unsigned integer.
  u32(): number {
    const s = this.s;
    let t = s[3];
    const x = s[0];
    s[3] = s[2]; s[2] = s[1]; s[1] = x;
    t ^= t << 11; t ^= t >>> 8;
    s[0] = (t ^ x ^ (x >>> 19)) >>> 0;
    return s[0];
  }
  // An integer in [0, n).
  below(n: number): number { return Math.floor((this.u32() / 2 ** 32) * n); }
  pick<T>(a: readonly T[]): T { return a[this.below(a.length)]; }
  chance(p: number): boolean { return this.u32() / 2 ** 32 < p; }
  bytes(n: number): Uint8Array { return Uint8Array.from({ length: n }, () => this.u32() & 0xff); }
}

export interface FuzzArgs { count: number; seed: number; rest: string[] }

// --count N --seed S [other arguments]
export function fuzzArgs(argv: string[], defaults: { count: number; seed: number }): FuzzArgs {
  const out: FuzzArgs = { ...defaults, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--count') out.count = Number(argv[++i]);
    else if (argv[i] === '--seed') out.seed = Number(argv[++i]);
    else out.rest.push(argv[i]);
  }
  if (!(out.count > 0) || !Number.isInteger(out.seed)) throw new Error(`bad --count or --seed: ${argv.join(' ')}`);
  return out;
}

// The summary a driver prints as its last line: how many inputs ran, and those that failed.
export interface FuzzSummary { what: string; seed: number; tries: number; outcomes: Record<string, number>; failures: string[] }
