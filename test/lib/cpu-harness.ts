// test/cpu/harness.c built static into the cache (keyed by its source and gcc's version): the
// differential CPU tester's runner, also the JIT fuzzer's (test/jit-fuzz.test.ts).
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cachePath, repoRoot } from './root.js';

const execFileP = promisify(execFile);

export async function buildHarness(): Promise<string> {
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
