// Where things are: the repository root (found by walking up from this file
// to the package.json named "xos", so it works from test/lib and from the
// compiled dist/test/lib alike) and the cache directory for compiled test
// programs and downloaded packages, which lives outside the clone.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'xos') return dir;
      } catch {
        // not JSON we understand: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json named "xos" above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The repository root (the directory holding package.json named "xos"). */
export const repoRoot: string = findRepoRoot();

/** `bin/xos.js`, the command-line entry point. */
export const xosCli: string = join(repoRoot, 'bin', 'xos.js');

/** The public API module, built by tools/build.mjs. */
export const apiModule: string = join(repoRoot, 'dist', 'src', 'api', 'index.js');

/** C sources of the differential test programs (not copied into dist/). */
export const cSourceDir: string = join(repoRoot, 'test', 'c');

/** Cache for compiled programs and packages: $XOS_TEST_CACHE or ~/.cache/xos-test. */
export const cacheDir: string = resolve(process.env.XOS_TEST_CACHE || join(homedir(), '.cache', 'xos-test'));

/** A sub-directory of the cache, created if needed. */
export function cachePath(...parts: string[]): string {
  const p = join(cacheDir, ...parts);
  mkdirSync(p, { recursive: true });
  return p;
}

/**
 * The directory given to xos as the guest's root (`--root`, `root:`).  The
 * tests pass host paths (the cache directory, /tmp) as guest paths, so this
 * is the host's / unless $XOS_TEST_ROOT says otherwise.
 */
export const guestRoot: string = process.env.XOS_TEST_ROOT || '/';

/** Milliseconds allowed for one run under xos (the emulator is slower than native). */
export const xosTimeoutMs: number = Number(process.env.XOS_TEST_TIMEOUT_MS) || 180_000;
