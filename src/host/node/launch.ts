// Starting the `xos` command quickly. The build bundles the CLI into one CommonJS file
// (tools/build-cli.mjs): one file instead of ~130 ES modules to resolve, read and link, and a script
// V8 can keep a code cache for (ES modules cannot have one in Node 20). The cache lives under
// ~/.cache/xos/js ($XOS_CACHE/js when set; XOS_CODE_CACHE=0: none),
// keyed by the bundle's hash and the Node version, checked by a hash of its own: a cache file that
// is corrupt, truncated or for another bundle is ignored and written anew, never run.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const MAGIC = 'XOSJSC01';
const HEADER = MAGIC.length + 64 + 32; // magic, key (hex), sha256 of the V8 data
const KEEP = 8; // cache files kept (worktrees and Node versions side by side), the newest

// The directory of xos's caches (as the busybox root's, src/cli/busybox-root.ts), or undefined when
// there is no home to put it in.
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.XOS_CACHE) return env.XOS_CACHE;
  try {
    return join(homedir(), '.cache', 'xos');
  } catch {
    return undefined;
  }
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

// The V8 data stored for `key` in `dir`, when the file is whole and is for this key.
export function readCodeCache(dir: string, key: string): Buffer | undefined {
  let b: Buffer;
  try {
    b = readFileSync(join(dir, `${key}.jsc`));
  } catch {
    return undefined;
  }
  if (b.length <= HEADER || b.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  if (b.toString('latin1', MAGIC.length, MAGIC.length + 64) !== key) return undefined;
  const data = b.subarray(HEADER);
  return sha256(data).equals(b.subarray(MAGIC.length + 64, HEADER)) ? data : undefined;
}

// Store V8 data for `key`: whole or not at all (written beside, renamed over); then the oldest
// files beyond KEEP go. Failures (a read-only or full disk) only mean no cache.
export function writeCodeCache(dir: string, key: string, data: Uint8Array): void {
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${key}.jsc`);
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      for (const part of [Buffer.from(MAGIC + key, 'latin1'), sha256(data), data]) {
        for (let o = 0; o < part.length;) o += writeSync(fd, part, o, part.length - o);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    const ours = readdirSync(dir).filter((n) => /^[0-9a-f]{64}\.jsc$/.test(n))
      .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { n } of ours.slice(KEEP)) unlinkSync(join(dir, n));
  } catch {
    // no cache this time
  }
}

// Run a bundle written by tools/build-cli.mjs: `bytes` is its text, `file` where it is.
export function runBundle(file: string, bytes: Buffer, env: NodeJS.ProcessEnv = process.env): void {
  const dir = env.XOS_CODE_CACHE === '0' ? undefined : cacheDir(env);
  // the whole text is hashed (~1 ms): V8 itself checks only the source's length
  const key = dir ? createHash('sha256').update(bytes).update(`\0${process.version}\0${process.arch}`).digest('hex') : '';
  const cachedData = dir ? readCodeCache(join(dir, 'js'), key) : undefined;
  // the bundle is a function expression (exports, require, module, __filename, __dirname, __xosBundleUrl)
  const script = new Script(bytes.toString('utf8'), { filename: file, cachedData });
  if (dir && (!cachedData || script.cachedDataRejected)) {
    // made at exit, so that it holds the functions this run compiled, not only the top level
    process.once('exit', () => writeCodeCache(join(dir, 'js'), key, script.createCachedData()));
  }
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} };
  fn(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href);
}

// The newest time tsc wrote its output (its build-info files), 0 when unknown.
function tscTime(dist: string): number {
  try {
    const d = join(dist, '.tsbuildinfo');
    return Math.max(0, ...readdirSync(d).map((n) => statSync(join(d, n)).mtimeMs));
  } catch {
    return 0;
  }
}

// The `xos` command from `dist` (a file URL of the dist/ folder): the bundle when it is at least as
// new as tsc's output, the modules themselves otherwise (tsc run without the build's bundling step).
export async function launch(dist: URL): Promise<void> {
  const root = fileURLToPath(dist);
  const bundle = join(root, 'xos-cli.cjs');
  let bytes: Buffer | undefined;
  try {
    if (statSync(bundle).mtimeMs >= tscTime(root)) bytes = readFileSync(bundle);
  } catch {
    bytes = undefined;
  }
  if (bytes === undefined) await import(new URL('src/cli/main.js', dist).href);
  else runBundle(bundle, bytes);
}
