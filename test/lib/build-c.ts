// Compiles test/c/NAME.c into static executables, with glibc (gcc -static)
// and with musl (musl-gcc -static), into the cache directory.  Outputs are
// keyed by a hash of the source, the compiler's version and the flags, so a
// rerun finds them and builds nothing.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { cachePath, cSourceDir } from './root.js';

const execFileP = promisify(execFile);

export type Libc = 'glibc' | 'musl';
export const LIBCS: readonly Libc[] = ['glibc', 'musl'];

const COMPILER: Record<Libc, string> = { glibc: 'gcc', musl: 'musl-gcc' };
export const DEFAULT_CFLAGS: readonly string[] = ['-O2', '-static'];

/** True if `cmd` is an executable file somewhere on $PATH. */
export function hasCommand(cmd: string): boolean {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return true;
  }
  return false;
}

/** The reason to skip a test for `libc`, or false if its compiler is there. */
export function skipReason(libc: Libc): string | false {
  const cc = COMPILER[libc];
  if (hasCommand(cc)) return false;
  return libc === 'musl'
    ? 'musl-gcc not found (install musl-tools) - musl variants skipped'
    : 'gcc not found - glibc variants skipped';
}

const versions = new Map<string, Promise<string>>();
function compilerVersion(cc: string): Promise<string> {
  let v = versions.get(cc);
  if (!v) {
    // musl-gcc is a wrapper around gcc with a specs file; the wrapper's text
    // and gcc's version together identify it.
    v = execFileP(cc, ['--version']).then((r) => r.stdout);
    versions.set(cc, v);
  }
  return v;
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Builds test/c/NAME.c for `libc` and returns the executable's path.
 * Extra flags (e.g. defines) go after the defaults and into the cache key.
 */
export function buildC(name: string, libc: Libc, extraFlags: readonly string[] = []): Promise<string> {
  const key = `${name}|${libc}|${extraFlags.join(' ')}`;
  let p = inFlight.get(key);
  if (!p) {
    p = build(name, libc, extraFlags);
    inFlight.set(key, p);
  }
  return p;
}

async function build(name: string, libc: Libc, extraFlags: readonly string[]): Promise<string> {
  const cc = COMPILER[libc];
  const src = join(cSourceDir, `${name}.c`);
  const flags = [...DEFAULT_CFLAGS, ...extraFlags];
  const hash = createHash('sha256')
    .update(readFileSync(src))
    .update('\0' + cc + '\0' + flags.join('\0') + '\0')
    // Debug information names the source by path: a binary built from another checkout's
    // copy of the same file points gdb at a file that may be gone.
    .update(flags.includes('-g') ? src + '\0' : '')
    .update(await compilerVersion(cc))
    .digest('hex')
    .slice(0, 16);
  const out = join(cachePath('bin', libc), `${name}-${hash}`);
  if (existsSync(out)) return out;
  // Build under a unique name and rename: test files run in parallel
  // processes and may build the same program at once.
  const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await execFileP(cc, [...flags, '-o', tmp, src, '-lm'], { maxBuffer: 16 << 20 });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cc} failed to build ${src}:\n${err.stderr || err.message}`);
  }
  return out;
}
