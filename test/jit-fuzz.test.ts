// The JIT fuzzer: random blocks made of the implemented instruction forms (the
// register forms of test/cpu/gen.mjs that do not end a block, each with the
// flag-writing neighbour it may have; half of them SSE/AVX forms, on random MXCSR
// states), straight-line or looping three times,
// each followed by SETcc of the 16 conditions, run by test/cpu/harness.c on
// random states under xos interpreted and with every block translated at its
// first run: the two runs must agree register for register, flag for flag and
// byte for byte (the interpreter is the reference: it passes the CPU tester).
//
//   XOS_JIT_FUZZ=N (blocks, default 300)  XOS_JIT_FUZZ_SEED=S (default 1)  for longer runs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cachePath, repoRoot } from './lib/root.js';
import { hasCommand } from './lib/build-c.js';
import { hostFlags, hostVendor } from './lib/host-cpu.js';
import { runXos } from './lib/run.js';
import { buildHarness } from './lib/cpu-harness.js';

const BLOCKS = Number(process.env.XOS_JIT_FUZZ) || 300;
const SEED = Number(process.env.XOS_JIT_FUZZ_SEED) || 1;
const STATES = 16;
const CHAIN = 16 * 7; // bytes of the SETcc chain at the end of a JIT-mode line

function prng(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}
const hex2 = (n: number) => n.toString(16).padStart(2, '0');
function le32(v: number): string { return [0, 8, 16, 24].map((k) => hex2((v >>> k) & 0xff)).join(''); }

test('JIT fuzzer: random blocks, translated vs interpreted', { skip: !hasCommand('gcc') && 'gcc not found', timeout: 900_000 }, async (t) => {
  const gen = await import(pathToFileURL(join(repoRoot, 'test', 'cpu', 'gen.mjs')).href);
  // register forms that do not end a block (JIT mode gives them the SETcc chain: "post"), with no
  // register or memory the line fixes; their bytes without the chain
  const { lines } = gen.generate({ seed: SEED, per: 2, states: 1, hostFlags, vendor: hostVendor, jit: true });
  // (the SSE/AVX forms, "mx": their own list, so that they make half of a block whatever their number)
  const pieces: string[] = [], ssePieces: string[] = [];
  for (const l of lines as string[]) {
    const [code, , , ...toks] = l.split(' ');
    const sse = toks.length === 3 && toks[1] === 'mx';
    if (toks.length !== (sse ? 3 : 2) || toks[0] !== 'nomem' || !toks[toks.length - 1].startsWith('post')) continue;
    (sse ? ssePieces : pieces).push(code.slice(0, code.length - 2 * CHAIN));
  }
  assert.ok(pieces.length > 200, `only ${pieces.length} forms to build blocks from`);
  assert.ok(ssePieces.length > 200, `only ${ssePieces.length} SSE/AVX forms to build blocks from`);
  const R = prng(SEED);
  const COUNTER = gen.DATA + 0xe00; // a loop's count
  const chain = (start: number): string => {
    let out = '';
    for (let i = 0; i < 16; i++) {
      const at = gen.CODE + start + out.length / 2;
      out += `0f${hex2(0x90 + i)}05${le32(gen.DATA + gen.SETCC_AREA + i - (at + 7))}`;
    }
    return out;
  };
  const blocks: string[] = [];
  while (blocks.length < BLOCKS) {
    let body = '';
    const n = 2 + Math.floor(R() * 6);
    for (let i = 0; i < n; i++) {
      const from = R() < 0.5 ? pieces : ssePieces;
      body += from[Math.floor(R() * from.length)];
    }
    let code: string;
    if (R() < 0.4) {
      // three times round, the count in memory no form can reach (a form may move RSP):
      // mov dword [rip -> COUNTER], 3; BODY; dec dword [rip -> COUNTER]; jnz BODY
      const len = body.length / 2;
      const movDisp = COUNTER - (gen.CODE + 10), decDisp = COUNTER - (gen.CODE + 10 + len + 6);
      const back = -(len + 6 + 2);
      if (back < -128) continue;
      code = 'c705' + le32(movDisp) + '03000000' + body + 'ff0d' + le32(decDisp) + '75' + hex2(back & 0xff);
    } else code = body;
    if (code.length / 2 + CHAIN > 250) continue;
    blocks.push(`${code}${chain(code.length / 2)} 0 ${STATES} nomem mx post`);
  }
  const harness = await buildHarness();
  const list = join(cachePath('cpu'), `jit-fuzz-${process.pid}.txt`);
  writeFileSync(list, blocks.join('\n') + '\n');
  try {
    const run = (env: Record<string, string>) => runXos([harness, list, String(SEED), '-h'], { timeoutMs: 900_000, hostEnv: env });
    const [interp, jit] = await Promise.all([
      run({ XOS_JIT: '0' }),
      run({ XOS_JIT: '1', XOS_JIT_HOT: '1', XOS_JIT_SYNC: '1' }),
    ]);
    assert.equal(interp.status, 0, `the interpreted run failed:\n${interp.stderr}`);
    assert.equal(jit.status, 0, `the translated run failed:\n${jit.stderr}`);
    // (one hash line per block; the values of approximating forms on lines of their own, " ~ ")
    const hashes = (o: Buffer) => o.toString().split('\n').filter((l) => l && !l.includes(' ~ ') && !l.includes(' ~x '));
    const a = hashes(interp.stdout), b = hashes(jit.stdout);
    assert.equal(a.length, blocks.length, 'the interpreted run printed a line per block');
    const bad = blocks.filter((_, i) => a[i] !== b[i]);
    if (!bad.length) assert.equal(interp.stdout.toString(), jit.stdout.toString(), 'the approximations printed differ');
    t.diagnostic(`${blocks.length} blocks of ${pieces.length} integer and ${ssePieces.length} SSE/AVX forms, ${STATES} states each, seed ${SEED}`);
    if (bad.length) {
      // the first differing block state by state, both ways
      const one = join(cachePath('cpu'), `jit-fuzz-one-${process.pid}.txt`);
      writeFileSync(one, bad[0] + '\n');
      const show = async (env: Record<string, string>) =>
        (await runXos([harness, one, String(SEED)], { timeoutMs: 300_000, hostEnv: env })).stdout.toString();
      const [x, y] = [await show({ XOS_JIT: '0' }), await show({ XOS_JIT: '1', XOS_JIT_HOT: '1', XOS_JIT_SYNC: '1' })];
      rmSync(one, { force: true });
      assert.fail(`${bad.length} of ${blocks.length} blocks differ translated; the first:\n${bad[0]}\n` +
        `interpreted:\n${x.slice(0, 3000)}\ntranslated:\n${y.slice(0, 3000)}`);
    }
  } finally {
    rmSync(list, { force: true });
  }
});
