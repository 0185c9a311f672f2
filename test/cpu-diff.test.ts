// Differential CPU test: test/cpu/harness.c runs single instructions on random
// machine states; the same static binary runs natively (the host CPU) and under
// xos (the emulated CPU), and the outputs must be identical. The test list comes
// from the instruction table (test/cpu/gen.mjs) with a fixed seed.
//
// Every implemented form, in every operand size (and register and memory form),
// runs on --per lines (different registers, addressing modes, immediates) of
// --count random states each: 200 states per form and size by default. The
// harness prints one hash per line (-h); the list is split into shards that run
// under xos concurrently. A line whose hash differs is run again alone with
// per-state output on both sides to show the first differing state.
//
//   npm test                                  (200 states per form variant; LOCK #UD lines: 4)
//   npm run test:cpu -- --count 8 --per 4 --seed 7 --filter 'shld|shrd'
//     --count N   random states per line      --per N  lines per form/size/reg-or-mem variant
//     --seed N    generator and harness seed  --filter REGEX  only table rows matching
//     --jobs N    xos processes at once (default: the host's parallelism)
//     --mxcsr-flags 0   ignore the MXCSR exception flags (compared by default)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { availableParallelism } from 'node:os';
import { cachePath, repoRoot } from './lib/root.js';
import { hasCommand } from './lib/build-c.js';
import { hostFlags, hostVendor, hostIsAmd } from './lib/host-cpu.js';
import { runXos } from './lib/run.js';
import { buildHarness } from './lib/cpu-harness.js';

const execFileP = promisify(execFile);

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : process.env[`XOS_CPU_${name.slice(2).toUpperCase()}`] ?? dflt;
}
const COUNT = Number(arg('--count', '100'));
const PER = Number(arg('--per', '2'));
const JOBS = Number(arg('--jobs', String(Math.max(1, availableParallelism()))));
const SEED = Number(arg('--seed', '1'));
const FILTER = arg('--filter', '');
const MXCSR_FLAGS = arg('--mxcsr-flags', '1') !== '0'; // compare the MXCSR exception flags


function disasm(hex: string): string {
  if (!hasCommand('objdump')) return '';
  const file = join(cachePath('cpu'), `insn-${process.pid}.bin`);
  writeFileSync(file, Buffer.from(hex, 'hex'));
  try {
    const out = execFileSync('objdump', ['-D', '-b', 'binary', '-mi386:x86-64', file]).toString();
    return out.split('\n').filter((l) => /^\s*[0-9a-f]+:\t/.test(l)).map((l) => l.split('\t').slice(2).join(' ').trim()).join('; ');
  } catch {
    return '';
  } finally {
    rmSync(file, { force: true });
  }
}

