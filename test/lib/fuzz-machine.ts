// Two fuzzers that run their inputs in one long-lived machine (the Node API),
// jailed in an empty root directory:
//   elf   mutated ELF files (headers, program headers, the first page, or cut short), from a
//         hand-made program and from Debian's busybox
//   insn  random instruction streams (prefixes, opcodes, ModRM, SIB, displacements and immediates
//         in proportions x86 code has, or plain random bytes), with every register pointing into
//         mapped memory
// A failure is an exception out of xos's API, or a machine that no longer runs a known program;
// an "xos: internal error" on stderr is one too (the test that starts this driver counts them).
//   node dist/test/lib/fuzz-machine.js elf|insn [--count N] [--seed S]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng, fuzzArgs, type FuzzSummary } from './fuzz.js';
import { buildElf64, hiExit42Elf } from './elf-writer.js';
import { getBusybox } from './busybox.js';
import { apiModule } from './root.js';

interface RunResult { exitCode: number | null; signal: number | null; stdout: Uint8Array; error?: string; timedOut?: boolean }
interface FileImage { size: number; name: string; read(offset: number, len: number): Uint8Array }
interface Machine {
  run(argv: string[], opts: { timeout?: number; env?: string[] }, image?: FileImage): Promise<RunResult>;
  close(): void;
}

const image = (name: string, b: Uint8Array): FileImage => ({ size: b.length, name, read: (o, n) => b.subarray(o, Math.min(b.length, o + n)) });

// --- ELF mutations ------------------------------------------------------------------------
const INTERESTING = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0xfffn, 0x1000n, 0x7fffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  0x100000000n, 0x7fffffffffffn, 0x800000000000n, 0xffff800000000000n, 0x7fffffffffffffffn, 0xffffffffffffffffn];

function mutateElf(r: Rng, seed: Uint8Array): Uint8Array {
  let b = seed.slice();
  const dv = () => new DataView(b.buffer, b.byteOffset, b.length);
  const phoff = Number(dv().getBigUint64(32, true)), phnum = dv().getUint16(56, true);
  const n = 1 + r.below(6);
  for (let k = 0; k < n; k++) {
    const where = r.below(10);
    let at: number, span: number;
    if (where < 4) { at = 0; span = 64; } else if (where < 8 && phnum) { at = phoff; span = phnum * 56; } else if (where < 9) { at = 0; span = Math.min(4096, b.length); } else { at = 0; span = b.length; }
    const off = Math.min(b.length - 1, at + r.below(Math.max(1, span)));
    switch (r.below(5)) {
      case 0: b[off] = r.u32() & 0xff; break;
      case 1: b[off] ^= 1 << r.below(8); break;
      case 2: case 3: { // an interesting value in a field-sized, field-aligned slot
        const width = r.pick([2, 4, 8]);
        const o = off - (off % width);
        if (o + width > b.length) break;
        const v = BigInt.asUintN(width * 8, r.pick(INTERESTING) + BigInt(r.below(3)) - 1n);
        for (let i = 0; i < width; i++) b[o + i] = Number((v >> BigInt(8 * i)) & 0xffn);
        break;
      }
      default: if (r.chance(0.3)) b = b.slice(0, Math.max(1, r.below(b.length))); // cut short
    }
  }
  return b;
}

// --- instruction streams ----------------------------------------------------------------------
const PREFIXES = [0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x3e, 0x26, 0x64, 0x65, 0x36];

