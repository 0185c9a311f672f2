// Differential test of core/f80.ts against the host's x87: the same requests
// go to test/f80/native.c (real FPU) and test/f80/harness.ts (compiled to
// wasm), and results plus status flags must be identical.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The repository root: above this file (dist/test/f80), else above the
// working directory (when compiled to a scratch directory).
function findRoot(): string {
  for (let dir of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (;;) {
      const pkg = join(dir, "package.json");
      if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "xos") return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error("repository root (package.json named xos) not found");
}

const root = findRoot();
const src = {
  lib: join(root, "core/f80.ts"),
  harness: join(root, "test/f80/harness.ts"),
  native: join(root, "test/f80/native.c"),
};
const hash = createHash("sha256");
for (const f of Object.values(src)) hash.update(readFileSync(f));
const cache = join(tmpdir(), "xos-f80", hash.digest("hex").slice(0, 16));
mkdirSync(cache, { recursive: true });
const nativeBin = join(cache, "native");
const wasmFile = join(cache, "harness.wasm");
if (!existsSync(nativeBin)) {
  execFileSync("gcc", ["-O2", "-Wall", "-o", nativeBin + ".tmp", src.native], { stdio: "inherit" });
  renameSync(nativeBin + ".tmp", nativeBin);
}
if (!existsSync(wasmFile)) {
  execFileSync(join(root, "node_modules/.bin/asc"),
    [src.harness, "-O3", "--runtime", "stub", "-o", wasmFile + ".tmp.wasm"],
    { stdio: "inherit", cwd: root });
  renameSync(wasmFile + ".tmp.wasm", wasmFile);
}

interface Harness {
  run(op: number, pc: number, rc: number, ase: number, am: bigint, bse: number, bm: bigint): number;
  res_se: WebAssembly.Global;
  res_m: WebAssembly.Global;
  res_se2: WebAssembly.Global;
  res_m2: WebAssembly.Global;
}
const wasm = await WebAssembly.instantiate(readFileSync(wasmFile), {
  env: { abort: () => { throw new Error("wasm abort"); } },
});
const h = wasm.instance.exports as unknown as Harness;

// Operation codes shared with harness.ts and native.c.
const enum Kind { Binary, Unary, FromF64, FromF32, FromI64, NoPc }
interface Op { name: string; code: number; kind: Kind; }
const OPS: Op[] = [
  { name: "fadd", code: 0, kind: Kind.Binary },
  { name: "fsub", code: 1, kind: Kind.Binary },
  { name: "fmul", code: 2, kind: Kind.Binary },
  { name: "fdiv", code: 3, kind: Kind.Binary },
  { name: "fsqrt", code: 4, kind: Kind.Unary },
  { name: "fcom", code: 5, kind: Kind.Binary },
  { name: "fucom", code: 6, kind: Kind.Binary },
  { name: "fld m64", code: 7, kind: Kind.FromF64 },
  { name: "fld m32", code: 8, kind: Kind.FromF32 },
  { name: "fst m64", code: 9, kind: Kind.Unary },
  { name: "fst m32", code: 10, kind: Kind.Unary },
  { name: "fild m64", code: 11, kind: Kind.FromI64 },
  { name: "fist m16", code: 12, kind: Kind.Unary },
  { name: "fist m32", code: 13, kind: Kind.Unary },
  { name: "fist m64", code: 14, kind: Kind.Unary },
  { name: "fisttp m16", code: 15, kind: Kind.Unary },
  { name: "fisttp m32", code: 16, kind: Kind.Unary },
  { name: "fisttp m64", code: 17, kind: Kind.Unary },
  { name: "frndint", code: 18, kind: Kind.Unary },
  { name: "fscale", code: 19, kind: Kind.Binary },
  { name: "fxtract", code: 20, kind: Kind.Unary },
  { name: "fprem", code: 21, kind: Kind.Binary },
  { name: "fprem1", code: 22, kind: Kind.Binary },
];
const ONLY = process.env.F80_OPS?.split(",");

// Status bits compared: IE DE ZE OE UE PE, C1; C0 C2 C3 for FPREM.
const FLAGS = 0x023f;
const PREM_FLAGS = FLAGS | 0x4500;

// xorshift64*, fixed seed: the inputs are the same on every run unless
// F80_SEED asks for another set (for fuzzing).
let state = BigInt(process.env.F80_SEED ?? "0x9e3779b97f4a7c15") || 1n;
const M64 = (1n << 64n) - 1n;
function rand64(): bigint {
  state ^= state >> 12n;
  state ^= (state << 25n) & M64;
  state ^= state >> 27n;
  return (state * 0x2545f4914f6cdd1dn) & M64;
}
function randInt(n: number): number {
  return Number(rand64() % BigInt(n));
}

type F80 = [number, bigint];
const I = 1n << 63n;
const ONES = M64;
const special: F80[] = [
  [0, 0n], [0x8000, 0n],
  [0, 1n], [0x8000, 1n], [0, 0x7fffffffffffffffn], [0x8000, 0x4000000000000000n], [0, 0x123456789abcdefn],
  [0, I], [0x8000, I | 1n], // pseudo-denormals
  [1, I], [0x8001, I], [1, ONES], [2, I], [0x7ffe, ONES], [0xfffe, ONES], [0x7ffe, I], [0x7ffd, ONES],
  [0x7fff, I], [0xffff, I],
  [0x7fff, 0xc000000000000000n], [0xffff, 0xc000000000000001n], [0x7fff, 0xe000000000000000n],
  [0x7fff, 0x8000000000000001n], [0xffff, 0xa000000000000000n], [0x7fff, 0xbfffffffffffffffn],
  [0xffff, 0xc000000000000000n], [0xffff, 0x8000000000000001n], [0x7fff, 0xa000000000000000n],
  [0x3fff, I], [0xbfff, I], [0x4000, I], [0x3fff, 0xc000000000000000n], [0x4000, 0xc000000000000000n],
  [0x3ffe, I], [0x3ffd, 0xc000000000000000n], [0xbffe, 0xc000000000000000n],
  [0x403e, I], [0x403e, ONES], [0xc03e, I], [0xc03e, I | 1n], [0x403d, ONES], [0x403f, I],
  [0x401d, ONES], [0x401e, I], [0xc01e, I], [0xc01e, I | (1n << 32n)], [0x400e, I], [0xc00e, I | (1n << 47n)],
  [0x400d, 0xfffe000000000000n], [0x400e, 0xffff000000000000n], [0x401d, 0xffffffff00000000n],
  // Halfway and near-halfway for 24, 53 and 64 bits.
  [0x3fff, I | (1n << 39n)], [0x3fff, I | (3n << 39n)], [0x3fff, I | (1n << 39n) | 1n], [0xbfff, I | (1n << 39n)],
  [0x3fff, I | (1n << 10n)], [0x3fff, I | (3n << 10n)], [0x3fff, I | (1n << 10n) | 1n], [0xbfff, I | (3n << 10n)],
  [0x3fff, I | 1n], [0x3fff, ONES], [0x3fff, 0xffffff8000000000n], [0x3fff, 0xfffffffffffffc00n],
  // 0.5, 1.5, 2.5 and friends for rounding to integers.
  [0x3ffe, I], [0x3fff, 0xc000000000000000n], [0x4000, 0xa000000000000000n], [0xc000, 0xa000000000000000n],
  [0x3ffe, I | 1n], [0x3ffd, ONES],
  // f64 and f32 range limits.
  [0x3fff + 1023, ONES], [0x3fff + 1023, 0xfffffffffffff800n], [0x3fff + 1023, 0xfffffffffffffc00n], [0x3fff + 1024, I],
  [0x3fff - 1022, I], [0x3fff - 1023, I], [0x3fff - 1023, ONES], [0x3fff - 1074, I], [0x3fff - 1075, I],
  [0x3fff - 1075, I | 1n], [0x3fff - 1076, I], [0xbfff - 1074, 0xc000000000000000n], [0x3fff - 1050, 0xabcdef0123456789n],
  [0x3fff + 127, ONES], [0x3fff + 127, 0xffffff0000000000n], [0x3fff + 127, 0xffffff8000000000n], [0x3fff + 128, I],
  [0x3fff - 126, I], [0x3fff - 127, ONES], [0x3fff - 149, I], [0x3fff - 150, I], [0x3fff - 150, I | 1n],
  [0xbfff - 140, 0xabcdef0123456789n],
  // Unsupported encodings: unnormals, pseudo-infinity, pseudo-NaN.
  [0x3fff, 0x4000000000000000n], [0x0001, 0x7fffffffffffffffn], [0x7fff, 0n], [0x7fff, 0x4000000000000001n],
];

function randF80(): F80 {
  const sign = randInt(2) ? 0x8000 : 0;
  let m = rand64();
  switch (randInt(8)) {
    case 0: return [sign, m >> BigInt(randInt(64))]; // denormal
    case 1: return [sign | (1 + randInt(80)), m | I]; // tiny normal
    case 2: return [sign | (0x7ffe - randInt(80)), m | I]; // huge
    case 3: m = (m | I) & ~((1n << BigInt(randInt(64))) - 1n); break; // short significand
    default: m |= I;
  }
  return [sign | (0x3fff - 70 + randInt(140)), m];
}

// A second operand close to `a`, so additions cancel and divisions are near 1.
function near(a: F80): F80 {
  const sign = (randInt(2) ? 0x8000 : 0) ^ (a[0] & 0x8000);
  const e = Math.min(0x7ffe, Math.max(1, (a[0] & 0x7fff) + randInt(9) - 4 + (randInt(8) === 0 ? 64 : 0)));
  let m = a[1];
  switch (randInt(3)) {
    case 0: m = (m ^ (rand64() >> BigInt(randInt(64)))) | I; break;
    case 1: m = (m + BigInt(randInt(5)) - 2n) & M64; break;
    default: m = rand64() | I;
  }
  return [sign | e, m];
}

interface Case { op: Op; pc: number; rc: number; a: F80; b: F80; }

function casesFor(op: Op): Case[] {
  // Every op runs under every precision control, also those that must ignore it.
  const pcs = [0, 2, 3];
  const out: Case[] = [];
  const add = (a: F80, b: F80) => {
    for (const pc of pcs) for (let rc = 0; rc < 4; rc++) out.push({ op, pc, rc, a, b });
  };
  const zero: F80 = [0, 0n];
  switch (op.kind) {
    case Kind.Binary: {
      for (let i = 0; i < special.length; i += 2)
        for (let j = i % 3; j < special.length; j += 3) add(special[i]!, special[j]!);
      // Every pair of NaNs: which one propagates depends on both.
      const nans = special.filter(([se, m]) => (se & 0x7fff) === 0x7fff && (m << 1n & M64) !== 0n && m >= I);
      for (const a of nans) for (const b of nans) add(a, b);
      for (let i = 0; i < 150; i++) { const a = randF80(); add(a, randF80()); add(a, near(a)); }
      if (op.code === 19) { // fscale: small integer scale factors
        for (let i = 0; i < 100; i++)
          add(randF80(), [(randInt(2) ? 0x8000 : 0) | (0x3fff + randInt(16)), rand64() | I]);
      }
      break;
    }
    case Kind.Unary: {
      for (const a of special) add(a, zero);
      for (let i = 0; i < 300; i++) add(randF80(), zero);
      for (let i = 0; i < 200; i++) { // moderate magnitudes for integer conversions
        add([(randInt(2) ? 0x8000 : 0) | (0x3fff - 2 + randInt(68)), rand64() | I], zero);
      }
      break;
    }
    case Kind.FromF64: {
      const v = [0n, 1n << 63n, 1n, 0xfffffffffffffn, 0x10000000000000n, 0x7fefffffffffffffn, 0x7ff0000000000000n,
        0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n, 0xfff4000000000000n, 0x3ff0000000000000n,
        0x800123456789abcdn];
      for (let i = 0; i < 300; i++) v.push(rand64() >> BigInt(randInt(3) === 0 ? 12 : 0));
      for (const x of v) add([0, x], zero);
      break;
    }
    case Kind.FromF32: {
      const v = [0n, 0x80000000n, 1n, 0x7fffffn, 0x800000n, 0x7f7fffffn, 0x7f800000n, 0xff800000n, 0x7fc00000n,
        0x7f800001n, 0xffa00000n, 0x3f800000n, 0x80012345n];
      for (let i = 0; i < 300; i++) v.push((rand64() & 0xffffffffn) >> BigInt(randInt(3) === 0 ? 9 : 0));
      for (const x of v) add([0, x], zero);
      break;
    }
    case Kind.FromI64: {
      const v = [0n, 1n, M64, 1n << 63n, (1n << 63n) - 1n, 1n << 62n, 12345n];
      for (let i = 0; i < 300; i++) v.push(rand64() >> BigInt(randInt(64)));
      for (const x of v) add([0, x], zero);
      break;
    }
  }
  return out;
}

const hex = (x: number | bigint) => x.toString(16);
const fmt = (v: F80) => `${hex(v[0]).padStart(4, "0")}:${hex(v[1]).padStart(16, "0")}`;

function runNative(cases: Case[]): string[] {
  const input = cases.map(c => [c.op.code, c.pc, c.rc, c.a[0], c.a[1], c.b[0], c.b[1]].map(hex).join(" ")).join("\n") + "\n";
  const out = execFileSync(nativeBin, { input, maxBuffer: 1 << 28 }).toString().trim().split("\n");
  assert.equal(out.length, cases.length, "native output line count");
  return out;
}

function runWasm(c: Case): string {
  const st = h.run(c.op.code, c.pc, c.rc, c.a[0], c.a[1], c.b[0], c.b[1]);
  const u64 = (g: WebAssembly.Global) => BigInt.asUintN(64, g.value as bigint);
  return [h.res_se.value, u64(h.res_m), h.res_se2.value, u64(h.res_m2), st >>> 0].map(hex).join(" ");
}

function compare(native: string, emu: string, mask: number): boolean {
  const n = native.split(" "), e = emu.split(" ");
  for (let i = 0; i < 4; i++) if (BigInt("0x" + n[i]) !== BigInt("0x" + e[i])) return false;
  return (parseInt(n[4]!, 16) & mask) === (parseInt(e[4]!, 16) & mask);
}

for (const op of OPS) {
  if (ONLY && !ONLY.includes(op.name)) continue;
  test(`${op.name} matches the host x87`, () => {
    const cases = casesFor(op);
    const native = runNative(cases);
    const mask = op.code >= 21 ? PREM_FLAGS : FLAGS;
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const emu = runWasm(c);
      if (!compare(native[i]!, emu, mask)) {
        failures.push(`${op.name} pc=${c.pc} rc=${c.rc} a=${fmt(c.a)} b=${fmt(c.b)}\n` +
          `    x87: ${native[i]}\n    f80: ${emu}   (se m se2 m2 status)`);
      }
    });
    if (failures.length) {
      assert.fail(`${failures.length}/${cases.length} cases differ from the x87:\n` +
        failures.slice(0, 15).join("\n"));
    }
  });
}