// The x87 transcendentals (F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS FSINCOS:
// "approx" lines) print their stack registers, compared here within a bound
// rather than bit for bit. Intel documents an error below 1 ulp of the 64-bit
// significand for them (SDM vol. 1, 8.3.10 "Transcendental Instruction
// Accuracy"); xos computes them in double precision (core/ops/x87.ts): the reduced
// argument and the result are each rounded to a double, and V8's Math functions
// add their own error, so the bound is 2^15 ulps of the 64-bit significand, 16 ulps
// of a double (measured differences reach about 7).
const ULP_BOUND = 1n << 15n;
function ordinal(t: string): { sign: number; ord: bigint } | null {
  const se = parseInt(t.slice(0, 4), 16), m = BigInt('0x' + t.slice(4));
  const e = se & 0x7fff;
  if (e === 0x7fff) return null; // infinities and NaNs: exact only
  const frac = m & ((1n << 63n) - 1n);
  return { sign: se >> 15, ord: (m >> 63n) ? (BigInt(Math.max(e, 1)) << 63n) + frac : m };
}
export function near(a: string, b: string): boolean {
  if (a === b) return true;
  const x = ordinal(a), y = ordinal(b);
  if (!x || !y) return false;
  const d = x.sign === y.sign ? x.ord - y.ord : x.ord + y.ord; // (across zero: both tiny)
  return (d < 0n ? -d : d) <= ULP_BOUND;
}
// RCP and RSQRT approximate: SDM vol. 2 bounds their relative error by 1.5 * 2^-12;
// xos computes the exact value rounded, so the two may differ by that much (the "~x"
// lines: 32-bit lanes).
function nearRcp(a: string, b: string): boolean {
  if (a === b) return true;
  const x = parseInt(a, 16), y = parseInt(b, 16);
  if ((x ^ y) >>> 31 || ((x >>> 23) & 0xff) === 0xff || ((y >>> 23) & 0xff) === 0xff) return false; // sign, inf/NaN: exact
  // a result near FLT_MIN: the hardware flushes its approximation to 0 when that falls below FLT_MIN
  if (((x & 0x7fffffff) === 0 && (y >>> 23 & 0xff) === 1) || ((y & 0x7fffffff) === 0 && (x >>> 23 & 0xff) === 1)) return true;
  const f = (u: number) => new Float32Array(new Uint32Array([u]).buffer)[0];
  const fx = f(x), fy = f(y);
  return Math.abs(fx - fy) <= (1.5 * 2 ** -12 + 2 ** -22) * Math.abs(fx); // (+ xos's own rounding)
}
// One record per list line: the approx lines of its states, then its hash.
function records(out: string[]): { approx: string[]; hash: string }[] {
  const recs: { approx: string[]; hash: string }[] = [];
  let approx: string[] = [];
  for (const l of out) {
    if (!l) continue;
    if (l.includes(' ~ ') || l.includes(' ~x ')) { approx.push(l); continue; }
    recs.push({ approx, hash: l });
    approx = [];
  }
  return recs;
}
function approxDiffers(a: string[], b: string[]): string | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = (a[i] ?? '').split(' '), y = (b[i] ?? '').split(' ');
    const ok = x[1] === '~x' ? (v: string, w: string) => nearRcp(w, v) : near;
    if (x[0] !== y[0] || x.length !== y.length || x.some((v, j) => j >= 2 && !ok(v, y[j]))) {
      return `  native: ${a[i] ?? '(missing)'}\n  xos:    ${b[i] ?? '(missing)'}`;
    }
  }
  return null;
}

// How xos runs the harness: interpreted, or with every block translated at its first run.
const INTERPRETED = { XOS_JIT: '0' };
const TRANSLATED = { XOS_JIT: '1', XOS_JIT_HOT: '1', XOS_JIT_SYNC: '1' };
let hostEnv: Record<string, string> = INTERPRETED;

// Runs `harness list seed mode` natively and under xos; returns both outputs' lines.
async function runBoth(harness: string, list: string, mode: string): Promise<{ a: string[]; b: string[]; status: number; stderr: string }> {
  const native = await execFileP(harness, [list, String(SEED), mode].filter(Boolean), { maxBuffer: 1 << 30 });
  const xos = await runXos([harness, list, String(SEED), mode].filter(Boolean), { timeoutMs: 900_000, hostEnv });
  return { a: native.stdout.split('\n'), b: xos.stdout.toString().split('\n'), status: xos.status, stderr: xos.stderr.toString() };
}