function instruction(r: Rng): number[] {
  const out: number[] = [];
  while (r.chance(0.25)) out.push(r.pick(PREFIXES));
  const vex = r.chance(0.1);
  if (vex) {
    if (r.chance(0.5)) out.push(0xc5, r.u32() & 0xff);
    else out.push(0xc4, (r.u32() & 0xe0) | (1 + r.below(3)), r.u32() & 0xff);
  } else if (r.chance(0.4)) out.push(0x40 | r.below(16)); // REX
  if (!vex && r.chance(0.35)) {
    out.push(0x0f);
    if (r.chance(0.2)) out.push(r.pick([0x38, 0x3a]));
  }
  out.push(r.u32() & 0xff); // opcode
  const modrm = r.u32() & 0xff;
  out.push(modrm);
  if ((modrm & 7) === 4 && modrm >> 6 !== 3) out.push(r.u32() & 0xff); // SIB
  const disp = modrm >> 6 === 1 ? 1 : modrm >> 6 === 2 || (modrm >> 6 === 0 && (modrm & 7) === 5) ? 4 : 0;
  for (let i = 0; i < disp + r.pick([0, 0, 1, 2, 4]); i++) out.push(r.u32() & 0xff); // displacement, immediate
  return out;
}

const DATA = 0x410000; // the writable area after the code (the ELF's bss)

function stream(r: Rng): Uint8Array {
  const code: number[] = [];
  // every general register but rsp points into the data area
  for (let reg = 0; reg < 16; reg++) {
    if (reg === 4) continue;
    const v = DATA + 0x8000 + reg * 0x100;
    code.push(reg >= 8 ? 0x49 : 0x48, 0xb8 + (reg & 7));
    for (let i = 0; i < 8; i++) code.push(Math.floor(v / 2 ** (8 * i)) & 0xff);
  }
  const body: number[] = [];
  const len = 16 + r.below(1024);
  if (r.chance(0.2)) for (let i = 0; i < len; i++) body.push(r.u32() & 0xff);
  else while (body.length < len) body.push(...instruction(r));
  code.push(...body);
  code.push(0xb8, 0xe7, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05); // exit_group(0)
  return Uint8Array.from(code);
}

// --- the driver ------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const [what, ...rest] = process.argv.slice(2);
  if (what !== 'elf' && what !== 'insn') throw new Error('usage: fuzz-machine.js elf|insn [--count N] [--seed S]');
  const { count, seed } = fuzzArgs(rest, { count: what === 'elf' ? 300 : 1000, seed: 1 });
  const { Machine } = (await import(pathToFileURL(apiModule).href)) as { Machine: { create(o: object): Promise<Machine> } };
  const jail = mkdtempSync(join(tmpdir(), 'xos-fuzz-jail-'));
  const m = await Machine.create({ root: jail, memory: '256M', pidsMax: 64 });
  const r = new Rng(seed);
  const seeds = what === 'elf' ? [hiExit42Elf(), new Uint8Array(readFileSync(await getBusybox()))] : [];
  const summary: FuzzSummary = { what, seed, tries: 0, outcomes: {}, failures: [] };
  const count1 = (k: string) => { summary.outcomes[k] = (summary.outcomes[k] ?? 0) + 1; };
  const sane = async (i: number) => {
    const s = await m.run(['hi'], { timeout: 30_000 }, image('hi', hiExit42Elf()));
    if (s.exitCode !== 42 || new TextDecoder().decode(s.stdout) !== 'hi\n') summary.failures.push(`after input ${i}: the machine no longer runs a known program (${JSON.stringify(s)})`);
  };
  try {
    for (let i = 0; i < count; i++) {
      const bytes = what === 'elf' ? mutateElf(r, r.pick(seeds)) : buildElf64({ code: stream(r), bss: 0x10000 });
      summary.tries++;
      try {
        const res = await m.run(['true'], { timeout: 1000 }, image('fuzz', bytes));
        count1(res.error !== undefined ? 'refused' : res.timedOut ? 'timed out' : res.signal !== null ? `signal ${res.signal}` : `exit ${res.exitCode}`);
      } catch (e) {
        summary.failures.push(`input ${i} (seed ${seed}): ${e instanceof Error ? e.stack : String(e)}`);
      }
      if (i % 100 === 99) await sane(i);
    }
    await sane(count);
  } finally {
    m.close();
    rmSync(jail, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.length > 2) {
  main().then(() => process.exit(0), (e) => { process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`); process.exit(1); });
}
