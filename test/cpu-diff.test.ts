// Differential CPU test: test/cpu/harness.c runs single instructions on random
// machine states; the same static binary runs natively (the host CPU) and under
// xos (the emulated CPU), and the outputs must be identical. The test list comes
// from the instruction table (test/cpu/gen.mjs) with a fixed seed.
//
//   npm test                                  (bounded: ~1 line per form variant)
//   npm run test:cpu -- --count 8 --per 4 --seed 7 --filter 'shld|shrd'
//     --count N   random states per line      --per N  lines per form/size/reg-or-mem variant
//     --seed N    generator and harness seed  --filter REGEX  only table rows matching
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { cachePath, repoRoot } from './lib/root.js';
import { hasCommand } from './lib/build-c.js';
import { runXos } from './lib/run.js';

const execFileP = promisify(execFile);

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : process.env[`XOS_CPU_${name.slice(2).toUpperCase()}`] ?? dflt;
}
const COUNT = Number(arg('--count', '2'));
const PER = Number(arg('--per', '1'));
const SEED = Number(arg('--seed', '1'));
const FILTER = arg('--filter', '');

async function buildHarness(): Promise<string> {
  const src = join(repoRoot, 'test', 'cpu', 'harness.c');
  const version = execFileSync('gcc', ['--version']).toString();
  const hash = createHash('sha256').update(readFileSync(src)).update(version).digest('hex').slice(0, 16);
  const out = join(cachePath('cpu'), `harness-${hash}`);
  if (existsSync(out)) return out;
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await execFileP('gcc', ['-O2', '-static', '-o', tmp, src]);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  return out;
}

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

test('CPU: single instructions on random states, native vs xos', { skip: !hasCommand('gcc') && 'gcc not found', timeout: 600_000 }, async () => {
  const gen = await import(pathToFileURL(join(repoRoot, 'test', 'cpu', 'gen.mjs')).href);
  const { lines, stats } = gen.generate({ seed: SEED, per: PER, states: COUNT, filter: FILTER ? new RegExp(FILTER) : null });
  const harness = await buildHarness();
  const list = join(cachePath('cpu'), `list-${process.pid}.txt`);
  writeFileSync(list, lines.join('\n') + '\n');
  try {
    const native = await execFileP(harness, [list, String(SEED)], { maxBuffer: 1 << 30 });
    const xos = await runXos([harness, list, String(SEED)], { timeoutMs: 900_000 });
    const a = native.stdout.split('\n');
    const b = xos.stdout.toString().split('\n');
    const byHex = new Map<string, string>();
    for (const l of lines) byHex.set(l.split(' ')[0], l);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < Math.max(a.length, b.length) && seen.size < 8; i++) {
      if (a[i] === b[i]) continue;
      const hex = (a[i] ?? b[i] ?? '').split('#')[0];
      if (seen.has(hex)) continue;
      seen.add(hex);
      const entry = byHex.get(hex) ?? hex;
      const one = join(cachePath('cpu'), `one-${process.pid}.txt`);
      writeFileSync(one, entry + '\n');
      const k = (a[i] ?? '').split(/[# ]/)[1];
      const inputs = execFileSync(harness, [one, String(SEED), '-v']).toString().split('\n').filter((l) => l.startsWith(`${hex}#${k} in:`));
      rmSync(one, { force: true });
      problems.push(
        `${hex}  ${disasm(hex)}\n  list:   ${entry}\n  native: ${a[i] ?? '(missing)'}\n  xos:    ${b[i] ?? '(missing: xos output ends here)'}` +
        (inputs.length ? `\n  input:  ${inputs[0].replace(/^\S+ in: /, '').replace(/ y[0-9a-f]h=\S+/g, '')}` : ''),
      );
      if (b[i] === undefined) break;
    }
    const diffCount = a.reduce((n, l, i) => n + (l !== b[i] ? 1 : 0), 0);
    const summary = `${stats.tested} of ${stats.implemented} implemented forms, ${lines.length} lines, ${a.length - 1} states`;
    if (problems.length || xos.status !== 0) {
      assert.fail(`xos differs from the host CPU (${summary}; ${diffCount} differing states; exit status ${xos.status}):\n\n` +
        problems.join('\n\n') + (xos.stderr.length ? `\n\nxos stderr:\n${xos.stderr.toString().slice(-2000)}` : ''));
    }
  } finally {
    rmSync(list, { force: true });
  }
});