// The first state where the two sides differ on one line, with its input.
async function explain(harness: string, entry: string): Promise<string> {
  const hex = entry.split(' ')[0];
  const one = join(cachePath('cpu'), `one-${process.pid}.txt`);
  writeFileSync(one, entry + '\n');
  try {
    const { a, b } = await runBoth(harness, one, '');
    // (approx lines: stack registers within the bound count as equal)
    const same = (x: string | undefined, y: string | undefined) => x === y || (!!x && !!y && entry.includes(' approx') &&
      x.split(' ').length === y.split(' ').length &&
      x.split(' ').every((f, j) => { const g = y.split(' ')[j]; return f === g || (/^st[0-7]=/.test(f) && f.slice(0, 4) === g.slice(0, 4) && near(f.slice(4), g.slice(4))); }));
    let i = 0;
    while (i < Math.max(a.length, b.length) && same(a[i], b[i])) i++;
    const k = (a[i] ?? b[i] ?? '').split(/[# ]/)[1];
    const inputs = execFileSync(harness, [one, String(SEED), '-v'], { maxBuffer: 1 << 30 }).toString().split('\n').filter((l) => l.startsWith(`${hex}#${k} in:`));
    return `${hex}  ${disasm(hex)}\n  list:   ${entry}\n  native: ${a[i] ?? '(missing)'}\n  xos:    ${b[i] ?? '(missing: xos output ends here)'}` +
      (inputs.length ? `\n  input:  ${inputs[0].replace(/^\S+ in: /, '').replace(/ y[0-9a-f]h=\S+/g, '')}` : '');
  } finally {
    rmSync(one, { force: true });
  }
}

// The whole list natively and under xos, interpreted or (jit) translated: each form then
// runs inside a block with neighbours that write and read the flags (test/cpu/gen.mjs).
async function differential(t: { diagnostic(s: string): void }, jit: boolean): Promise<void> {
  hostEnv = jit ? TRANSLATED : INTERPRETED;
  const gen = await import(pathToFileURL(join(repoRoot, 'test', 'cpu', 'gen.mjs')).href);
  const { lines, stats } = gen.generate({
    seed: SEED, per: PER, states: COUNT, filter: FILTER ? new RegExp(FILTER) : null, mxcsrFlagsToo: MXCSR_FLAGS,
    hostFlags, vendor: hostVendor, jit,
  });
  // (an AMD host: the forms whose behaviour differs by vendor, and how they are compared)
  if (hostIsAmd) for (const [what, why] of gen.AMD_DIFFERENCES) t.diagnostic(`AMD host, ${what}: ${why}`);
  const harness = await buildHarness();
  // shards of about equal work, interleaved so that slow and fast forms mix
  const nShards = Math.max(1, Math.min(JOBS * 2, Math.ceil(lines.length / 200)));
  const shards: string[][] = Array.from({ length: nShards }, () => []);
  lines.forEach((l: string, i: number) => shards[i % nShards].push(l));
  const files = shards.map((sh, i) => {
    const f = join(cachePath('cpu'), `list-${process.pid}-${i}.txt`);
    writeFileSync(f, sh.join('\n') + '\n');
    return f;
  });
  try {
    const results: Awaited<ReturnType<typeof runBoth>>[] = new Array(nShards);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(JOBS, nShards) }, async () => {
      while (next < nShards) { const i = next++; results[i] = await runBoth(harness, files[i], '-h'); }
    }));
    const bad: string[] = [];
    const failures: string[] = [];
    const problems: string[] = [];
    results.forEach((r, s) => {
      const a = records(r.a), b = records(r.b);
      for (let i = 0; i < a.length; i++) {
        if (a[i].hash !== b[i]?.hash) { bad.push(shards[s][i]); continue; }
        const why = approxDiffers(a[i].approx, b[i].approx);
        if (why) {
          bad.push(shards[s][i]);
          if (problems.length < 8) problems.push(`${shards[s][i].split(' ')[0]}  ${disasm(shards[s][i].split(' ')[0])} (beyond ${ULP_BOUND} ulps)\n  list:   ${shards[s][i]}\n${why}`);
        }
      }
      if (r.status !== 0 || b.length !== a.length) failures.push(`shard ${s}: exit status ${r.status}, ${b.length} of ${a.length} lines` + (r.stderr ? `\nxos stderr:\n${r.stderr.slice(-2000)}` : ''));
    });
    const seen = new Set<string>();
    for (const entry of bad) {
      if (problems.length >= 8) break;
      const hex = entry.split(' ')[0];
      if (seen.has(hex) || problems.some((p) => p.startsWith(hex + ' '))) continue;
      seen.add(hex);
      problems.push(await explain(harness, entry));
    }
    const states = lines.reduce((n: number, l: string) => n + Number(l.split(' ')[2]), 0);
    const summary = `${stats.tested} of ${stats.implemented} implemented forms, ${lines.length} lines, ${states} states`;
    t.diagnostic(summary);
    if (problems.length || failures.length) {
      assert.fail(`xos differs from the host CPU (${summary}; ${bad.length} differing lines):\n\n` +
        [...problems, ...failures].join('\n\n') +
        (bad.length > problems.length ? `\n\nall differing lines:\n${bad.map((l) => `${l.split(' ')[0]}  ${disasm(l.split(' ')[0])}`).join('\n')}` : ''));
    }
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
}

const skip = !hasCommand('gcc') && 'gcc not found';
test('CPU: single instructions on random states, native vs xos', { skip, timeout: 900_000 }, (t) => differential(t, false));
test('CPU: each instruction translated in a block, native vs xos (JIT)', { skip, timeout: 900_000 }, (t) => differential(t, true));
