// Debian's busybox-static, a real static program no one here wrote.  Fetched
// with `apt-get download busybox-static` into the cache directory and
// unpacked with `dpkg-deb -x`; `apt-get update` runs only if the first
// download fails (a fresh machine with empty package lists).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cachePath } from './root.js';

const execFileP = promisify(execFile);

let pending: Promise<string> | undefined;

/** Path to the static `busybox` binary from Debian's busybox-static package. */
export function getBusybox(): Promise<string> {
  pending ??= fetchBusybox();
  return pending;
}

function findBinary(dir: string): string | undefined {
  for (const rel of ['bin/busybox', 'usr/bin/busybox', 'usr/sbin/busybox', 'sbin/busybox']) {
    const p = join(dir, rel);
    if (existsSync(p)) return p;
  }
  return undefined;
}

async function fetchBusybox(): Promise<string> {
  const base = cachePath('busybox-static');
  const done = join(base, 'root');
  const have = findBinary(done);
  if (have) return have;

  const work = mkdtempSync(join(base, 'tmp-'));
  try {
    const download = () => execFileP('apt-get', ['download', 'busybox-static'], { cwd: work, maxBuffer: 16 << 20 });
    try {
      await download();
    } catch (first) {
      try {
        await execFileP('apt-get', ['update'], { maxBuffer: 64 << 20 });
      } catch (e) {
        throw new Error(
          `apt-get download busybox-static failed (${(first as Error).message.trim()}) ` +
            `and apt-get update failed too (${(e as Error).message.trim()}); run as root or set XOS_TEST_CACHE to a cache that has it`,
        );
      }
      await download();
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download busybox-static left no .deb in ${work}`);
    const extracted = join(work, 'root');
    await execFileP('dpkg-deb', ['-x', join(work, deb), extracted]);
    if (!findBinary(extracted)) throw new Error(`no busybox binary inside ${deb}`);
    try {
      renameSync(extracted, done); // atomic: another test process may be doing the same
    } catch {
      if (!findBinary(done)) throw new Error(`could not move busybox into ${done}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const bin = findBinary(done);
  if (!bin) throw new Error(`busybox missing from ${done}`);
  return bin;
}
